import Foundation

/// How one action ended.
public struct ActionOutcome: Hashable, Sendable, Codable {
    public enum Status: String, Hashable, Sendable, Codable { case succeeded, failed, skipped }

    public var id: ActionID
    public var kind: ActionKind
    public var migration: String?
    public var status: Status
    /// Objects (or 1 for bucket and code actions) done, and their bytes.
    public var done: Tally
    /// Items that failed, with the first few errors.
    public var failures: Int
    public var errors: [String]

    public init(id: ActionID, kind: ActionKind, migration: String?, status: Status, done: Tally = Tally(),
                failures: Int = 0, errors: [String] = []) {
        self.id = id
        self.kind = kind
        self.migration = migration
        self.status = status
        self.done = done
        self.failures = failures
        self.errors = errors
    }
}

/// The result of an apply or rollback.
public struct ApplyResult: Hashable, Sendable, Codable {
    public var serial: Int64
    public var status: RunStatus
    public var startedAt: Date
    public var finishedAt: Date
    /// Wall-clock seconds the run took (measured, whatever the injected clock says).
    public var elapsed: Double
    public var outcomes: [ActionOutcome]

    public init(serial: Int64, status: RunStatus, startedAt: Date, finishedAt: Date, elapsed: Double, outcomes: [ActionOutcome]) {
        self.serial = serial
        self.status = status
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.elapsed = elapsed
        self.outcomes = outcomes
    }

    public var succeeded: [ActionOutcome] { outcomes.filter { $0.status == .succeeded } }
    public var failed: [ActionOutcome] { outcomes.filter { $0.status == .failed } }
    public var skipped: [ActionOutcome] { outcomes.filter { $0.status == .skipped } }

    public func total(_ kinds: Set<ActionKind>) -> Tally {
        outcomes.filter { kinds.contains($0.kind) }.reduce(Tally()) { $0 + $1.done }
    }
}
