import DecantCore
import DecantSQLite
import Foundation

/// One environment's state: a SQLite database (WAL, numbered migrations, mode 0600)
/// holding the lineage, the runs and their journal, and the ledger rollback reads.
///
/// Threading: an `actor` that owns its one SQLite connection; every call is
/// serialized on it, so the applier's tasks and the planner's streams can share
/// one store. Streams (`verifiedCopies`, `copiesMade`, `deletions`) fetch one page
/// per call and hold no SQLite statement between pages.
///
/// Writes that belong to a run take its serial and are refused unless that run
/// is `running`. Every instant comes from the injected clock.
public actor StateStore {
    /// The database file.
    public nonisolated let path: String
    /// A UUID made when the state was created; it never changes.
    public nonisolated let lineage: String

    /// Where the state is, for messages (`state/dev.db`, `gs://bucket/prefix/dev.db`):
    /// `path` itself, or the remote object a local copy stands for.
    public nonisolated let location: String

    let db: SQLiteDatabase
    /// Bucket and migration names by their ledger ids, and back.
    let names = LedgerNames()
    let clock: any Clock
    let probe: ProcessProbe
    private var isClosed = false
    /// A private snapshot directory removed when the store closes (a remote state read without the lock).
    private let removeOnClose: URL?

    /// Opens the state at `path`, migrating it to the current schema. Runs left
    /// `running` by a process of this host that is gone are marked `interrupted`.
    ///
    /// A path where nothing exists gets a new state, built beside it and moved into
    /// place whole, so that a file at a state's path is always a complete decant
    /// state. A file that is there but empty, not SQLite, or another program's
    /// database is refused (`StateError.notADecantState`), never taken for a new
    /// state: that would forget every copy decant made (and adopt them).
    ///
    /// - Parameters:
    ///   - location: what to call the state in messages, when `path` is a local copy.
    ///   - removeOnClose: a directory to remove when the store is closed.
    public static func open(path: String, clock: any Clock = SystemClock(), probe: ProcessProbe = .system,
                            location: String? = nil, removeOnClose: URL? = nil) throws(StateError) -> StateStore {
        let location = location ?? path
        if try !StateFileCheck.exists(path: path, location: location) {
            try create(at: path, location: location, clock: clock)
        }
        return try StateStore(path: path, location: location, clock: clock, probe: probe, removeOnClose: removeOnClose)
    }

    private init(path: String, location: String, clock: any Clock, probe: ProcessProbe, removeOnClose: URL?) throws(StateError) {
        try StateFileCheck.requireDecantState(path: path, location: location)
        // Read-only first: a file that is not decant's is refused without a byte of it changed.
        try StateFileCheck.requireLineage(path: path, location: location)
        let database: SQLiteDatabase
        do {
            database = try SQLiteDatabase(path: path)
        } catch {
            throw StateFileCheck.explain(error, location: location)
        }
        let lineage: String
        do {
            lineage = try StateError.wrap {
                // A million-row ledger's indexes stay in memory while a run records into it.
                try database.execute("PRAGMA cache_size = -65536")
                // Checkpoint the WAL every 64 MB rather than every 4 MB: each checkpoint
                // syncs the database file, and at the default a million-row apply spent
                // most of its recording time in them. Closing checkpoints the rest.
                try database.execute("PRAGMA wal_autocheckpoint = 16384")
                try database.migrate(StateSchema.migrations)
                guard let lineage = try StateFileCheck.lineage(of: database) else {
                    throw StateError.notADecantState(location: location, problem: StateFileCheck.foreign)
                }
                _ = try Self.markInterrupted(in: database, probe: probe, now: clock.now(), includeUnknown: false)
                return lineage
            }
        } catch {
            database.close()
            throw StateFileCheck.explain(error, location: location)
        }
        self.path = path
        self.location = location
        self.lineage = lineage
        self.db = database
        self.clock = clock
        self.probe = probe
        self.removeOnClose = removeOnClose
    }

    /// Builds a new, empty state at a temporary name beside `path` and links it into
    /// place (never over an existing file). A crash before the link leaves only the
    /// temporary file, removed by the next creation.
    private static func create(at path: String, location: String, clock: any Clock) throws(StateError) {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent()
        let stem = url.lastPathComponent + ".new-"
        for leftover in (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [] where leftover.hasPrefix(stem) {
            try? FileManager.default.removeItem(at: directory.appendingPathComponent(leftover))
        }
        let temporary = directory.appendingPathComponent(stem + UUID().uuidString.lowercased()).path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: temporary + suffix) } }
        do {
            let database = try SQLiteDatabase(path: temporary)
            defer { database.close() }
            try database.migrate(StateSchema.migrations)
            try database.run("INSERT INTO meta (key, value) VALUES ('lineage', ?)", UUID().uuidString.lowercased())
            try database.run("INSERT INTO meta (key, value) VALUES ('created_ms', ?)", String(clock.now().milliseconds))
            try database.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        } catch {
            throw StateFileCheck.explain(error, location: location)
        }
        guard link(temporary, path) == 0 else {
            // Someone created it meanwhile: theirs is the state.
            if errno == EEXIST { return }
            throw .io(path: path, detail: "cannot create the state: \(String(cString: strerror(errno)))")
        }
    }

    /// The connection, unless the store was closed.
    func database() throws(StateError) -> SQLiteDatabase {
        guard !isClosed else { throw .closed(path: path) }
        return db
    }

    /// Runs `body` against the open connection, mapping errors to `StateError`.
    func withDatabase<T>(_ body: (SQLiteDatabase) throws -> T) throws(StateError) -> T {
        let database = try database()
        return try StateError.wrap { try body(database) }
    }

    /// Runs `body` in one IMMEDIATE transaction. Names given ledger ids in a
    /// transaction that is rolled back are forgotten with it.
    func inTransaction<T>(_ body: (SQLiteDatabase) throws -> T) throws(StateError) -> T {
        do {
            let value = try withDatabase { database in try database.transaction { try body(database) } }
            names.committed()
            return value
        } catch {
            names.forgetUncommitted()
            throw error
        }
    }

    /// Closes the connection; later calls throw `StateError.closed`.
    public func close() {
        guard !isClosed else { return }
        try? db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.close()
        isClosed = true
        if let removeOnClose { try? FileManager.default.removeItem(at: removeOnClose) }
    }

    /// The serial of the newest run, 0 for the empty state before the first apply.
    public var currentSerial: Int64 {
        get throws(StateError) {
            try withDatabase { try $0.scalarInt("SELECT COALESCE(MAX(serial), 0) FROM runs") ?? 0 }
        }
    }

    /// The schema version recorded in the database.
    public var schemaVersion: Int {
        get throws(StateError) {
            try withDatabase { Int(try $0.scalarInt("SELECT COALESCE(MAX(version), 0) FROM schema_migrations") ?? 0) }
        }
    }

    /// Refuses a saved plan made against another serial (safety invariant 6).
    public func expectSerial(_ planned: Int64) throws(StateError) {
        let current = try currentSerial
        guard planned == current else { throw .staleSerial(planned: planned, current: current) }
    }

    /// `PRAGMA integrity_check`, `foreign_key_check` and the ledger's name ids (which
    /// carry no foreign key): "ok" when all are clean.
    public func integrityCheck() throws(StateError) -> String {
        try withDatabase { database in
            let integrity = try database.integrityCheck()
            guard integrity == "ok" else { return integrity }
            var broken = Set(try database.query("PRAGMA foreign_key_check") { row in row.text(0) ?? "?" })
            for (table, column, names) in [("copies", "source_bucket_id", "ledger_buckets"), ("copies", "target_bucket_id", "ledger_buckets"),
                                           ("copies", "migration_id", "ledger_migrations"), ("deletions", "bucket_id", "ledger_buckets")]
            where try database.scalarInt("SELECT EXISTS (SELECT 1 FROM \(table) WHERE \(column) NOT IN (SELECT id FROM \(names)))") == 1 {
                broken.insert(table)
            }
            return broken.isEmpty ? "ok" : "foreign keys broken in: \(broken.sorted().joined(separator: ", "))"
        }
    }

    /// Folds the write-ahead log into the database file (`wal_checkpoint(TRUNCATE)`),
    /// so the file alone is the whole state. Throws if a reader kept it from finishing.
    public func checkpoint() throws(StateError) {
        let busy = try withDatabase { database in
            try database.query("PRAGMA wal_checkpoint(TRUNCATE)") { row in row.int(0) ?? 1 }.first ?? 1
        }
        guard busy == 0 else { throw .checkpointIncomplete(path: path) }
    }

    /// The complete database as one file's bytes, for an upload: a checkpoint,
    /// then the file read inside this actor so that no write interleaves.
    public func checkpointedSnapshot() throws(StateError) -> Data {
        try checkpoint()
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .io(path: path, detail: "cannot read the state file: \(error.localizedDescription)")
        }
    }
}
