import CSQLite
import Foundation

/// A SQLite error: result code, extended code, message and the SQL that failed,
/// never the bound values (they can hold secrets).
public struct SQLiteError: Error, Equatable, LocalizedError {
    public var code: Int32
    public var extendedCode: Int32
    public var message: String
    public var sql: String?

    public var errorDescription: String? {
        var text = "SQLite error \(code) (extended \(extendedCode)): \(message)"
        if let sql { text += " in `\(sql.trimmingCharacters(in: .whitespacesAndNewlines))`" }
        return text
    }

    public var isConstraint: Bool { code == SQLITE_CONSTRAINT }
    /// The file is not a SQLite database.
    public var isNotADatabase: Bool { code == SQLITE_NOTADB }
    /// The database file is damaged.
    public var isCorrupt: Bool { code == SQLITE_CORRUPT }
    /// The disk is full.
    public var isDiskFull: Bool { code == SQLITE_FULL }
    /// Reading or writing the file failed below SQLite (the disk, permissions).
    public var isIOError: Bool { code == SQLITE_IOERR || code == SQLITE_CANTOPEN || code == SQLITE_READONLY }
}

/// A value bound to or read from a statement.
public enum SQLiteValue: Equatable, Sendable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob(Data)
}

public protocol SQLiteBindable {
    var sqliteValue: SQLiteValue { get }
}

extension Int: SQLiteBindable { public var sqliteValue: SQLiteValue { .integer(Int64(self)) } }
extension Int64: SQLiteBindable { public var sqliteValue: SQLiteValue { .integer(self) } }
extension Int32: SQLiteBindable { public var sqliteValue: SQLiteValue { .integer(Int64(self)) } }
extension Double: SQLiteBindable { public var sqliteValue: SQLiteValue { .real(self) } }
extension String: SQLiteBindable { public var sqliteValue: SQLiteValue { .text(self) } }
extension Data: SQLiteBindable { public var sqliteValue: SQLiteValue { .blob(self) } }
extension Bool: SQLiteBindable { public var sqliteValue: SQLiteValue { .integer(self ? 1 : 0) } }
extension SQLiteValue: SQLiteBindable { public var sqliteValue: SQLiteValue { self } }
extension Optional: SQLiteBindable where Wrapped: SQLiteBindable {
    public var sqliteValue: SQLiteValue { self?.sqliteValue ?? .null }
}

/// One connection to a database file, in WAL mode with `synchronous=NORMAL`, a
/// busy timeout and extended result codes. Not thread-safe: own it from one
/// actor or one thread at a time.
public final class SQLiteDatabase {
    public let path: String
    private(set) var handle: OpaquePointer?
    private var statementCache: [String: SQLiteStatement] = [:]

    public struct Options: Sendable {
        public var readOnly = false
        public var busyTimeoutMilliseconds: Int32 = 10_000
        /// File mode of a new database file (0600: state may name private buckets).
        public var fileMode: mode_t = 0o600
        public var walMode = true
        public init() {}
    }

    public init(path: String, options: Options = Options()) throws(SQLiteError) {
        _ = sqliteConfigured
        self.path = path
        let flags = options.readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
        let existed = FileManager.default.fileExists(atPath: path)
        var db: OpaquePointer?
        let rc = sqlite3_open_v2(path, &db, flags | SQLITE_OPEN_NOMUTEX, nil)
        handle = db
        guard rc == SQLITE_OK else {
            let error = SQLiteDatabase.error(db, rc, sql: nil)
            sqlite3_close_v2(db)
            handle = nil
            throw error
        }
        if !existed, !options.readOnly { chmod(path, options.fileMode) }
        sqlite3_extended_result_codes(db, 1)
        sqlite3_busy_timeout(db, options.busyTimeoutMilliseconds)
        if options.walMode, !options.readOnly {
            let mode = try scalarText("PRAGMA journal_mode=WAL")
            guard mode?.lowercased() == "wal" else {
                throw SQLiteError(code: SQLITE_ERROR, extendedCode: SQLITE_ERROR,
                                  message: "could not switch to WAL mode (got \(mode ?? "nothing"))", sql: "PRAGMA journal_mode=WAL")
            }
            try execute("PRAGMA synchronous=NORMAL")
        }
        try execute("PRAGMA foreign_keys=ON")
    }

    deinit { close() }

    /// Finalizes cached statements and closes the connection.
    public func close() {
        statementCache.removeAll()
        if let handle { sqlite3_close_v2(handle) }
        handle = nil
    }

