import DecantCore
import Foundation

extension RunOwner {
    /// This process.
    public static var current: RunOwner {
        RunOwner(user: HostIdentity.userName, host: HostIdentity.hostName, pid: HostIdentity.processID)
    }
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
