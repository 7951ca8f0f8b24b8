import DecantCore
import DecantSQLite
import Foundation

extension StateStore {
    // MARK: Buckets

    /// Records a bucket decant created, with its settings at creation. Recording
    /// the same live bucket again returns the existing row's id.
    @discardableResult
    public func recordBucketCreated(name: String, project: String?, settings: BucketSettings,
                                    serial: Int64) throws(StateError) -> Int64 {
        let now = clock.now().milliseconds
        return try inTransaction { database in
            try Self.requireRunning(serial, in: database)
            try database.run("""
                INSERT INTO created_buckets (name, project, settings, serial, created_ms) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (name) WHERE deleted_serial IS NULL DO NOTHING
                """, name, project, try JSONText.encode(settings), serial, now)
            return try database.scalarInt("SELECT id FROM created_buckets WHERE name = ? AND deleted_serial IS NULL", [name]) ?? 0
        }
    }

    /// Records a change of a bucket's settings, with the settings it replaced.
    @discardableResult
    public func recordBucketChanged(_ change: BucketChangeRecord, serial: Int64) throws(StateError) -> Int64 {
        let now = clock.now().milliseconds
        return try inTransaction { database in
            try Self.requireRunning(serial, in: database)
            try database.run("""
                INSERT INTO bucket_changes (name, action_id, previous, new, metageneration_before, metageneration_after, serial, changed_ms)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, change.name, change.actionID?.rawValue, try JSONText.encode(change.previous), try JSONText.encode(change.new),
                change.metagenerationBefore, change.metagenerationAfter, serial, now)
            return database.lastInsertRowID
        }
    }

    /// Buckets decant created and has not deleted (with `includeDeleted`, all), oldest first.
    public func createdBuckets(includeDeleted: Bool = false) throws(StateError) -> [CreatedBucketRow] {
        try withDatabase { database in
            try database.query("""
                SELECT \(Self.createdBucketColumns) FROM created_buckets
                \(includeDeleted ? "" : "WHERE deleted_serial IS NULL") ORDER BY id
                """, [], Self.createdBucketRow)
        }
    }

    /// The live bucket decant created under `name`, if it did (safety invariant 4).
    public func createdBucket(named name: String) throws(StateError) -> CreatedBucketRow? {
        try withDatabase { database in
            try database.query("SELECT \(Self.createdBucketColumns) FROM created_buckets WHERE name = ? AND deleted_serial IS NULL",
                               [name], Self.createdBucketRow).first
        }
    }

    /// Changes of bucket settings (of one bucket when `name` is given), oldest first.
    public func bucketChanges(name: String? = nil, includeRestored: Bool = true) throws(StateError) -> [BucketChangeRow] {
        var conditions: [String] = []
        var bindings: [any SQLiteBindable] = []
        if let name {
            conditions.append("name = ?")
            bindings.append(name)
        }
        if !includeRestored { conditions.append("restored_serial IS NULL") }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        return try withDatabase { database in
            try database.query("SELECT \(Self.bucketChangeColumns) FROM bucket_changes \(filter) ORDER BY id", bindings,
                               Self.bucketChangeRow)
        }
    }

    // MARK: Deletions

    /// Records source objects deleted, each justified by the current verified copy
    /// named by its key (safety invariant 1): a key without one makes the whole
    /// batch fail and nothing is recorded. With `pending`, the rows say the delete
    /// is about to be attempted (`markDeletionsDone` confirms it). Recording a
    /// deletion again changes nothing but can confirm a pending one. Returns the
    /// deletion ids in the order given.
    ///
    /// Pending rows come just before the delete calls, so they and the verified
    /// copies that justify them are made durable first, also against a machine
    /// crash: with `synchronous=NORMAL` a commit waits in the write-ahead log,
    /// unsynced, and a power loss could take back a copy row whose source GCS has
    /// already deleted. This commit syncs the log (`synchronous=FULL`), then a
    /// checkpoint moves it into the database file (unless a reader holds an older
    /// snapshot; the synced log is durable either way).
    @discardableResult
    public func recordDeletions(_ keys: [CopyKey], serial: Int64, pending: Bool = false) throws(StateError) -> [Int64] {
        guard pending else { return try insertDeletions(keys, serial: serial, pending: false) }
        try withDatabase { try $0.execute("PRAGMA synchronous=FULL") }
        defer { try? withDatabase { try $0.execute("PRAGMA synchronous=NORMAL") } }
        let ids = try insertDeletions(keys, serial: serial, pending: true)
        try withDatabase { try $0.execute("PRAGMA wal_checkpoint(PASSIVE)") }
        return ids
    }

    private func insertDeletions(_ keys: [CopyKey], serial: Int64, pending: Bool) throws(StateError) -> [Int64] {
        let now = clock.now().milliseconds
        return try inTransaction { database in
            try Self.requireRunning(serial, in: database)
            var ids: [Int64] = []
            ids.reserveCapacity(keys.count)
            var bucketIDs = KeyIDs(names: names, database: database)
            for key in keys {
                guard let (source, target) = try bucketIDs.lookup(key),
                      let copy = try Self.currentCopy(key, source: source, target: target, in: database, names: names),
                      copy.isVerified else {
                    throw StateError.unjustifiedDeletion(key)
                }
                try database.run("""
                    INSERT INTO deletions (bucket_id, name, generation, copy_id, serial, deleted_ms, pending) VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (bucket_id, name, generation) DO UPDATE SET pending = MIN(pending, excluded.pending)
                    """, source, key.sourceName, key.sourceGeneration, copy.id, serial, now, pending)
                let id = try database.scalarInt("SELECT id FROM deletions WHERE bucket_id = ? AND name = ? AND generation = ?",
                                                [source, key.sourceName, key.sourceGeneration]) ?? 0
                ids.append(id)
            }
            return ids
        }
    }

    /// Confirms pending deletions: the delete calls succeeded (or found the object gone).
    public func markDeletionsDone(_ ids: [Int64]) throws(StateError) {
        try inTransaction { database in
            for id in ids { try database.run("UPDATE deletions SET pending = 0 WHERE id = ?", id) }
        }
    }

    /// Drops pending deletions whose object turned out to be still there: they did not happen.
    public func discardPendingDeletions(_ ids: [Int64]) throws(StateError) {
        try inTransaction { database in
            for id in ids { try database.run("DELETE FROM deletions WHERE id = ? AND pending = 1", id) }
        }
    }

    /// Deletions recorded as pending by a run that did not confirm them.
    public func pendingDeletions() throws(StateError) -> [DeletionRow] {
        try withDatabase { database in
            let context = LedgerRowContext(names: names, database: database)
            return try database.query("""
                SELECT \(Self.deletionColumns) FROM deletions d JOIN copies c ON c.id = d.copy_id WHERE d.pending = 1 ORDER BY d.id
                """) { try Self.deletionRow($0, context) }
        }
    }

    /// The deletion of one source generation, if decant made it.
    public func deletion(bucket: String, name: String, generation: Int64) throws(StateError) -> DeletionRow? {
        try withDatabase { database in
            guard let bucketID = try names.id(.bucket, bucket, in: database) else { return nil }
            let context = LedgerRowContext(names: names, database: database)
            return try database.query("""
                SELECT \(Self.deletionColumns) FROM deletions d JOIN copies c ON c.id = d.copy_id
                WHERE d.bucket_id = ? AND d.name = ? AND d.generation = ?
                """, [bucketID, name, generation]) { try Self.deletionRow($0, context) }.first
        }
    }

    // MARK: Code

    /// Records a code edit decant applied; returns its id.
    @discardableResult
    public func recordCodeEdit(_ edit: CodeEdit, serial: Int64) throws(StateError) -> Int64 {
        let now = clock.now().milliseconds
        return try inTransaction { database in
            try Self.requireRunning(serial, in: database)
            try database.run("""
                INSERT INTO code_edits (path, before_sha256, after_sha256, patch, before_content, after_content, migrations, serial, edited_ms)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, edit.path, edit.beforeHash, edit.afterHash, edit.patch, edit.beforeContent, edit.afterContent,
                try JSONText.encode(edit.migrations), serial, now)
            return database.lastInsertRowID
        }
    }

