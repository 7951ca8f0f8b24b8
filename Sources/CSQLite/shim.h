#include <sqlite3.h>

/// Turns off SQLite's memory statistics before its first use: with them on, every
/// allocation SQLite makes takes a global mutex (about 6% of recording a million
/// ledger rows). sqlite3_config is variadic, which Swift cannot call. Returns
/// SQLITE_MISUSE, harmlessly, when SQLite was initialized already.
static inline int decant_sqlite3_disable_memstatus(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
