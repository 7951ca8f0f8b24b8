import DecantCore

/// Collects what a rollback leaves alone, grouped by step and reason, with
/// counts, bytes and the first few examples, in the order first met.
struct RefusalBook: Sendable {
    private(set) var refusals: [RollbackReport.Refusal] = []
    private var index: [String: Int] = [:]
    let sampleLimit: Int

    init(sampleLimit: Int = 5) { self.sampleLimit = sampleLimit }

    mutating func add(_ kind: ActionKind, _ reason: String, sample: String, bytes: Int64 = 0) {
        let key = kind.rawValue + "\u{0}" + reason
        let i: Int
        if let existing = index[key] {
            i = existing
        } else {
            i = refusals.count
            index[key] = i
            refusals.append(RollbackReport.Refusal(kind: kind, reason: reason))
        }
        refusals[i].tally.add(bytes)
        if refusals[i].samples.count < sampleLimit { refusals[i].samples.append(sample) }
    }
}

/// Why object steps leave things alone (one group each in the report).
enum RefusalReason {
    static let copyChanged = "the copy to restore from is gone or changed since decant verified it"
    static let originalTaken = "the original name holds other content now; not overwritten"
    static let targetChanged = "changed since decant copied it; left alone"
    static let sourceNotRestorable = "its deleted source cannot be restored, so the copy is kept"
    static let codeChanged = "changed since decant edited it; not reverted"
    static let codeMissing = "missing; not reverted"
    static let codeBlocked = "a newer edit of the same file cannot be reverted; not reverted"
    static let noCodeRoot = "no code root (the plan files have no `code:` section); not reverted"
    static let bucketChanged = "changed since decant changed it; not restored"
    static let bucketGone = "the bucket is gone; nothing to restore"
    static let bucketNotEmpty = "not empty: a bucket is deleted only when empty"
}

extension ObjectRef {
    /// `gs://bucket/name`, without the generation.
    var url: String { "gs://\(bucket)/\(name)" }
}
