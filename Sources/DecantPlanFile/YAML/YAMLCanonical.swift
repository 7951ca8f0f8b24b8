import DecantCore

extension YAMLNode {
    /// The node as one line of text that ignores how it was laid out (key order,
    /// flow or block style, comments, positions, quotes around a string) but keeps
    /// what it means: mapping keys sorted, each scalar quoted, with `=` before a plain
    /// scalar that reads as a number, a boolean or null, and `"` before any other.
    var canonicalText: String {
        switch content {
        case let .scalar(text, style):
            // Quoting a string changes nothing; quoting `true`, `7` or `~` makes it a string.
            let typed = style == .plain && (isNull || text == "true" || text == "false" || Int(text) != nil || Double(text) != nil)
            return (typed ? "=" : "\"") + YAMLWriter.quoted(text)
        case .sequence(let items):
            return "[" + items.map(\.canonicalText).joined(separator: ",") + "]"
        case .mapping(let pairs):
            let entries = pairs.map { ($0.key.canonicalText, $0.value.canonicalText) }.sorted { $0.0 < $1.0 }
            return "{" + entries.map { "\($0.0):\($0.1)" }.joined(separator: ",") + "}"
        }
    }

    /// SHA-256 hex of `canonicalText`.
    var canonicalDigest: String { Digest.sha256Hex(canonicalText) }
}
