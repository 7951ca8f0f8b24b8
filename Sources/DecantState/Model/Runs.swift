import DecantCore
import Foundation

/// What a run does: an apply of a plan or a rollback to an earlier serial.
public enum RunKind: String, Hashable, Sendable, Codable, CaseIterable {
    case apply, rollback
}

/// Where a run stands. `interrupted` is set by a later open or run when the
/// process that left a run `running` is gone.
public enum RunStatus: String, Hashable, Sendable, Codable, CaseIterable {
    case running, succeeded, failed, interrupted
}

/// The user, host and process behind a run or a lock (never a credential).
public struct RunOwner: Hashable, Sendable, Codable, CustomStringConvertible {
    public var user: String
    public var host: String
    public var pid: Int32

    public init(user: String, host: String, pid: Int32) {
        self.user = user
        self.host = host
        self.pid = pid
    }

    /// This process.
    public static var current: RunOwner {
        RunOwner(user: HostIdentity.userName, host: HostIdentity.hostName, pid: HostIdentity.processID)
    }

    /// `user@host`.
    public var who: String { "\(user)@\(host)" }
    public var description: String { "\(who), pid \(pid)" }
}

/// What `beginRun` records about a run before it does anything.
public struct RunStart: Hashable, Sendable {
    public var kind: RunKind
    /// Digest of the saved plan executed (or of the plan computed in place).
    public var planDigest: String?
    /// Digest of the inputs the plan was made from (plan files, observed state).
    public var inputDigest: String?
    /// Short counts for people (`{"copy": 1200, "bytes": 5e9}`); free-form keys.
    public var summary: [String: Int64]
    /// For a rollback: the serial it returns to.
    public var rollbackTo: Int64?
    public var owner: RunOwner
    public var version: String
    /// `--now`, when the run's clock was pinned.
    public var pinnedNow: Date?
    /// Deletions were decided by a `--now` ahead of the real clock (`--allow-future-now`).
    public var deletesByPinnedNow: Bool

    public init(kind: RunKind, planDigest: String?, inputDigest: String? = nil, summary: [String: Int64] = [:],
                rollbackTo: Int64? = nil, owner: RunOwner = .current, version: String = DecantVersion.current,
                pinnedNow: Date? = nil, deletesByPinnedNow: Bool = false) {
        self.kind = kind
        self.planDigest = planDigest
        self.inputDigest = inputDigest
        self.summary = summary
        self.rollbackTo = rollbackTo
        self.owner = owner
        self.version = version
        self.pinnedNow = pinnedNow
        self.deletesByPinnedNow = deletesByPinnedNow
    }
}

/// One row of `runs`.
public struct RunRecord: Hashable, Sendable, Codable {
    public var serial: Int64
    public var kind: RunKind
    public var status: RunStatus
    public var started: Date
    public var finished: Date?
    public var planDigest: String?
    public var inputDigest: String?
    public var owner: RunOwner
    public var version: String
    public var summary: [String: Int64]
    public var rollbackTo: Int64?
    /// `--now`, when the run's clock was pinned.
    public var pinnedNow: Date?
    /// Deletions were decided by a `--now` ahead of the real clock (`--allow-future-now`).
    public var deletesByPinnedNow: Bool
}

/// How many ledger rows one run wrote, counted from the ledger itself.
public struct LedgerCounts: Hashable, Sendable, Codable {
    public var bucketsCreated = 0
    public var bucketsChanged = 0
    public var objectsCopied = 0
    public var bytesCopied: Int64 = 0
    public var objectsAdopted = 0
    public var objectsVerified = 0
    public var objectsDeleted = 0
    public var codeEdits = 0
    // What a rollback undid.
    public var copiesRemoved = 0
    /// Adopted copies whose record a rollback dropped (the objects stay).
    public var adoptedForgotten = 0
    public var sourcesRestored = 0
    public var codeReverted = 0
    public var bucketsDeleted = 0
    public var bucketsRestored = 0

    public init() {}
}

/// Journal rows of one run by state.
public struct JournalTally: Hashable, Sendable, Codable {
    public var intent = 0
    public var done = 0
    public var failed = 0

    public init() {}
}

/// One line of `decant state history`.
public struct RunSummary: Hashable, Sendable, Codable {
    public var run: RunRecord
    public var ledger: LedgerCounts
    public var journal: JournalTally
}

/// Totals of a state for `decant state show`.
public struct StateStats: Hashable, Sendable, Codable {
    public var lineage: String
    public var serial: Int64
    public var schemaVersion: Int
    public var runs: Int
    public var runsByStatus: [String: Int]
    public var currentCopies: Int
    public var verifiedCopies: Int
    public var adoptedCopies: Int
    /// Bytes of the `currentCopies` (adopted ones included, as `state list` counts them).
    public var currentBytes: Int64
    /// Bytes of the `adoptedCopies`.
    public var adoptedBytes: Int64
    public var deletedSources: Int
    public var restoredSources: Int
    public var liveCreatedBuckets: Int
    public var bucketChanges: Int
    public var codeEdits: Int
    public var pendingIntents: Int
    /// Size of the database file (WAL not included).
    public var fileBytes: Int64
}
