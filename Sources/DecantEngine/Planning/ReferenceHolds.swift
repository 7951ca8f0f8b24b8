import DecantCore

/// Which code references keep which migration's sources (DESIGN.md §4, invariant 3):
/// a reference placed in a migration's source holds that migration's deletions; a
/// reference to a source bucket whose path decant cannot place may reach any of its
/// locations, so it holds every deletion out of that bucket until a person
/// acknowledges it in `code.acknowledged`.
struct ReferenceHolds {
    /// Migration key → the references placed in its source.
    private let placed: [String: [CodeReference]]
    /// Source bucket → the unplaced references to it that nobody acknowledged.
    private let unplaced: [String: [CodeReference]]
    /// Unplaced references a person acknowledged, with the acknowledgement.
    let acknowledged: [AcknowledgedReference]
    /// Acknowledgements that cover no unplaced reference.
    let unmatched: [CodeAcknowledgement]

    init(_ code: CodeFindings?, acknowledgements: [CodeAcknowledgement]) {
        var placed: [String: [CodeReference]] = [:]
        for r in code?.references ?? [] { if let key = r.migration { placed[key, default: []].append(r) } }
        self.placed = placed
        var unplaced: [String: [CodeReference]] = [:]
        var acknowledged: [AcknowledgedReference] = []
        var used = Set<Int>()
        for r in code?.unplaced ?? [] {
            guard let bucket = r.bucket else { continue }
            if let index = acknowledgements.firstIndex(where: { $0.covers(r) }) {
                used.insert(index)
                acknowledged.append(AcknowledgedReference(reference: r, acknowledgement: acknowledgements[index]))
            } else {
                unplaced[bucket, default: []].append(r)
            }
        }
        self.unplaced = unplaced
        self.acknowledged = acknowledged
        unmatched = acknowledgements.enumerated().filter { !used.contains($0.offset) }.map(\.element)
    }

    /// The references that hold `migration`'s deletions: those placed in its source,
    /// then the unplaced ones to its source bucket.
    func holding(_ migration: Migration) -> [CodeReference] {
        (placed[migration.key] ?? []) + (unplaced[migration.source.bucket] ?? [])
    }

    /// The unplaced, unacknowledged references to `bucket`.
    func unplaced(in bucket: String) -> [CodeReference] { unplaced[bucket] ?? [] }

    /// Why code keeps `migration`'s sources, or nil when nothing does.
    func hold(for migration: Migration) -> HoldReason? {
        let references = placed[migration.key]?.count ?? 0, unplaced = unplaced[migration.source.bucket]?.count ?? 0
        guard references > 0 || unplaced > 0 else { return nil }
        return .codeReferences(source: migration.source.url, references: references, bucket: migration.source.bucket, unplaced: unplaced)
    }
}
