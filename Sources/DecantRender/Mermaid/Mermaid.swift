import Foundation

/// The pieces of Mermaid (the diagram language GitHub renders inside a
/// ```` ```mermaid ```` fence) that decant's pictures are written in. Only a
/// small subset is used: `flowchart` with subgraphs, `xychart-beta` with one bar
/// series, and `pie`. Every label goes through `label` or `category`, so a
/// folder name can never end a string, open a shape or inject markup.
enum Mermaid {
    /// A fenced block, ready to sit in Markdown.
    static func block(_ lines: [String]) -> [String] {
        ["", "```mermaid"] + lines + ["```"]
    }

    /// Text for a flowchart label in `"…"`: every character Mermaid's grammar or
    /// its HTML labels would read (quote, `#`, `&`, `<`, `>`, `|`, backtick) as a
    /// numeric entity code (`#34;`), line breaks as spaces. Unicode passes through.
    static func label(_ s: String) -> String {
        var out = ""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"", "#", "&", "<", ">", "|", "`", "[", "]", "{", "}":
                out += "#\(scalar.value);"
            case "\n", "\r", "\t":
                out += " "
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Lines of a flowchart label, joined with the one piece of markup decant emits.
    static func lines(_ parts: [String]) -> String {
        parts.map(label).joined(separator: lineBreak)
    }

    static let lineBreak = "<br/>"

    /// Text for an `xychart-beta` or `pie` string. Those strings take no entity
    /// codes, so a double quote becomes a typographic one, angle brackets
    /// look-alikes that no renderer reads as markup, and line breaks spaces;
    /// everything else is shown as it is.
    static func category(_ s: String) -> String {
        var out = ""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\u{201D}"
            case "<": out += "\u{2039}"
            case ">": out += "\u{203A}"
            case "\n", "\r", "\t": out += " "
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A number as a chart value: fixed point, at most `decimals` places, no
    /// exponent, no locale.
    static func number(_ value: Double, decimals: Int) -> String {
        var text = String(format: "%.\(decimals)f", value)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text == "-0" ? "0" : text
    }

    /// The largest binary unit the biggest of `values` reaches, for one chart axis.
    static func byteUnit(_ largest: Int64) -> (name: String, size: Double) {
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"]
        var size = 1.0, unit = 0
        while Double(largest) >= size * 1024, unit < units.count - 1 {
            size *= 1024
            unit += 1
        }
        return (units[unit], size)
    }
}
