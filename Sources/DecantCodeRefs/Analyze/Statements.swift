/// `NAME = value` (Python, shell, most config languages): the statement an
/// offset belongs to, when that statement assigns a name.
struct Assignment: Sendable {
    let name: String
    let nameRange: Range<Int>
    let rhs: Range<Int>
    let statement: Range<Int>
}

extension CodeView {
    /// The assignment statement containing `offset`, if the statement is one.
    func assignment(containing offset: Int) -> Assignment? {
        guard !language.isProse, language != .json else { return nil }
        let anchor = outermostGroup(containing: offset).map { syntax.groups[$0].open } ?? offset
        let line = text.lineRange(containing: anchor)
        let b = bytes
        var i = b.skipBlanks(from: line.lowerBound, limit: line.upperBound)
        for word in ["export ", "readonly ", "local ", "declare "] where b.has(Array(word.utf8), at: i) {
            i = b.skipBlanks(from: i + word.utf8.count, limit: line.upperBound)
        }
        guard let name = b.identifier(startingAt: i) else { return nil }
        var k = b.skipBlanks(from: name.upperBound, limit: line.upperBound)
        if language == .python, k < line.upperBound, b[k] == UInt8(ascii: ":") {
            // An annotation: `NAME: str = …`.
            while k < line.upperBound, b[k] != UInt8(ascii: "=") { k += 1 }
        }
        guard k < line.upperBound, b[k] == UInt8(ascii: "="), k + 1 >= b.count || b[k + 1] != UInt8(ascii: "=") else { return nil }
        let rhsStart = b.skipBlanks(from: k + 1, limit: line.upperBound)
        let end = statementEnd(from: line)
        guard offset < end || offset == name.lowerBound else { return nil }
        return Assignment(name: b.string(name), nameRange: name, rhs: rhsStart..<max(rhsStart, trim(rhsStart..<end).upperBound),
                          statement: line.lowerBound..<end)
    }

    /// The end of the statement starting on `line`: past brackets and backslash
    /// continuations that carry it onto later lines (the final line break excluded).
    func statementEnd(from line: Range<Int>) -> Int {
        var end = line.upperBound
        var g = syntax.firstGroup(openingAtOrAfter: line.lowerBound)
        while true {
            var extended = end
            while g < syntax.groups.count, syntax.groups[g].open < end {
                extended = max(extended, syntax.groups[g].close)
                g += 1
            }
            if extended == end, end > 0, end < bytes.count, bytes[end - 1] == UInt8(ascii: "\\") {
                // A backslash continuation: the statement goes on past the line break.
                extended = text.lineStarts[min(text.lineIndex(of: end) + 1, text.lineStarts.count - 1)]
            }
            let next = extended >= bytes.count ? bytes.count : text.lineRange(containing: extended).upperBound
            // Every round must move forward (a file may end inside a group or on a backslash).
            if next <= end { return end }
            end = next
        }
    }

    /// True for `from x import (…NAME…)` and `import x` lines.
    func isImport(_ offset: Int) -> Bool {
        guard language == .python else { return false }
        let anchor = outermostGroup(containing: offset).map { syntax.groups[$0].open } ?? offset
        let line = text.lineRange(containing: anchor)
        let i = bytes.skipBlanks(from: line.lowerBound, limit: line.upperBound)
        return bytes.has(Array("from ".utf8), at: i) || bytes.has(Array("import ".utf8), at: i)
    }

    /// YAML keys governing `offset`: the key of its line, then its parents'.
    func yamlKeys(at offset: Int, depth: Int = 4) -> [String] {
        guard language == .yaml else { return [] }
        let b = bytes
        var keys: [String] = []
        var index = text.lineIndex(of: offset)
        let own = text.lineRange(index: index)
        let ownStart = b.skipBlanks(from: own.lowerBound, limit: own.upperBound)
        var indent = ownStart - own.lowerBound
        var item = false
        var k = ownStart
        if k + 1 < own.upperBound, b[k] == UInt8(ascii: "-"), b[k + 1] == UInt8(ascii: " ") {
            item = true
            k = b.skipBlanks(from: k + 1, limit: own.upperBound)
        }
        if let key = yamlKey(startingAt: k, lineEnd: own.upperBound), key.upperBound <= offset { keys.append(b.string(key)) }
        index -= 1
        while index >= 0, keys.count < depth, indent > 0 || item {
            let line = text.lineRange(index: index)
            index -= 1
            let i = b.skipBlanks(from: line.lowerBound, limit: line.upperBound)
            guard i < line.upperBound, b[i] != UInt8(ascii: "#") else { continue }
            let lineIndent = i - line.lowerBound
            // A list item may sit at its parent key's indentation.
            guard lineIndent < indent || (item && lineIndent == indent) else { continue }
            var j = i
            if j + 1 < line.upperBound, b[j] == UInt8(ascii: "-"), b[j + 1] == UInt8(ascii: " ") {
                if lineIndent == indent { continue }  // a sibling item
                j = b.skipBlanks(from: j + 1, limit: line.upperBound)
            }
            guard let key = yamlKey(startingAt: j, lineEnd: line.upperBound) else { continue }
            keys.append(b.string(key))
            item = false
            indent = lineIndent
        }
        return keys
    }

    /// `key:` (plain or quoted) at `i`, followed by a blank or the line end.
    func yamlKey(startingAt i: Int, lineEnd: Int) -> Range<Int>? {
        let b = bytes
        var k = i
        var key: Range<Int>
        if i < lineEnd, b[i] == UInt8(ascii: "\"") || b[i] == UInt8(ascii: "'") {
            var j = i + 1
            while j < lineEnd, b[j] != b[i] { j += 1 }
            guard j < lineEnd else { return nil }
            key = (i + 1)..<j
            k = j + 1
        } else {
            while k < lineEnd, b[k] != UInt8(ascii: ":"), !Byte.isSpace(b[k]) { k += 1 }
            key = i..<k
        }
        guard !key.isEmpty, k < lineEnd, b[k] == UInt8(ascii: ":"), k + 1 == lineEnd || Byte.isBlank(b[k + 1]) else { return nil }
        return key
    }
}
