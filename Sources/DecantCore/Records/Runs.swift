import Foundation

// What a state records about its runs, as values: DecantState writes and reads
// them, the engine returns them, the renderers show them.

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

    /// `user@host`.
    public var who: String { "\(user)@\(host)" }
    public var description: String { "\(who), pid \(pid)" }
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

    public init(serial: Int64, kind: RunKind, status: RunStatus, started: Date, finished: Date?, planDigest: String?,
                inputDigest: String?, owner: RunOwner, version: String, summary: [String: Int64], rollbackTo: Int64?,
                pinnedNow: Date?, deletesByPinnedNow: Bool) {
        self.serial = serial
        self.kind = kind
        self.status = status
        self.started = started
        self.finished = finished
        self.planDigest = planDigest
        self.inputDigest = inputDigest
        self.owner = owner
        self.version = version
        self.summary = summary
        self.rollbackTo = rollbackTo
        self.pinnedNow = pinnedNow
        self.deletesByPinnedNow = deletesByPinnedNow
    }

    /// The run's lock was removed while it ran (`decant state unlock`): it is recorded as failed.
    public var lostItsLock: Bool { summary[Self.lockLostKey] == 1 }

    /// The `summary` key that marks a run whose lock was removed while it ran.
    public static let lockLostKey = "lock_lost"

    /// Migrations applied over the promotion gate (`--ignore-promotion`).
    public var promotionIgnored: Int { Int(summary[Self.promotionIgnoredKey] ?? 0) }
    /// The summary key of `promotionIgnored`.
    public static let promotionIgnoredKey = "promotion_ignored"
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
    /// Bucket IAM policies a run set, and those a rollback put back.
    public var accessSet = 0
    public var accessRestored = 0

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

    public init(run: RunRecord, ledger: LedgerCounts, journal: JournalTally) {
        self.run = run
        self.ledger = ledger
        self.journal = journal
    }
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

    public init(lineage: String, serial: Int64, schemaVersion: Int, runs: Int, runsByStatus: [String: Int],
                currentCopies: Int, verifiedCopies: Int, adoptedCopies: Int, currentBytes: Int64, adoptedBytes: Int64,
                deletedSources: Int, restoredSources: Int, liveCreatedBuckets: Int, bucketChanges: Int, codeEdits: Int,
                pendingIntents: Int, fileBytes: Int64) {
        self.lineage = lineage
        self.serial = serial
        self.schemaVersion = schemaVersion
        self.runs = runs
        self.runsByStatus = runsByStatus
        self.currentCopies = currentCopies
        self.verifiedCopies = verifiedCopies
        self.adoptedCopies = adoptedCopies
        self.currentBytes = currentBytes
        self.adoptedBytes = adoptedBytes
        self.deletedSources = deletedSources
        self.restoredSources = restoredSources
        self.liveCreatedBuckets = liveCreatedBuckets
        self.bucketChanges = bucketChanges
        self.codeEdits = codeEdits
        self.pendingIntents = pendingIntents
        self.fileBytes = fileBytes
    }
}