    /// Runs one or more statements without results.
    public func execute(_ sql: String) throws(SQLiteError) {
        var message: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &message)
        if rc != SQLITE_OK {
            let text = message.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
            sqlite3_free(message)
            throw SQLiteError(code: rc & 0xff, extendedCode: sqlite3_extended_errcode(handle), message: text, sql: sql)
        }
    }

    /// A prepared statement, cached by its SQL text.
    public func prepare(_ sql: String) throws(SQLiteError) -> SQLiteStatement {
        if let cached = statementCache[sql] {
            cached.reset()
            return cached
        }
        let statement = try SQLiteStatement(database: self, sql: sql)
        statementCache[sql] = statement
        return statement
    }

    /// Runs a statement with bindings and no result rows.
    public func run(_ sql: String, _ bindings: any SQLiteBindable...) throws(SQLiteError) {
        let statement = try prepare(sql)
        try statement.bind(bindings)
        try statement.runToEnd()
    }

    /// Every row of a query, mapped.
    public func query<T>(_ sql: String, _ bindings: [any SQLiteBindable] = [], _ map: (SQLiteRow) throws -> T) throws -> [T] {
        let statement = try prepare(sql)
        try statement.bind(bindings)
        var out: [T] = []
        while let row = try statement.step() { out.append(try map(row)) }
        return out
    }

    public func scalarInt(_ sql: String, _ bindings: [any SQLiteBindable] = []) throws(SQLiteError) -> Int64? {
        let statement = try prepare(sql)
        try statement.bind(bindings)
        guard let row = try statement.step() else { return nil }
        let value = row.int(0)
        statement.reset()
        return value
    }

    public func scalarText(_ sql: String, _ bindings: [any SQLiteBindable] = []) throws(SQLiteError) -> String? {
        let statement = try prepare(sql)
        try statement.bind(bindings)
        guard let row = try statement.step() else { return nil }
        let value = row.text(0)
        statement.reset()
        return value
    }

    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }
    public var changes: Int { Int(sqlite3_changes(handle)) }

    public enum TransactionKind: String { case deferred = "DEFERRED", immediate = "IMMEDIATE", exclusive = "EXCLUSIVE" }

    /// Runs `body` in a transaction: committed when it returns, rolled back when it
    /// throws (the first error is rethrown, a failed rollback does not hide it).
    public func transaction<T>(_ kind: TransactionKind = .immediate, _ body: () throws -> T) throws -> T {
        try execute("BEGIN \(kind.rawValue)")
        do {
            let value = try body()
            try execute("COMMIT")
            return value
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// Applies the numbered schema migrations not yet recorded in `schema_migrations`,
    /// each in its own transaction. Returns the resulting version.
    @discardableResult
    public func migrate(_ migrations: [(version: Int, sql: String)]) throws -> Int {
        try execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)")
        let current = Int(try scalarInt("SELECT COALESCE(MAX(version), 0) FROM schema_migrations") ?? 0)
        let known = migrations.map(\.version).max() ?? 0
        if current > known {
            throw SQLiteError(code: SQLITE_ERROR, extendedCode: SQLITE_ERROR,
                              message: "the database is at schema version \(current), newer than this decant knows (\(known)); upgrade decant",
                              sql: nil)
        }
        for migration in migrations.sorted(by: { $0.version < $1.version }) where migration.version > current {
            try transaction {
                // Another connection may have applied it while this one waited for the lock.
                guard try scalarInt("SELECT COUNT(*) FROM schema_migrations WHERE version = ?", [migration.version]) == 0 else { return }
                try execute(migration.sql)
                try run("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)",
                        migration.version, ISO8601DateFormatter().string(from: Date()))
            }
        }
        return max(current, known)
    }

    /// `PRAGMA integrity_check` is `ok`.
    public func integrityCheck() throws(SQLiteError) -> String {
        try scalarText("PRAGMA integrity_check") ?? "no answer"
    }

    static func error(_ db: OpaquePointer?, _ rc: Int32, sql: String?) -> SQLiteError {
        let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(rc))
        let extended = db.map { sqlite3_extended_errcode($0) } ?? rc
        return SQLiteError(code: rc & 0xff, extendedCode: extended, message: message, sql: sql)
    }
}

/// A prepared statement; finalized when released.
public final class SQLiteStatement {
    private let handle: OpaquePointer?
    private unowned let database: SQLiteDatabase
    public let sql: String

