import DecantCore
import DecantSQLite
import Foundation

extension StateStore {
    /// What `rollback --to serial` must undo: everything recorded after `serial`
    /// that no rollback undid yet, newest first. 0 means everything.
    public func rollbackScope(to serial: Int64) throws(StateError) -> RollbackScope {
        try withDatabase { database in
            let current = try database.scalarInt("SELECT COALESCE(MAX(serial), 0) FROM runs") ?? 0
            guard serial >= 0, serial <= current else { throw StateError.invalidRollbackTarget(serial: serial, current: current) }
            let buckets = try database.query("""
                SELECT \(Self.createdBucketColumns) FROM created_buckets WHERE deleted_serial IS NULL AND serial > ? ORDER BY id DESC
                """, [serial], Self.createdBucketRow)
            let changes = try database.query("""
                SELECT \(Self.bucketChangeColumns) FROM bucket_changes WHERE restored_serial IS NULL AND serial > ? ORDER BY id DESC
                """, [serial], Self.bucketChangeRow)
            let edits = try database.query("""
                SELECT \(Self.codeEditColumns) FROM code_edits WHERE reverted_serial IS NULL AND serial > ? ORDER BY id DESC
                """, [serial], Self.codeEditRow)
            let copies = try database.scalarInt("SELECT COUNT(*) FROM copies WHERE removed_serial IS NULL AND serial > ?", [serial]) ?? 0
            let deletions = try database.scalarInt("SELECT COUNT(*) FROM deletions WHERE restored_serial IS NULL AND serial > ?",
                                                   [serial]) ?? 0
            var scope = RollbackScope(serial: serial, currentSerial: current, createdBuckets: buckets, bucketChanges: changes,
                                      codeEdits: edits, copies: Int(copies), deletions: Int(deletions))
            scope.iamChanges = try Self.iamChanges(after: serial, in: database)
            return scope
        }
    }

    /// Current copies recorded after `serial`, newest first: the target copies a
    /// rollback removes (after checking each is unchanged since).
    public nonisolated func copiesMade(after serial: Int64, pageSize: Int = 1000) -> StatePages<CopyRow> {
        let limit = max(1, pageSize)
        return StatePages { cursor async throws(StateError) in
            try await self.idPage(
                sql: "SELECT \(Self.copyColumns) FROM copies WHERE removed_serial IS NULL AND serial > ?",
                idColumn: "id", serial: serial, after: cursor, limit: limit, map: { row, context in try Self.copyRow(row, context) }, id: \.id)
        }
    }

    /// Source deletions recorded after `serial` and not restored, newest first, each
    /// with the verified copy to restore it from.
    public nonisolated func deletions(after serial: Int64, pageSize: Int = 1000) -> StatePages<DeletionRow> {
        let limit = max(1, pageSize)
        return StatePages { cursor async throws(StateError) in
            try await self.idPage(
                sql: "SELECT \(Self.deletionColumns) FROM deletions d JOIN copies c ON c.id = d.copy_id WHERE d.restored_serial IS NULL AND d.serial > ?",
                idColumn: "d.id", serial: serial, after: cursor, limit: limit, map: { row, context in try Self.deletionRow(row, context) }, id: \.id)
        }
    }

    func idPage<Row: Sendable>(sql: String, idColumn: String, serial: Int64, after cursor: PageCursor?, limit: Int,
                               map: (SQLiteRow, LedgerRowContext) throws -> Row, id: (Row) -> Int64) throws(StateError) -> (rows: [Row], next: PageCursor?) {
        var text = sql
        var bindings: [any SQLiteBindable] = [serial]
        if case .id(let last)? = cursor {
            text += " AND \(idColumn) < ?"
            bindings.append(last)
        }
        text += " ORDER BY \(idColumn) DESC LIMIT ?"
        bindings.append(limit)
        let rows = try withDatabase { database in
            let context = LedgerRowContext(names: names, database: database)
            return try database.query(text, bindings) { try map($0, context) }
        }
        return (rows, rows.count == limit ? rows.last.map { .id(id($0)) } : nil)
    }

