import DecantCore

/// The keys of one mapping in a plan file, checked against the keys it may have.
/// `path` names it in messages (`buckets.archive`).
struct Fields {
    let path: String
    let node: YAMLNode
    /// Where "missing key" errors point: the entry's own key when there is one.
    let anchor: SourceLocation
    private let byName: [String: YAMLPair]
    let pairs: [YAMLPair]

    /// Nil (after reporting it) when `node` is not a mapping; an empty value (`archive:`)
    /// is an empty mapping. Unknown keys are reported with the closest known one.
    init?(_ node: YAMLNode, path: String, known: [String], anchor: SourceLocation? = nil, bag: DiagnosticBag) {
        guard let pairs = node.isNull ? [] : node.pairs else {
            bag.error("`\(path)` must be a mapping, got \(node.kindDescription)", at: node.location)
            return nil
        }
        self.path = path
        self.node = node
        self.anchor = anchor ?? node.location
        self.pairs = pairs
        var byName: [String: YAMLPair] = [:]
        for pair in pairs {
            guard let key = pair.key.scalar else { continue }
            byName[key] = pair
            if !known.contains(key) {
                bag.error("unknown key `\(key)` in `\(path)`", at: pair.key.location,
                          hint: DiagnosticBag.suggestion(for: key, among: known, noun: "known keys"))
            }
        }
        self.byName = byName
    }

    subscript(_ key: String) -> YAMLNode? { byName[key]?.value }

    func keyLocation(_ key: String) -> SourceLocation? { byName[key]?.key.location }

    func child(_ key: String) -> String { "\(path).\(key)" }

    func required(_ key: String, bag: DiagnosticBag) -> YAMLNode? {
        guard let node = byName[key]?.value else {
            bag.error("`\(path)` is missing the required key `\(key)`", at: anchor)
            return nil
        }
        return node
    }
}
