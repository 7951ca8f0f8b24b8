import DecantCore
import DecantSQLite
import Foundation

extension StateStore {
    /// Records the copies an action is about to make, before any call (invariant 5).
    /// `recordCopies` drops an intent once the ledger holds its target.
    public func recordCopyIntents(_ intents: [CopyIntent], actionID: ActionID, serial: Int64) throws(StateError) {
        guard !intents.isEmpty else { return }
        let now = clock.now().milliseconds
        try inTransaction { database in
            try Self.requireRunning(serial, in: database)
            let insert = try database.prepare("""
                INSERT INTO copy_intents (serial, action_id, source_bucket, source_name, source_generation,
                                          target_bucket, target_name, expected_generation, started_ms)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for intent in intents {
                let key = intent.key
                try insert.bind([serial, actionID.rawValue, key.sourceBucket, key.sourceName, key.sourceGeneration,
                                 key.targetBucket, key.targetName, intent.expectedTargetGeneration, now])
                try insert.runToEnd()
            }
        }
    }

    /// The intents still open for these targets (copies started and never recorded),
    /// by `bucket/name`.
    public func openCopyIntents(targets: [ObjectRef]) throws(StateError) -> [String: [CopyIntent]] {
        guard !targets.isEmpty else { return [:] }
        return try withDatabase { database in
            guard try database.scalarInt("SELECT EXISTS (SELECT 1 FROM copy_intents)") == 1 else { return [:] }
            var out: [String: [CopyIntent]] = [:]
            let select = try database.prepare("""
                SELECT serial, source_bucket, source_name, source_generation, target_bucket, target_name, expected_generation
                FROM copy_intents WHERE target_bucket = ? AND target_name = ?
                """)
            for target in targets {
                select.reset()
                try select.bind([target.bucket, target.name])
                while let row = try select.step() {
                    let key = CopyKey(sourceBucket: row.text(1) ?? "", sourceName: row.text(2) ?? "", sourceGeneration: row.int(3) ?? 0,
                                      targetBucket: row.text(4) ?? "", targetName: row.text(5) ?? "")
                    out[Self.intentKey(target.bucket, target.name), default: []]
                        .append(CopyIntent(key: key, expectedTargetGeneration: row.int(6) ?? 0, serial: row.int(0) ?? 0))
                }
            }
            return out
        }
    }

    /// How `openCopyIntents` keys its answer.
    public nonisolated static func intentKey(_ bucket: String, _ name: String) -> String { bucket + "/" + name }

    /// Drops the intents on a target the ledger now records (inside `recordCopies`' transaction).
    static func closeCopyIntents(targetBucket: String, targetName: String, in database: SQLiteDatabase) throws {
        let delete = try database.prepare("DELETE FROM copy_intents WHERE target_bucket = ? AND target_name = ?")
        try delete.bind([targetBucket, targetName])
        try delete.runToEnd()
    }
}
