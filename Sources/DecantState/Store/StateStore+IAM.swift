import DecantCore
import DecantSQLite
import Foundation

extension StateStore {
    /// Records, before the `PUT`, that decant is about to replace `previous` with
    /// `new` on `bucket`. Returns the row id `recordIAMSet` and `dropIAMIntent` take.
    public func recordIAMIntent(bucket: String, actionID: ActionID, previous: IAMPolicy, new: IAMPolicy,
                                serial: Int64) throws(StateError) -> Int64 {
        let now = clock.now().milliseconds
        return try inTransaction { database in
            try Self.requireRunning(serial, in: database)
            try database.run("""
                INSERT INTO iam_changes (bucket, action_id, previous, new, serial, changed_ms) VALUES (?, ?, ?, ?, ?, ?)
                """, bucket, actionID.rawValue, try JSONText.encode(previous), try JSONText.encode(new), serial, now)
            return database.lastInsertRowID
        }
    }

    /// The `PUT` answered: `set` is the policy the store now holds (with its etag).
    public func recordIAMSet(id: Int64, set: IAMPolicy) throws(StateError) {
        let now = clock.now().milliseconds
        try inTransaction { database in
            try database.run("UPDATE iam_changes SET new = ?, set_ms = ? WHERE id = ? AND set_ms IS NULL",
                             bindings: [try JSONText.encode(set), now, id])
            guard database.changes == 1 else { throw StateError.unknownLedgerRow(table: "iam_changes", id: id) }
        }
    }

    /// The store refused the `PUT` (a conflict, an invalid policy): nothing changed, the intent goes.
    public func dropIAMIntent(id: Int64) throws(StateError) {
        try inTransaction { database in
            try database.run("DELETE FROM iam_changes WHERE id = ? AND set_ms IS NULL AND restored_serial IS NULL", bindings: [id])
        }
    }

    /// One IAM change by id, restored or not.
    public func iamChange(id: Int64) throws(StateError) -> IAMChangeRow? {
        try withDatabase { database in
            try database.query("SELECT \(Self.iamChangeColumns) FROM iam_changes WHERE id = ?", [id], Self.iamChangeRow).first
        }
    }

    /// IAM changes of `bucket` (all buckets when nil), oldest first.
    public func iamChanges(bucket: String? = nil) throws(StateError) -> [IAMChangeRow] {
        try withDatabase { database in
            if let bucket {
                return try database.query("SELECT \(Self.iamChangeColumns) FROM iam_changes WHERE bucket = ? ORDER BY id", [bucket],
                                          Self.iamChangeRow)
            }
            return try database.query("SELECT \(Self.iamChangeColumns) FROM iam_changes ORDER BY id", [], Self.iamChangeRow)
        }
    }

    /// Records that a rollback put back (or found back) the policy an IAM change replaced.
    public func recordIAMRestored(changeID: Int64, serial: Int64) throws(StateError) {
        let now = clock.now().milliseconds
        try inTransaction { database in
            try Self.requireRunning(serial, in: database)
            try Self.undo(table: "iam_changes", marker: "restored_serial", id: changeID, serial: serial, in: database,
                          set: "restored_ms = ?", [now])
        }
    }

    /// The IAM changes recorded after `serial` and not restored, oldest first.
    static func iamChanges(after serial: Int64, in database: SQLiteDatabase) throws -> [IAMChangeRow] {
        try database.query("""
            SELECT \(iamChangeColumns) FROM iam_changes WHERE restored_serial IS NULL AND serial > ? ORDER BY id
            """, [serial], iamChangeRow)
    }

    static let iamChangeColumns = "id, bucket, action_id, previous, new, serial, changed_ms, set_ms, restored_serial"

    static func iamChangeRow(_ row: SQLiteRow) -> IAMChangeRow {
        let policy = { (column: Int32) in row.text(column).flatMap { JSONText.decode(IAMPolicy.self, from: $0) } ?? IAMPolicy() }
        return IAMChangeRow(id: row.int(0) ?? 0, bucket: row.text(1) ?? "", actionID: row.text(2).map(ActionID.init(rawValue:)),
                            previous: policy(3), new: policy(4), serial: row.int(5) ?? 0,
                            changed: Date(milliseconds: row.int(6) ?? 0), confirmed: row.int(7) != nil, restoredSerial: row.int(8))
    }
}
