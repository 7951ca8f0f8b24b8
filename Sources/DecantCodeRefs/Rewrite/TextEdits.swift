/// Replacements on a file's bytes, applied together.
struct TextEdits: Sendable {
    struct Edit: Sendable {
        let range: Range<Int>
        let text: String
    }

    private(set) var edits: [Edit] = []

    mutating func replace(_ range: Range<Int>, with text: String) {
        guard !edits.contains(where: { $0.range == range && $0.text == text }) else { return }
        edits.append(Edit(range: range, text: text))
    }

    mutating func insert(_ text: String, at offset: Int) {
        edits.append(Edit(range: offset..<offset, text: text))
    }

    /// True when `range` is already replaced by one of the edits.
    func replaces(_ range: Range<Int>) -> Bool { edits.contains { $0.range == range } }

    /// The bytes with every edit applied; edits must not overlap (insertions at
    /// one offset keep the order they were added in).
    func applied(to bytes: [UInt8]) -> [UInt8] {
        let ordered = edits.enumerated().sorted {
            ($0.element.range.lowerBound, $0.element.range.upperBound, $0.offset)
                < ($1.element.range.lowerBound, $1.element.range.upperBound, $1.offset)
        }.map(\.element)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 256)
        var cursor = 0
        for edit in ordered where edit.range.lowerBound >= cursor {
            out += bytes[cursor..<edit.range.lowerBound]
            out += Array(edit.text.utf8)
            cursor = edit.range.upperBound
        }
        out += bytes[cursor...]
        return out
    }
}
