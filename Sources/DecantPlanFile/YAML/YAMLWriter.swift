/// Writes scalars for hand-readable YAML: plain when that reads back as the same
/// string, double-quoted otherwise.
enum YAMLWriter {
    private static let reserved: Set<String> = ["true", "false", "yes", "no", "on", "off", "y", "n", "null", "~",
                                                "True", "False", "Yes", "No", "On", "Off", "Null", "TRUE", "FALSE", "NULL"]

    static func scalar(_ text: String) -> String {
        let plainSafe = !text.isEmpty && !reserved.contains(text) && Int(text) == nil && Double(text) == nil
            && text.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
                || $0 == "_" || $0 == "-" || $0 == "." || $0 == "/" }
            && !text.hasPrefix("-") && !text.hasPrefix(".")
        return plainSafe ? text : quoted(text)
    }

    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\x" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16, uppercase: true)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// `["a", "b"]` in flow style.
    static func list(_ items: [String]) -> String {
        "[" + items.map(scalar).joined(separator: ", ") + "]"
    }
}