    // MARK: What a rollback did

    /// Records target copies a rollback deleted; they stop being current.
    public func recordCopiesRemoved(_ copyIDs: [Int64], serial: Int64) throws(StateError) {
        let now = clock.now().milliseconds
        try inTransaction { database in
            try Self.requireRunning(serial, in: database)
            for id in copyIDs {
                try Self.undo(table: "copies", marker: "removed_serial", id: id, serial: serial, in: database,
                              set: "removed_ms = ?, removed_reason = 'rollback'", [now])
            }
        }
    }

    /// Records source objects a rollback restored from their copies, with the
    /// generation each restored object got.
    public func recordSourcesRestored(_ restored: [(deletionID: Int64, generation: Int64)], serial: Int64) throws(StateError) {
        let now = clock.now().milliseconds
        try inTransaction { database in
            try Self.requireRunning(serial, in: database)
            for item in restored {
                try Self.undo(table: "deletions", marker: "restored_serial", id: item.deletionID, serial: serial, in: database,
                              set: "restored_ms = ?, restored_generation = ?", [now, item.generation])
                // The restored source is a byte-for-byte copy of the copy that justified
                // its deletion: that copy is now the copy of the restored generation. Left
                // keyed by the deleted generation, the next plan would take decant's own
                // copy for one it found ("adopt"), and a rollback to before it would keep it.
                try database.run("""
                    UPDATE copies SET source_generation = ?
                    WHERE id = (SELECT copy_id FROM deletions WHERE id = ?) AND removed_serial IS NULL
                    """, bindings: [item.generation, item.deletionID])
            }
        }
    }

    /// Records a code edit a rollback reverted.
    public func recordCodeReverted(editID: Int64, serial: Int64) throws(StateError) {
        let now = clock.now().milliseconds
        try inTransaction { database in
            try Self.requireRunning(serial, in: database)
            try Self.undo(table: "code_edits", marker: "reverted_serial", id: editID, serial: serial, in: database,
                          set: "reverted_ms = ?", [now])
        }
    }

    /// Records that a rollback restored the settings a bucket change replaced.
    public func recordBucketRestored(changeID: Int64, serial: Int64) throws(StateError) {
        let now = clock.now().milliseconds
        try inTransaction { database in
            try Self.requireRunning(serial, in: database)
            try Self.undo(table: "bucket_changes", marker: "restored_serial", id: changeID, serial: serial, in: database,
                          set: "restored_ms = ?", [now])
        }
    }

    /// Records that a rollback deleted a bucket decant created.
    public func recordBucketDeleted(name: String, serial: Int64) throws(StateError) {
        let now = clock.now().milliseconds
        try inTransaction { database in
            try Self.requireRunning(serial, in: database)
            if let id = try database.scalarInt("SELECT id FROM created_buckets WHERE name = ? AND deleted_serial IS NULL", [name]) {
                try Self.undo(table: "created_buckets", marker: "deleted_serial", id: id, serial: serial, in: database,
                              set: "deleted_ms = ?", [now])
            } else if try database.scalarInt("SELECT COUNT(*) FROM created_buckets WHERE name = ? AND deleted_serial = ?",
                                              [name, serial]) ?? 0 == 0 {
                throw StateError.unknownLedgerRow(table: "created_buckets", id: -1)
            }
        }
    }

    /// Sets `marker = serial` on a row not undone yet. Doing it again under the same
    /// serial is a no-op (a resumed rollback); anything else is an error.
    static func undo(table: String, marker: String, id: Int64, serial: Int64, in database: SQLiteDatabase,
                     set: String, _ values: [any SQLiteBindable]) throws {
        try database.run("UPDATE \(table) SET \(marker) = ?, \(set) WHERE id = ? AND \(marker) IS NULL",
                         bindings: [serial] + values + [id])
        guard database.changes == 0 else { return }
        guard try database.scalarInt("SELECT \(marker) FROM \(table) WHERE id = ?", [id]) == serial else {
            throw StateError.unknownLedgerRow(table: table, id: id)
        }
    }
}
