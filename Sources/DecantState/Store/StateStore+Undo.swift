import DecantCore
import DecantSQLite
import Foundation

extension StateStore {
    /// The newest serial that recorded something no rollback has undone yet
    /// (a bucket, a bucket change, a copy, a source deletion, a code edit), or
    /// nil when there is none: `rollback --last` returns to the serial before it.
    public func newestUndoableSerial() throws(StateError) -> Int64? {
        try withDatabase { database in
            try database.scalarInt("""
                SELECT MAX(serial) FROM (
                    SELECT MAX(serial) AS serial FROM created_buckets WHERE deleted_serial IS NULL
                    UNION ALL SELECT MAX(serial) FROM bucket_changes WHERE restored_serial IS NULL
                    UNION ALL SELECT MAX(serial) FROM copies WHERE removed_serial IS NULL
                    UNION ALL SELECT MAX(serial) FROM deletions WHERE restored_serial IS NULL
                    UNION ALL SELECT MAX(serial) FROM code_edits WHERE reverted_serial IS NULL
                    UNION ALL SELECT MAX(serial) FROM iam_changes WHERE restored_serial IS NULL
                )
                """)
        }
    }

    /// One code edit by id, reverted or not.
    public func codeEdit(id: Int64) throws(StateError) -> CodeEditRow? {
        try withDatabase { database in
            try database.query("SELECT \(Self.codeEditColumns) FROM code_edits WHERE id = ?", [id], Self.codeEditRow).first
        }
    }

    /// One bucket change by id, restored or not.
    public func bucketChange(id: Int64) throws(StateError) -> BucketChangeRow? {
        try withDatabase { database in
            try database.query("SELECT \(Self.bucketChangeColumns) FROM bucket_changes WHERE id = ?", [id], Self.bucketChangeRow).first
        }
    }
}
