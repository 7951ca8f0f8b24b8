import DecantCore
import DecantSQLite

extension StateStore {
    /// Journal rows whose action id starts with `prefix`, oldest first, across every
    /// run: a transfer job's operations are journaled as `transfer:<job>@<operation>`
    /// so that an apply after a killed one finds the operation it left running.
    public func journalEntries(actionPrefix prefix: String) throws(StateError) -> [JournalEntry] {
        try withDatabase { database in
            try database.query("""
                SELECT \(Self.journalColumns) FROM journal
                WHERE substr(action_id, 1, length(?)) = ?
                ORDER BY serial, started_ms, action_id
                """, [prefix, prefix], Self.journalEntry)
        }
    }
}
