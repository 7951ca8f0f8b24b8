import Foundation

/// The top-level elements of a bracket group: call arguments, list items, dict
/// entries, each with its keyword or key when it has one.
struct Element: Sendable {
    /// The element without surrounding whitespace.
    let range: Range<Int>
    /// `bucket` in `bucket=X`, `"extract"` in `"extract": {…}` (without quotes).
    let key: Range<Int>?
    let value: Range<Int>
}

/// Reads the structure of code around an offset, on top of `Syntax`.
struct CodeView: Sendable {
    let text: SourceText
    let syntax: Syntax
    let language: Language
    /// Groups already split into elements: a minified file with thousands of
    /// references in one array is split once, not once per reference.
    private let cache = ElementCache()

    init(text: SourceText, syntax: Syntax, language: Language) {
        self.text = text
        self.syntax = syntax
        self.language = language
    }

    var bytes: [UInt8] { text.bytes }

    /// Top-level elements of group `g`, split on commas outside nested groups,
    /// strings and comments.
    func elements(of g: Int) -> [Element] {
        if let known = cache.elements(of: g) { return known }
        let found = split(g)
        cache.store(found, for: g)
        return found
    }

    /// The element of group `g` that contains `offset`.
    func element(of g: Int, containing offset: Int) -> Element? {
        let all = elements(of: g)
        var lo = 0, hi = all.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if all[mid].range.upperBound < offset { lo = mid + 1 } else { hi = mid }
        }
        guard lo < all.count, all[lo].range.lowerBound <= offset else { return nil }
        return all[lo]
    }

    private func split(_ g: Int) -> [Element] {
        let group = syntax.groups[g]
        let b = bytes
        var out: [Element] = []
        var start = group.open + 1
        var j = start
        var nextChild = g + 1
        let end = min(group.close, b.count)
        while j < end {
            if let s = syntax.string(startingAt: j) { j = max(s.end, j + 1); continue }
            while nextChild < syntax.groups.count, syntax.groups[nextChild].open < j { nextChild += 1 }
            if nextChild < syntax.groups.count, syntax.groups[nextChild].open == j {
                j = syntax.groups[nextChild].close + 1
                continue
            }
            if b[j] == UInt8(ascii: ","), !syntax.isInComment(j) {
                if let e = element(start..<j) { out.append(e) }
                start = j + 1
            }
            j += 1
        }
        if let e = element(start..<end) { out.append(e) }
        return out
    }

    private func element(_ raw: Range<Int>) -> Element? {
        let range = trim(raw)
        guard !range.isEmpty else { return nil }
        let b = bytes
        // keyword=value (not ==)
        if let id = b.identifier(startingAt: range.lowerBound) {
            var k = b.skipBlanks(from: id.upperBound, limit: range.upperBound)
            if k < range.upperBound, b[k] == UInt8(ascii: "="), k + 1 >= range.upperBound || b[k + 1] != UInt8(ascii: "=") {
                k = b.skipSpaces(from: k + 1, limit: range.upperBound)
                return Element(range: range, key: id, value: k..<range.upperBound)
            }
            if k < range.upperBound, b[k] == UInt8(ascii: ":"), k + 1 < range.upperBound, b[k + 1] != UInt8(ascii: ":") {
                k = b.skipSpaces(from: k + 1, limit: range.upperBound)
                return Element(range: range, key: id, value: k..<range.upperBound)
            }
        }
        // "key": value
        if let s = syntax.string(startingAt: range.lowerBound), s.end <= range.upperBound {
            let k = b.skipSpaces(from: s.end, limit: range.upperBound)
            if k < range.upperBound, b[k] == UInt8(ascii: ":") {
                let v = b.skipSpaces(from: k + 1, limit: range.upperBound)
                return Element(range: range, key: s.contentStart..<s.contentEnd, value: v..<range.upperBound)
            }
        }
        return Element(range: range, key: nil, value: range)
    }

    /// `range` without whitespace and comments at either end.
    func trim(_ range: Range<Int>) -> Range<Int> {
        var lo = range.lowerBound, hi = range.upperBound
        let b = bytes
        while lo < hi {
            if Byte.isSpace(b[lo]) { lo += 1; continue }
            if syntax.isInComment(lo) {
                while lo < hi, b[lo] != Byte.newline { lo += 1 }
                continue
            }
            break
        }
        while hi > lo {
            if Byte.isSpace(b[hi - 1]) { hi -= 1; continue }
            if syntax.isInComment(hi - 1) {
                while hi > lo, syntax.isInComment(hi - 1) { hi -= 1 }
                continue
            }
            break
        }
        return lo..<hi
    }

    /// The called name before a `(` group: `gcs_hook.list(` → (`list`, `gcs_hook.list`).
    func callee(of g: Int) -> (last: Range<Int>, chain: Range<Int>)? {
        let group = syntax.groups[g]
        guard group.kind == UInt8(ascii: "(") else { return nil }
        let b = bytes
        var end = group.open
        while end > 0, Byte.isBlank(b[end - 1]) { end -= 1 }
        guard let last = b.identifier(endingAt: end) else { return nil }
        var start = last.lowerBound
        while start > 0, b[start - 1] == UInt8(ascii: "."), let prev = b.identifier(endingAt: start - 1) { start = prev.lowerBound }
        return (last, start..<last.upperBound)
    }

    /// The method called on the result of group `g`: `).upload_from_filename(` → `upload_from_filename`.
    func chainedCall(after g: Int) -> Range<Int>? {
        let close = syntax.groups[g].close
        return method(after: close + 1)
    }

    /// `.name(` starting at `offset` → `name`.
    func method(after offset: Int) -> Range<Int>? {
        let b = bytes
        guard offset < b.count, b[offset] == UInt8(ascii: "."), let id = b.identifier(startingAt: offset + 1) else { return nil }
        let k = b.skipBlanks(from: id.upperBound)
        return k < b.count && b[k] == UInt8(ascii: "(") ? id : nil
    }

    /// The group opening exactly at `offset`.
    func group(openingAt offset: Int) -> Int? {
        let g = syntax.firstGroup(openingAtOrAfter: offset)
        return g < syntax.groups.count && syntax.groups[g].open == offset ? g : nil
    }

    /// The outermost group enclosing `offset`.
    func outermostGroup(containing offset: Int) -> Int? {
        var g = syntax.innermostGroup(containing: offset)
        while let c = g, let p = syntax.groups[c].parent { g = p }
        return g
    }

    /// String literals making up `value`: one literal, or a list/tuple of literals.
    /// Nil when any part is not a literal (built at run time).
    func stringLiterals(in value: Range<Int>) -> [Syntax.StringSpan]? {
        let b = bytes
        guard !value.isEmpty else { return nil }
        if let s = syntax.string(startingAt: value.lowerBound) {
            if s.end == value.upperBound { return [s] }
            // "dms_export/" + name: the literal start is still known.
            let k = b.skipSpaces(from: s.end, limit: value.upperBound)
            if k < value.upperBound, b[k] == UInt8(ascii: "+") { return [s] }
            return nil
        }
        let first = b[value.lowerBound]
        guard first == UInt8(ascii: "[") || first == UInt8(ascii: "("), let g = group(openingAt: value.lowerBound),
              syntax.groups[g].close + 1 == value.upperBound else { return nil }
        var out: [Syntax.StringSpan] = []
        for e in elements(of: g) {
            guard e.key == nil, let s = syntax.string(startingAt: e.value.lowerBound), s.end == e.value.upperBound else { return nil }
            out.append(s)
        }
        return out.isEmpty ? nil : out
    }
}

/// Memoised group splits for one file's analysis. It is only ever used by the
/// task analysing that file; the lock makes sharing it harmless anyway.
final class ElementCache: @unchecked Sendable {
    private let lock = NSLock()
    private var known: [Int: [Element]] = [:]

    func elements(of g: Int) -> [Element]? {
        lock.lock()
        defer { lock.unlock() }
        return known[g]
    }

    func store(_ elements: [Element], for g: Int) {
        lock.lock()
        defer { lock.unlock() }
        known[g] = elements
    }
}
