import DecantCore

/// Collects what a rollback leaves alone, grouped by step and reason, with
/// counts, bytes and the first few examples, in the order first met.
struct RefusalBook: Sendable {
    private(set) var refusals: [RollbackReport.Refusal] = []
    private var index: [Group: Int] = [:]
    let sampleLimit: Int

    init(sampleLimit: Int = 5) { self.sampleLimit = sampleLimit }

    private struct Group: Hashable, Sendable {
        var kind: ActionKind
        var reason: RefusalReason
    }

    mutating func add(_ kind: ActionKind, _ reason: RefusalReason, sample: String, bytes: Int64 = 0) {
        let key = Group(kind: kind, reason: reason)
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

extension ObjectRef {
    /// `gs://bucket/name`, without the generation.
    var url: String { "gs://\(bucket)/\(name)" }
}
