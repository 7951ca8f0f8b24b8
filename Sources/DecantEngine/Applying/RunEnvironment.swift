import DecantCore
import DecantState
import DecantStorage
import Foundation

/// What every step of one run shares: the applier's seams (`run.store`,
/// `run.state`, `run.clock`, `run.observer`, `run.writeCode`, read through to the
/// `Applier`), the run's serial, the one limiter on store requests in flight, the
/// options, the migrations' plans and the copies this run made for its verify steps.
@dynamicMemberLookup
struct RunEnvironment: Sendable {
    let applier: Applier
    let serial: Int64
    let limiter: AsyncLimiter
    let options: ApplyOptions
    let migrations: [String: MigrationPlan]
    let copies = CopyResults()

    subscript<T>(dynamicMember path: KeyPath<Applier, T>) -> T { applier[keyPath: path] }

    /// Runs one action between its journal entries (invariant 5). Errors of the
    /// state itself fail the action (the record is what makes work safe to resume).
    func run(_ action: Action) async -> ActionOutcome {
        self.observer.handle(.actionStarted(action))
        var outcome: ActionOutcome
        do {
            try await self.state.journalIntent(serial: serial, action: action)
            outcome = try await Self.step(for: action).perform(action, in: self)
            let counts = JournalCounts(objects: Int64(outcome.done.objects), bytes: outcome.done.bytes)
            if outcome.status == .succeeded {
                try await self.state.journalDone(serial: serial, actionID: action.id, counts: counts)
            } else {
                try await self.state.journalFailed(serial: serial, actionID: action.id, error: outcome.errors.joined(separator: "; "), counts: counts)
            }
        } catch {
            outcome = ActionOutcome(id: action.id, kind: action.kind, migration: action.migration, status: .failed,
                                    errors: [Self.describe(error)])
            try? await self.state.journalFailed(serial: serial, actionID: action.id, error: Self.describe(error))
        }
        self.observer.handle(.actionFinished(outcome))
        return outcome
    }

    static func describe(_ error: any Error) -> String {
        if let e = error as? LocalizedError, let d = e.errorDescription { return d }
        return String(describing: error)
    }
}

extension ActionOutcome {
    /// Done when no item failed; the first five errors kept.
    static func finished(_ action: Action, errors: [String?], done: Tally) -> ActionOutcome {
        let failures = errors.compactMap { $0 }
        return ActionOutcome(id: action.id, kind: action.kind, migration: action.migration,
                             status: failures.isEmpty ? .succeeded : .failed, done: done, failures: failures.count,
                             errors: Array(failures.prefix(5)))
    }

    /// A bucket or code action done (it counts as one).
    static func succeeded(_ action: Action) -> ActionOutcome {
        ActionOutcome(id: action.id, kind: action.kind, migration: action.migration, status: .succeeded, done: Tally(objects: 1))
    }
}
