/// A file's bytes with its line starts, for turning offsets into 1-based lines
/// and columns and for reading whole lines.
struct SourceText: Sendable {
    let bytes: [UInt8]
    /// Offsets where each line starts; `lineStarts[0] == 0`.
    let lineStarts: [Int]

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        var starts = [0]
        bytes.withUnsafeBytes { raw in
            var i = 0
            while i < raw.count {
                if raw[i] == Byte.newline { starts.append(i + 1) }
                i += 1
            }
        }
        lineStarts = starts
    }

    var count: Int { bytes.count }

    /// 0-based index of the line holding `offset`.
    func lineIndex(of offset: Int) -> Int {
        var lo = 0, hi = lineStarts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if lineStarts[mid] <= offset { lo = mid } else { hi = mid - 1 }
        }
        return lo
    }

    /// 1-based line.
    func line(of offset: Int) -> Int { lineIndex(of: offset) + 1 }

    /// 1-based column in characters (UTF-8 continuation bytes do not count).
    func column(of offset: Int) -> Int {
        column(of: offset, from: lineStarts[lineIndex(of: offset)], at: 1)
    }

    /// The column of `offset`, counted on from a known (`start`, `column`) on the same line.
    func column(of offset: Int, from start: Int, at column: Int) -> Int {
        var column = column
        for i in start..<min(offset, bytes.count) where bytes[i] & 0xC0 != 0x80 { column += 1 }
        return column
    }

    /// The line (0-based index) without its line break.
    func lineRange(index: Int) -> Range<Int> {
        let start = lineStarts[index]
        var end = index + 1 < lineStarts.count ? lineStarts[index + 1] - 1 : bytes.count
        if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return start..<max(start, end)
    }

    func lineRange(containing offset: Int) -> Range<Int> { lineRange(index: lineIndex(of: offset)) }

    /// The line holding `offset`, trimmed; a long line (minified code) is cut
    /// to 200 bytes around the offset, with `…` where it was cut.
    func excerpt(at offset: Int) -> String {
        let line = lineRange(containing: offset)
        guard line.count > 200 else { return bytes.string(line).trimmingBlanks() }
        var lo = max(line.lowerBound, offset - 60), hi = min(line.upperBound, lo + 200)
        while lo > line.lowerBound, bytes[lo] & 0xC0 == 0x80 { lo -= 1 }
        while hi < line.upperBound, bytes[hi] & 0xC0 == 0x80 { hi += 1 }
        let text = bytes.string(lo..<hi).trimmingBlanks()
        return (lo > line.lowerBound ? "…" : "") + text + (hi < line.upperBound ? "…" : "")
    }

    /// Indentation (blanks) of the line holding `offset`.
    func indentation(ofLineAt offset: Int) -> Int {
        let range = lineRange(containing: offset)
        return bytes.skipBlanks(from: range.lowerBound, limit: range.upperBound) - range.lowerBound
    }

    /// True when only blanks stand between the line start and `offset`.
    func isLineStart(_ offset: Int) -> Bool {
        let start = lineStarts[lineIndex(of: offset)]
        return bytes.skipBlanks(from: start, limit: offset) == offset
    }
}

extension String {
    func trimmingBlanks() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\r" || f == "\n" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" || l == "\n" { s = s.dropLast() }
        return String(s)
    }
}