    init(database: SQLiteDatabase, sql: String) throws(SQLiteError) {
        self.database = database
        self.sql = sql
        var statement: OpaquePointer?
        let rc = sqlite3_prepare_v2(database.handle, sql, -1, &statement, nil)
        guard rc == SQLITE_OK else { throw SQLiteDatabase.error(database.handle, rc, sql: sql) }
        handle = statement
    }

    deinit { sqlite3_finalize(handle) }

    public func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    public func bind(_ values: [any SQLiteBindable]) throws(SQLiteError) {
        for (i, value) in values.enumerated() {
            try bind(value.sqliteValue, at: Int32(i + 1))
        }
    }

    /// Binds one parameter (1-based), without the array of `bind(_:)`: for hot loops.
    public func bind(_ value: SQLiteValue, at index: Int32) throws(SQLiteError) {
        let rc: Int32
        switch value {
        case .null: rc = sqlite3_bind_null(handle, index)
        case .integer(let v): rc = sqlite3_bind_int64(handle, index, v)
        case .real(let v): rc = sqlite3_bind_double(handle, index, v)
        case .text(let v): rc = sqlite3_bind_text(handle, index, v, -1, SQLITE_TRANSIENT)
        case .blob(let v):
            rc = v.withUnsafeBytes { raw in
                sqlite3_bind_blob(handle, index, raw.baseAddress, Int32(raw.count), SQLITE_TRANSIENT)
            }
        }
        guard rc == SQLITE_OK else { throw SQLiteDatabase.error(database.handle, rc, sql: sql) }
    }

    /// Binds an integer (1-based), for hot loops.
    public func bind(_ value: Int64, at index: Int32) throws(SQLiteError) {
        try check(sqlite3_bind_int64(handle, index, value))
    }

    /// Binds an integer, or NULL for nil.
    public func bind(_ value: Int64?, at index: Int32) throws(SQLiteError) {
        try check(value.map { sqlite3_bind_int64(handle, index, $0) } ?? sqlite3_bind_null(handle, index))
    }

    /// Binds text with its UTF-8 length (no `strlen`, and a NUL inside is kept), or
    /// NULL for nil. For hot loops: recording a million copies binds millions of names.
    public func bind(_ value: String?, at index: Int32) throws(SQLiteError) {
        guard var text = value else { return try check(sqlite3_bind_null(handle, index)) }
        let rc = text.withUTF8 { bytes in
            // An empty buffer may have no address, which SQLite would bind as NULL.
            bytes.isEmpty ? sqlite3_bind_text(handle, index, "", 0, SQLITE_TRANSIENT)
                : sqlite3_bind_text(handle, index, bytes.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) },
                                    Int32(bytes.count), SQLITE_TRANSIENT)
        }
        try check(rc)
    }

    private func check(_ rc: Int32) throws(SQLiteError) {
        guard rc == SQLITE_OK else { throw SQLiteDatabase.error(database.handle, rc, sql: sql) }
    }

    /// The next row, or nil when done.
    public func step() throws(SQLiteError) -> SQLiteRow? {
        let rc = sqlite3_step(handle)
        switch rc {
        case SQLITE_ROW: return SQLiteRow(handle: handle)
        case SQLITE_DONE:
            sqlite3_reset(handle)
            return nil
        default:
            let error = SQLiteDatabase.error(database.handle, rc, sql: sql)
            sqlite3_reset(handle)
            throw error
        }
    }

    public func runToEnd() throws(SQLiteError) {
        while try step() != nil {}
    }
}

/// The current row of a statement; valid until the next step.
public struct SQLiteRow {
    let handle: OpaquePointer?

    public func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }
    public func int(_ column: Int32) -> Int64? { isNull(column) ? nil : sqlite3_column_int64(handle, column) }
    public func text(_ column: Int32) -> String? {
        guard let p = sqlite3_column_text(handle, column) else { return nil }
        // The length SQLite already knows, rather than strlen: ledger reads decode millions.
        let count = Int(sqlite3_column_bytes(handle, column))
        return String(decoding: UnsafeBufferPointer(start: p, count: count), as: UTF8.self)
    }
    public func blob(_ column: Int32) -> Data? {
        guard !isNull(column), let p = sqlite3_column_blob(handle, column) else { return isNull(column) ? nil : Data() }
        return Data(bytes: p, count: Int(sqlite3_column_bytes(handle, column)))
    }
}

/// Process-wide SQLite settings, made once before the first connection opens.
private let sqliteConfigured: Int32 = decant_sqlite3_disable_memstatus()

/// SQLite's "copy the bytes now" destructor, which the C macro cannot express in Swift.
let SQLITE_TRANSIENT = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