    /// Code edits (of one file when `path` is given), oldest first.
    public func codeEdits(path: String? = nil, includeReverted: Bool = true) throws(StateError) -> [CodeEditRow] {
        var conditions: [String] = []
        var bindings: [any SQLiteBindable] = []
        if let path {
            conditions.append("path = ?")
            bindings.append(path)
        }
        if !includeReverted { conditions.append("reverted_serial IS NULL") }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        return try withDatabase { database in
            try database.query("SELECT \(Self.codeEditColumns) FROM code_edits \(filter) ORDER BY id", bindings, Self.codeEditRow)
        }
    }

    // MARK: Row decoding

    static let createdBucketColumns = "id, name, project, settings, serial, created_ms, deleted_serial"

    static func createdBucketRow(_ row: SQLiteRow) -> CreatedBucketRow {
        CreatedBucketRow(id: row.int(0) ?? 0, name: row.text(1) ?? "", project: row.text(2),
                         settings: row.text(3).flatMap { JSONText.decode(BucketSettings.self, from: $0) } ?? BucketSettings(),
                         serial: row.int(4) ?? 0, created: Date(milliseconds: row.int(5) ?? 0), deletedSerial: row.int(6))
    }

    static let bucketChangeColumns = """
        id, name, action_id, previous, new, metageneration_before, metageneration_after, serial, changed_ms, restored_serial
        """

