import DecantCore

extension YAMLNode {
    /// The node as one line of text that ignores how it was laid out (key order,
    /// flow or block style, comments, positions) but keeps what it means: mapping
    /// keys sorted, each scalar quoted, with `=` before a plain scalar (which may
    /// read as a number or a boolean) and `"` before a quoted one.
    var canonicalText: String {
        switch content {
        case let .scalar(text, style):
            return (style == .plain ? "=" : "\"") + Self.quoted(text)
        case .sequence(let items):
            return "[" + items.map(\.canonicalText).joined(separator: ",") + "]"
        case .mapping(let pairs):
            let entries = pairs.map { ($0.key.canonicalText, $0.value.canonicalText) }.sorted { $0.0 < $1.0 }
            return "{" + entries.map { "\($0.0):\($0.1)" }.joined(separator: ",") + "}"
        }
    }

    /// SHA-256 hex of `canonicalText`.
    var canonicalDigest: String { Digest.sha256Hex(canonicalText) }

    private static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
