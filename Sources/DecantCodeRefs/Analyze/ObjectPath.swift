/// Reading an object path as written after a bucket (`/historization/{folder}/x_*.parquet`).
enum ObjectPath {
    /// The end of the path whose first byte is at `start` (just past the `/`
    /// after the bucket). Templates (`{x}`, `{{ ds }}`, `${X}`, `$X`, `<x>`) are
    /// part of the path; whitespace, quotes and closing punctuation end it.
    static func end(_ b: [UInt8], from start: Int) -> Int {
        var j = start
        while j < b.count {
            let c = b[j]
            switch c {
            case Byte.openBrace, Byte.dollar, UInt8(ascii: "<"):
                if let e = Placeholder.end(b, at: j) { j = e; continue }
                if c == Byte.dollar { j += 1; continue }
                return trimmed(b, start, j)
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"),
                 UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "`"), UInt8(ascii: ","),
                 UInt8(ascii: ")"), UInt8(ascii: "]"), Byte.closeBrace, UInt8(ascii: ";"),
                 UInt8(ascii: "|"), UInt8(ascii: ">"), UInt8(ascii: "("), UInt8(ascii: "\\"), 0:
                return trimmed(b, start, j)
            default:
                j += 1
            }
        }
        return trimmed(b, start, j)
    }

    /// Drops sentence punctuation after a path in prose (`…/export/.`).
    private static func trimmed(_ b: [UInt8], _ start: Int, _ end: Int) -> Int {
        var e = end
        while e > start, b[e - 1] == UInt8(ascii: ".") || b[e - 1] == UInt8(ascii: ":") { e -= 1 }
        return e
    }

    /// The part of a path before its first template or wildcard: what is known
    /// before run time (`QPI_exports/qpi_answers_{ds}/` → `QPI_exports/qpi_answers_`).
    static func staticPrefix(_ path: String) -> String {
        var out: [UInt8] = []
        for c in path.utf8 {
            switch c {
            case Byte.openBrace, Byte.dollar, UInt8(ascii: "<"), UInt8(ascii: "*"), UInt8(ascii: "?"),
                 UInt8(ascii: "["), UInt8(ascii: "%"):
                return String(decoding: out, as: UTF8.self)
            default:
                out.append(c)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A plausible object path: not empty, not a local path or URL.
    static func isPlausible(_ path: String) -> Bool {
        guard let first = path.utf8.first else { return false }
        if first == Byte.slash || first == UInt8(ascii: ".") || first == UInt8(ascii: "~") { return false }
        let known = staticPrefix(path)
        if known.contains("://") || known.contains(" ") { return false }
        return true
    }
}
