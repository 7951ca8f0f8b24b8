import DecantCore
import DecantState
import DecantStorage

/// A transfer job's operations in the run's journal (no schema of their own): one
/// row `transfer:<job>@<operation>` per operation decant started or watched, at
/// `intent` while it runs and `done` or `failed` with its counters once it ended.
/// A killed apply leaves the row at `intent`; the next apply reads it back and
/// watches that operation instead of starting another.
enum TransferJournal {
    static func prefix(_ job: String) -> String { "transfer:\(job)@" }

    /// The operations journaled for `job`, oldest first.
    static func operations(of job: String, state: StateStore) async throws -> [String] {
        let prefix = prefix(job)
        var seen: Set<String> = []
        return try await state.journalEntries(actionPrefix: prefix).compactMap { entry in
            guard let name = entry.actionID.rawValue.droppingPrefix(prefix), seen.insert(name).inserted else { return nil }
            return name
        }
    }

    static func record(_ operation: String, job: String, action: Action, run: RunEnvironment) async throws {
        try await run.state.journalIntent(serial: run.serial, action: row(operation, job: job, action: action))
    }

    static func finish(_ operation: LongRunningOperation, job: String, run: RunEnvironment) async throws {
        let counters = operation.metadata?.counters ?? TransferCounters()
        let counts = JournalCounts(objects: counters.objectsCopiedToSink, bytes: counters.bytesCopiedToSink)
        let id = ActionID(rawValue: prefix(job) + operation.name)
        if operation.metadata?.status == .success {
            try await run.state.journalDone(serial: run.serial, actionID: id, counts: counts)
        } else {
            let status = operation.metadata?.status?.rawValue ?? "unknown"
            try await run.state.journalFailed(serial: run.serial, actionID: id,
                                              error: "operation ended \(status), \(counters.objectsFromSourceFailed) object(s) failed"
                                                  + (operation.error?.message.map { ": \($0)" } ?? ""),
                                              counts: counts)
        }
    }

    private static func row(_ operation: String, job: String, action: Action) -> Action {
        Action(id: ActionID(rawValue: prefix(job) + operation), kind: .copy, migration: action.migration, bucket: action.bucket,
               reason: action.reason, payload: .objects([]))
    }
}
