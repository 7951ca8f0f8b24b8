import DecantCore
import DecantSQLite
import Foundation

extension StateStore {
    /// Records how each migration of a running run ended (before the run is finished).
    public func recordMigrationOutcomes(serial: Int64, _ outcomes: [MigrationOutcomeRecord]) throws(StateError) {
        guard !outcomes.isEmpty else { return }
        try inTransaction { database in
            try Self.requireRunning(serial, in: database)
            for o in outcomes {
                try database.run("""
                    INSERT OR REPLACE INTO migration_outcomes (serial, migration, inputs_digest, verified, finished_ms, promotion_ignored)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """, serial, o.migration, o.inputsDigest, o.verified, o.finished.milliseconds, o.promotionIgnored)
            }
        }
    }

    /// Every recorded migration outcome, oldest run first.
    public func migrationOutcomes() throws(StateError) -> [MigrationOutcomeRecord] {
        try withDatabase { database in
            try database.query("""
                SELECT serial, migration, inputs_digest, verified, finished_ms, promotion_ignored
                FROM migration_outcomes ORDER BY serial, migration
                """, []) { row in
                MigrationOutcomeRecord(serial: row.int(0) ?? 0, migration: row.text(1) ?? "", inputsDigest: row.text(2) ?? "",
                                       verified: row.int(3) == 1, finished: Date(milliseconds: row.int(4) ?? 0),
                                       promotionIgnored: row.text(5))
            }
        }
    }
}

/// Another environment's state, read without its lock and without writing to it:
/// a copy in a private directory, opened there and removed when closed. While
/// that environment's WAL is there (a run in progress, or cut short), the copy is
/// made by `VACUUM INTO` on a read-only connection (one consistent read
/// transaction, through the WAL files that exist); without it the database file
/// is the whole state, and its bytes are copied, so that no `-wal` or `-shm` file
/// is ever created beside another environment's state.
public enum StateReadCopy {
    /// Nil when there is no state at `path` (that environment was never applied).
    public static func open(path: String, location: String, clock: any Clock) throws(StateError) -> StateStore? {
        guard try StateFileCheck.exists(path: path, location: location) else { return nil }
        try StateFileCheck.requireDecantState(path: path, location: location)
        let directory = try PrivateFile.makeDirectory(in: FileManager.default.temporaryDirectory, stem: "decant-state-snapshot-")
        let copy = directory.appendingPathComponent("snapshot.db").path
        do throws(StateError) {
            if FileManager.default.fileExists(atPath: path + "-wal") {
                var options = SQLiteDatabase.Options()
                options.readOnly = true
                do {
                    let source = try SQLiteDatabase(path: path, options: options)
                    defer { source.close() }
                    try source.run("VACUUM INTO ?", copy)
                } catch {
                    throw StateFileCheck.explain(error, location: location)
                }
            } else {
                let data: Data
                do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
                    throw StateError.io(path: location, detail: "cannot read the state: \(error.localizedDescription)")
                }
                try PrivateFile.create(data, at: copy)
            }
            return try StateStore.open(path: copy, clock: clock, location: location, removeOnClose: directory)
        } catch {
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
    }
}
