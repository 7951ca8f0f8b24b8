import DecantSQLite
import Foundation
import Testing

@Suite struct SQLiteTests {
    func tempPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("decant-sqlite-\(UUID().uuidString).db").path
    }

    /// Two processes opening one database at once both see version 1 before either
    /// migrates: the one that gets the write lock second must find version 2 done
    /// and skip it, not run it again (a local bucket's index is opened by every process
    /// that uses the bucket).
    @Test func aMigrationAppliedWhileWaitingForTheLockIsNotRunTwice() throws {
        let path = tempPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let migrations = [(version: 1, sql: "CREATE TABLE t (a)"), (version: 2, sql: "CREATE TABLE u (a)")]
        let first = try SQLiteDatabase(path: path)
        try first.migrate(Array(migrations.prefix(1)))
        /// The other process's connection, used only by the thread below once handed over.
        final class Other: @unchecked Sendable {
            let db: SQLiteDatabase
            init(_ db: SQLiteDatabase) { self.db = db }
        }
        let other = Other(try SQLiteDatabase(path: path))
        try other.db.execute("BEGIN IMMEDIATE")
        try other.db.execute(migrations[1].sql)
        try other.db.run("INSERT INTO schema_migrations (version, applied_at) VALUES (2, 'now')")
        let committed = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            Thread.sleep(forTimeInterval: 0.3)
            try? other.db.execute("COMMIT")
            committed.signal()
        }
        // Reads version 1 (the other commit is not visible yet), then waits for the lock.
        #expect(try first.migrate(migrations) == 2)
        committed.wait()
        #expect(try first.scalarInt("SELECT COUNT(*) FROM schema_migrations WHERE version = 2") == 1)
    }

    @Test func walModeMigrationsAndTransactions() throws {
        let path = tempPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let db = try SQLiteDatabase(path: path)
        #expect(try db.scalarText("PRAGMA journal_mode") == "wal")
        let migrations = [(version: 1, sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)"),
                          (version: 2, sql: "ALTER TABLE t ADD COLUMN size INTEGER")]
        #expect(try db.migrate(migrations) == 2)
        #expect(try db.migrate(migrations) == 2)
        try db.transaction { try db.run("INSERT INTO t (name, size) VALUES (?, ?)", "a", 1) }
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try db.transaction {
                try db.run("INSERT INTO t (name, size) VALUES (?, ?)", "b", 2)
                throw Boom()
            }
        }
        #expect(try db.scalarInt("SELECT COUNT(*) FROM t") == 1)
        #expect(try db.integrityCheck() == "ok")
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
    }

    @Test func errorsCarryCodesAndSQLButNotValues() throws {
        let path = tempPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let db = try SQLiteDatabase(path: path)
        try db.execute("CREATE TABLE t (name TEXT PRIMARY KEY)")
        try db.run("INSERT INTO t VALUES (?)", "secret-token-value")
        do {
            try db.run("INSERT INTO t VALUES (?)", "secret-token-value")
            Issue.record("expected a constraint error")
        } catch {
            #expect(error.isConstraint)
            #expect(error.sql == "INSERT INTO t VALUES (?)")
            #expect(!(error.errorDescription ?? "").contains("secret-token-value"))
        }
    }

    @Test func refusesNewerSchema() throws {
        let path = tempPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let db = try SQLiteDatabase(path: path)
        try db.migrate([(version: 3, sql: "CREATE TABLE x (a)")])
        #expect(throws: SQLiteError.self) { try db.migrate([(version: 1, sql: "CREATE TABLE y (a)")]) }
    }
}