    static func bucketChangeRow(_ row: SQLiteRow) -> BucketChangeRow {
        let settings = { (column: Int32) in row.text(column).flatMap { JSONText.decode(BucketSettings.self, from: $0) } ?? BucketSettings() }
        let change = BucketChangeRecord(name: row.text(1) ?? "", actionID: row.text(2).map(ActionID.init(rawValue:)),
                                        previous: settings(3), new: settings(4), metagenerationBefore: row.int(5),
                                        metagenerationAfter: row.int(6))
        return BucketChangeRow(id: row.int(0) ?? 0, change: change, serial: row.int(7) ?? 0,
                               changed: Date(milliseconds: row.int(8) ?? 0), restoredSerial: row.int(9))
    }

    /// Deletion columns, then the justifying copy's columns from column 10 on.
    static let deletionColumns = """
        d.id, d.bucket_id, d.name, d.generation, d.serial, d.deleted_ms, d.restored_serial, d.restored_generation, d.copy_id, \
        d.pending, \(copyColumns.split(separator: ",").map { "c." + $0.trimmingCharacters(in: .whitespacesAndNewlines) }.joined(separator: ", "))
        """

    static func deletionRow(_ row: SQLiteRow, _ context: LedgerRowContext) throws -> DeletionRow {
        DeletionRow(id: row.int(0) ?? 0,
                    object: ObjectRef(bucket: try context.bucket(row.int(1)), name: row.text(2) ?? "", generation: row.int(3)),
                    copy: try copyRow(row, offset: 10, context), serial: row.int(4) ?? 0, deleted: Date(milliseconds: row.int(5) ?? 0),
                    restoredSerial: row.int(6), restoredGeneration: row.int(7), pending: row.int(9) == 1)
    }

    static let codeEditColumns = """
        id, path, before_content, after_content, patch, migrations, serial, edited_ms, reverted_serial, before_sha256, after_sha256
        """

    static func codeEditRow(_ row: SQLiteRow) -> CodeEditRow {
        var edit = CodeEdit(path: row.text(1) ?? "", beforeContent: row.text(2) ?? "", afterContent: row.text(3) ?? "",
                            patch: row.text(4) ?? "",
                            migrations: row.text(5).flatMap { JSONText.decode([String].self, from: $0) } ?? [])
        // The hashes recorded at the time stand, even if hashing ever changes.
        edit.beforeHash = row.text(9) ?? edit.beforeHash
        edit.afterHash = row.text(10) ?? edit.afterHash
        return CodeEditRow(id: row.int(0) ?? 0, edit: edit, serial: row.int(6) ?? 0,
                           edited: Date(milliseconds: row.int(7) ?? 0), revertedSerial: row.int(8))
    }
}
