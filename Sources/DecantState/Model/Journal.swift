import DecantCore
import Foundation

/// Where one action of a run stands. A crash leaves `intent`.
public enum JournalState: String, Hashable, Sendable, Codable, CaseIterable {
    case intent, done, failed
}

/// What an action actually did, recorded when it ends.
public struct JournalCounts: Hashable, Sendable, Codable {
    public var objects: Int64
    public var bytes: Int64

    public init(objects: Int64 = 0, bytes: Int64 = 0) {
        self.objects = objects
        self.bytes = bytes
    }
}

/// One row of the journal.
public struct JournalEntry: Hashable, Sendable, Codable {
    public var serial: Int64
    public var actionID: ActionID
    public var kind: ActionKind
    public var migration: String?
    public var bucket: String?
    public var state: JournalState
    /// How many times the action was started in this run (retries after a failure).
    public var attempts: Int
    public var started: Date
    public var finished: Date?
    public var plannedObjects: Int64
    public var plannedBytes: Int64
    public var counts: JournalCounts?
    /// Redacted error text of a failed action.
    public var error: String?
}
