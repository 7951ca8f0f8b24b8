/// A light lexical reading of a file: bracket groups, string literals and
/// comments. It is not a parser: it is what the scanner needs to find the call
/// or dict a reference sits in, its arguments, and whether a name is code,
/// text or commentary. Strings that are not triple-quoted end at a line break,
/// so a stray apostrophe damages one line only.
struct Syntax: Sendable {
    struct Group: Sendable {
        /// Offset of the opening bracket.
        let open: Int
        /// Offset of the closing bracket (`count` when never closed).
        var close: Int
        /// `(`, `[` or `{`.
        let kind: UInt8
        let parent: Int?
    }

    struct StringSpan: Sendable {
        /// Offset of the prefix (`f`, `rb`) or the opening quote.
        let start: Int
        let contentStart: Int
        let contentEnd: Int
        /// Offset just past the closing quote.
        let end: Int
        /// True for Python f-strings.
        let formatted: Bool
    }

    private(set) var groups: [Group] = []
    private(set) var strings: [StringSpan] = []
    private(set) var comments: [Range<Int>] = []

    init(_ text: SourceText, language: Language) {
        guard !language.isProse else { return }
        lex(text.bytes, language)
    }

    // MARK: - Queries

    /// Index of the innermost group whose brackets enclose `offset`.
    func innermostGroup(containing offset: Int) -> Int? {
        // The innermost enclosing group is an ancestor of the last group opened before `offset`.
        var lo = 0, hi = groups.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if groups[mid].open < offset { lo = mid + 1 } else { hi = mid }
        }
        var candidate: Int? = lo - 1 >= 0 ? lo - 1 : nil
        while let c = candidate {
            if groups[c].close >= offset { return c }
            candidate = groups[c].parent
        }
        return nil
    }

    /// Index of the first group opening at or after `offset` (`groups.count` when none).
    func firstGroup(openingAtOrAfter offset: Int) -> Int {
        var lo = 0, hi = groups.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if groups[mid].open < offset { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    func string(containing offset: Int) -> StringSpan? {
        var lo = 0, hi = strings.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if strings[mid].start <= offset { lo = mid + 1 } else { hi = mid }
        }
        guard lo > 0 else { return nil }
        let s = strings[lo - 1]
        return offset >= s.contentStart && offset < s.contentEnd ? s : nil
    }

    /// The string literal that starts at `offset` (its prefix or quote), if any.
    func string(startingAt offset: Int) -> StringSpan? {
        var lo = 0, hi = strings.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if strings[mid].start < offset { lo = mid + 1 } else { hi = mid }
        }
        return lo < strings.count && strings[lo].start == offset ? strings[lo] : nil
    }

    /// The string literal that ends just before `offset`.
    func string(endingAt offset: Int) -> StringSpan? {
        var lo = 0, hi = strings.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if strings[mid].start < offset { lo = mid + 1 } else { hi = mid }
        }
        guard lo > 0 else { return nil }
        return strings[lo - 1].end == offset ? strings[lo - 1] : nil
    }

    func isInComment(_ offset: Int) -> Bool {
        var lo = 0, hi = comments.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if comments[mid].lowerBound <= offset { lo = mid + 1 } else { hi = mid }
        }
        return lo > 0 && comments[lo - 1].contains(offset)
    }

    // MARK: - Lexing

    private mutating func lex(_ b: [UInt8], _ language: Language) {
        var stack: [Int] = []
        var i = 0
        let n = b.count
        while i < n {
            let c = b[i]
            // Comments.
            if c == UInt8(ascii: "#"), language.hashComments,
               !language.hashNeedsWordStart || i == 0 || Byte.isSpace(b[i - 1]) {
                // `${#x}` and `{#` (Jinja) are not comments.
                if !(i > 0 && (b[i - 1] == Byte.openBrace)) {
                    i = skipComment(b, from: i)
                    continue
                }
            }
            if language.dashDashComments, c == UInt8(ascii: "-"), i + 1 < n, b[i + 1] == UInt8(ascii: "-") {
                i = skipComment(b, from: i)
                continue
            }
            if c == Byte.slash, i + 1 < n {
                if language.slashComments, b[i + 1] == Byte.slash, i == 0 || b[i - 1] != UInt8(ascii: ":") {
                    i = skipComment(b, from: i)
                    continue
                }
                if language.blockComments, b[i + 1] == UInt8(ascii: "*") {
                    i = skipBlockComment(b, from: i, close: [UInt8(ascii: "*"), Byte.slash])
                    continue
                }
            }
            if language == .sql, c == Byte.openBrace, i + 1 < n, b[i + 1] == UInt8(ascii: "#") {
                i = skipBlockComment(b, from: i, close: [UInt8(ascii: "#"), Byte.closeBrace])
                continue
            }
            // Strings.
            if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") || (c == UInt8(ascii: "`") && language.backtickStrings),
               let prefixStart = stringOpening(b, at: i, language) {
                i = lexString(b, prefixStart: prefixStart, quoteAt: i, language)
                continue
            }
            // Brackets.
            switch c {
            case UInt8(ascii: "("), UInt8(ascii: "["), Byte.openBrace:
                groups.append(Group(open: i, close: n, kind: c, parent: stack.last))
                stack.append(groups.count - 1)
            case UInt8(ascii: ")"), UInt8(ascii: "]"), Byte.closeBrace:
                let open: UInt8 = c == UInt8(ascii: ")") ? UInt8(ascii: "(") : c == UInt8(ascii: "]") ? UInt8(ascii: "[") : Byte.openBrace
                if let match = stack.lastIndex(where: { groups[$0].kind == open }) {
                    // Close the match and anything left open inside it.
                    for k in stack[match...] { groups[k].close = i }
                    stack.removeSubrange(match...)
                }
            default: break
            }
            i += 1
        }
    }

    /// Where the literal starts (its prefix) when the quote at `i` opens a string.
    private func stringOpening(_ b: [UInt8], at i: Int, _ language: Language) -> Int? {
        guard i > 0 else { return 0 }
        let prev = b[i - 1]
        if !Byte.isIdent(prev) { return i }
        guard language == .python || language == .other else { return nil }
        // Python string prefixes: f, r, b, u, rb, fr…
        var s = i
        while s > 0, i - s < 2, "fFrRbBuU".utf8.contains(b[s - 1]) { s -= 1 }
        if s < i, s == 0 || !Byte.isIdent(b[s - 1]) { return s }
        return nil
    }

    private mutating func lexString(_ b: [UInt8], prefixStart: Int, quoteAt i: Int, _ language: Language) -> Int {
        let q = b[i]
        let n = b.count
        let formatted = b[prefixStart..<i].contains { $0 == UInt8(ascii: "f") || $0 == UInt8(ascii: "F") }
        let triple = language.tripleQuotes && i + 2 < n && b[i + 1] == q && b[i + 2] == q
        let quoteLength = triple ? 3 : 1
        var j = i + quoteLength
        while j < n {
            let c = b[j]
            if c == UInt8(ascii: "\\"), q != UInt8(ascii: "`") { j += 2; continue }
            if c == q {
                if !triple {
                    strings.append(StringSpan(start: prefixStart, contentStart: i + 1, contentEnd: j, end: j + 1, formatted: formatted))
                    return j + 1
                }
                if j + 2 < n, b[j + 1] == q, b[j + 2] == q {
                    strings.append(StringSpan(start: prefixStart, contentStart: i + 3, contentEnd: j, end: j + 3, formatted: formatted))
                    return j + 3
                }
            }
            if c == Byte.newline, !triple, language != .shell {
                // Unterminated: end the string here, keep lexing the next line.
                strings.append(StringSpan(start: prefixStart, contentStart: i + 1, contentEnd: j, end: j, formatted: formatted))
                return j
            }
            j += 1
        }
        let end = min(j, n)
        strings.append(StringSpan(start: prefixStart, contentStart: min(i + quoteLength, end), contentEnd: end, end: end, formatted: formatted))
        return end
    }

    private mutating func skipComment(_ b: [UInt8], from i: Int) -> Int {
        var j = i
        while j < b.count, b[j] != Byte.newline { j += 1 }
        comments.append(i..<j)
        return j
    }

    private mutating func skipBlockComment(_ b: [UInt8], from i: Int, close: [UInt8]) -> Int {
        var j = i + 2
        while j < b.count, !b.has(close, at: j) { j += 1 }
        let end = min(j + close.count, b.count)
        comments.append(i..<end)
        return end
    }
}
