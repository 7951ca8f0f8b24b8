import DecantCore
import DecantSQLite
import Foundation

extension StateStore {
    /// Records that `action` is about to start (safety invariant 5). Starting it
    /// again in the same run (a retry) counts another attempt.
    public func journalIntent(serial: Int64, action: Action) throws(StateError) {
        try journalIntents(serial: serial, actions: [action])
    }

    /// `journalIntent` for many actions in one transaction.
    public func journalIntents(serial: Int64, actions: [Action]) throws(StateError) {
        let now = clock.now().milliseconds
        try inTransaction { database in
            try Self.requireRunning(serial, in: database)
            for action in actions {
                let planned = action.objectTally
                try database.run("""
                    INSERT INTO journal (serial, action_id, kind, migration, bucket, state, started_ms, planned_objects, planned_bytes)
                    VALUES (?, ?, ?, ?, ?, 'intent', ?, ?, ?)
                    ON CONFLICT (serial, action_id) DO UPDATE SET
                        state = 'intent', attempts = attempts + 1, started_ms = excluded.started_ms,
                        finished_ms = NULL, objects = NULL, bytes = NULL, error = NULL
                    """, serial, action.id.rawValue, action.kind.rawValue, action.migration, action.bucket, now,
                    Int64(planned.objects), planned.bytes)
            }
        }
    }

    /// Records that an action ended well, with what it really did.
    public func journalDone(serial: Int64, actionID: ActionID, counts: JournalCounts = JournalCounts()) throws(StateError) {
        try finishAction(serial: serial, actionID: actionID, state: .done, counts: counts, error: nil)
    }

    /// Records that an action failed. The text is redacted of anything that looks
    /// like a credential before it is stored.
    public func journalFailed(serial: Int64, actionID: ActionID, error: String,
                              counts: JournalCounts? = nil) throws(StateError) {
        try finishAction(serial: serial, actionID: actionID, state: .failed, counts: counts, error: Redaction.scrub(error))
    }

    private func finishAction(serial: Int64, actionID: ActionID, state: JournalState, counts: JournalCounts?,
                              error: String?) throws(StateError) {
        let now = clock.now().milliseconds
        try inTransaction { database in
            try Self.requireRunning(serial, in: database)
            try database.run("""
                UPDATE journal SET state = ?, finished_ms = ?, objects = ?, bytes = ?, error = ?
                WHERE serial = ? AND action_id = ?
                """, state.rawValue, now, counts?.objects, counts?.bytes, error, serial, actionID.rawValue)
            guard database.changes == 1 else {
                throw StateError.unknownAction(serial: serial, actionID: actionID.rawValue)
            }
        }
    }

    /// The journal of one run, in the order actions started.
    public func journal(serial: Int64) throws(StateError) -> [JournalEntry] {
        try withDatabase { database in
            try database.query("SELECT \(Self.journalColumns) FROM journal WHERE serial = ? ORDER BY started_ms, action_id",
                               [serial], Self.journalEntry)
        }
    }

    /// Actions that a run which did not finish left at `intent`: they may or may not
    /// have happened, and the next apply must observe before trusting either.
    public func pendingIntents() throws(StateError) -> [JournalEntry] {
        try withDatabase { database in
            try database.query("""
                SELECT \(Self.journalColumns) FROM journal
                WHERE state = 'intent' AND serial IN (SELECT serial FROM runs WHERE status <> 'running')
                ORDER BY serial, started_ms, action_id
                """, [], Self.journalEntry)
        }
    }

    static let journalColumns = """
        serial, action_id, kind, migration, bucket, state, attempts, started_ms, finished_ms, planned_objects, planned_bytes, objects, bytes, error
        """

    static func journalEntry(_ row: SQLiteRow) -> JournalEntry {
        let counts: JournalCounts? = row.int(11).map { JournalCounts(objects: $0, bytes: row.int(12) ?? 0) }
        return JournalEntry(serial: row.int(0) ?? 0, actionID: ActionID(rawValue: row.text(1) ?? ""),
                            kind: ActionKind(rawValue: row.text(2) ?? "") ?? .copy, migration: row.text(3),
                            bucket: row.text(4), state: JournalState(rawValue: row.text(5) ?? "") ?? .intent,
                            attempts: Int(row.int(6) ?? 1), started: Date(milliseconds: row.int(7) ?? 0),
                            finished: row.int(8).map(Date.init(milliseconds:)), plannedObjects: row.int(9) ?? 0,
                            plannedBytes: row.int(10) ?? 0, counts: counts, error: row.text(13))
    }
}
