/// One name a Python file imports: `from conf.settings import STORE as S` is
/// (`conf.settings`, `STORE`, `S`); `import conf.settings as cfg` is
/// (`conf.settings`, nil, `cfg`); `from . import settings` is (`.`, `settings`, `settings`).
struct PyImport: Hashable, Sendable, Codable {
    /// The module as written, leading dots included for a relative import.
    let module: String
    /// The imported name; nil for `import module`.
    let name: String?
    /// The name bound in the importing file.
    let local: String
    /// 1-based line of the statement.
    let line: Int
}

/// Finds the import statements of a Python file straight from its bytes, without
/// lexing it: the scan runs this on every Python file of the tree (for the
/// project-wide symbol table), so it looks only where the word `import` is.
enum PyImportScanner {
    private static let importWord = Array("import".utf8)

    static func imports(in raw: UnsafeRawBufferPointer) -> [PyImport] {
        var out: [PyImport] = []
        var lastStatementStart = -1
        ByteSearch.forEach(importWord, in: raw) { hit in
            // A word of its own, followed by a blank (or `(` after `from x import`).
            guard hit + 6 < raw.count, Byte.isBlank(raw[hit + 6]) || raw[hit + 6] == UInt8(ascii: "("),
                  hit == 0 || Byte.isBlank(raw[hit - 1]) || raw[hit - 1] == Byte.newline else { return }
            // The statement must start the line (after blanks): `import x` or `from x import y`.
            var lineStart = hit
            while lineStart > 0, raw[lineStart - 1] != Byte.newline { lineStart -= 1 }
            var i = lineStart
            while i < hit, Byte.isBlank(raw[i]) { i += 1 }
            guard i != lastStatementStart else { return }
            if i == hit {
                guard hit + 6 < raw.count, Byte.isBlank(raw[hit + 6]) else { return }
                lastStatementStart = i
                out += plainImport(raw, from: hit + 7)
            } else if has(raw, "from", at: i), i + 4 < raw.count, Byte.isBlank(raw[i + 4]),
                      hit > 0, Byte.isBlank(raw[hit - 1]), hit + 6 < raw.count,
                      Byte.isBlank(raw[hit + 6]) || raw[hit + 6] == UInt8(ascii: "(") {
                lastStatementStart = i
                let module = word(raw, from: i + 5, allowDots: true)
                guard !module.text.isEmpty, skipBlanks(raw, from: module.end) == hit else { return }
                out += names(raw, from: hit + 6, module: module.text, line: line(raw, of: i))
            }
        }
        return out
    }

    /// `import a.b as c, d` after the keyword.
    private static func plainImport(_ raw: UnsafeRawBufferPointer, from start: Int) -> [PyImport] {
        var out: [PyImport] = []
        var i = start
        let lineNumber = line(raw, of: start)
        while true {
            i = skipBlanks(raw, from: i)
            let module = word(raw, from: i, allowDots: true)
            guard !module.text.isEmpty else { break }
            i = skipBlanks(raw, from: module.end)
            var local = String(module.text.split(separator: ".").first ?? "")
            if has(raw, "as", at: i), i + 2 < raw.count, Byte.isBlank(raw[i + 2]) {
                let alias = word(raw, from: skipBlanks(raw, from: i + 2), allowDots: false)
                local = alias.text
                i = skipBlanks(raw, from: alias.end)
            }
            out.append(PyImport(module: module.text, name: nil, local: local, line: lineNumber))
            guard i < raw.count, raw[i] == UInt8(ascii: ",") else { break }
            i += 1
        }
        return out
    }

    /// The names after `import` in `from m import …`: bare, in parentheses over
    /// several lines, or continued with backslashes.
    private static func names(_ raw: UnsafeRawBufferPointer, from start: Int, module: String, line: Int) -> [PyImport] {
        var out: [PyImport] = []
        var i = skipBlanks(raw, from: start)
        let parenthesised = i < raw.count && raw[i] == UInt8(ascii: "(")
        if parenthesised { i += 1 }
        while i < raw.count {
            // Whitespace, line breaks inside parentheses, continuations, comments.
            while i < raw.count {
                let c = raw[i]
                if Byte.isBlank(c) || c == UInt8(ascii: "\r") { i += 1; continue }
                if c == UInt8(ascii: "\\"), i + 1 < raw.count, raw[i + 1] == Byte.newline { i += 2; continue }
                if parenthesised, c == Byte.newline { i += 1; continue }
                if parenthesised, c == UInt8(ascii: "#") {
                    while i < raw.count, raw[i] != Byte.newline { i += 1 }
                    continue
                }
                break
            }
            let name = word(raw, from: i, allowDots: false)
            guard !name.text.isEmpty else { break }
            i = skipBlanks(raw, from: name.end)
            var local = name.text
            if has(raw, "as", at: i), i + 2 < raw.count, Byte.isBlank(raw[i + 2]) {
                let alias = word(raw, from: skipBlanks(raw, from: i + 2), allowDots: false)
                local = alias.text
                i = skipBlanks(raw, from: alias.end)
            }
            if name.text != "*" { out.append(PyImport(module: module, name: name.text, local: local, line: line)) }
            guard i < raw.count, raw[i] == UInt8(ascii: ",") else { break }
            i += 1
        }
        return out
    }

    private static func word(_ raw: UnsafeRawBufferPointer, from start: Int, allowDots: Bool) -> (text: String, end: Int) {
        var e = start
        while e < raw.count, Byte.isIdent(raw[e]) || (allowDots && raw[e] == UInt8(ascii: ".")) || (e == start && raw[e] == UInt8(ascii: "*")) {
            if raw[e] == UInt8(ascii: "*") { e += 1; break }
            e += 1
        }
        return (String(decoding: UnsafeRawBufferPointer(rebasing: raw[start..<e]), as: UTF8.self), e)
    }

    private static func skipBlanks(_ raw: UnsafeRawBufferPointer, from start: Int) -> Int {
        var i = start
        while i < raw.count, Byte.isBlank(raw[i]) { i += 1 }
        return i
    }

    private static func has(_ raw: UnsafeRawBufferPointer, _ word: StaticString, at i: Int) -> Bool {
        let n = word.utf8CodeUnitCount
        guard i >= 0, i + n <= raw.count else { return false }
        let p = word.utf8Start
        for k in 0..<n where raw[i + k] != p[k] { return false }
        return true
    }

    private static func line(_ raw: UnsafeRawBufferPointer, of offset: Int) -> Int {
        guard let base = raw.baseAddress else { return 1 }
        var count = 1
        var i = 0
        while i < offset {
            guard let found = memchrLine(base + i, offset - i) else { break }
            count += 1
            i += found + 1
        }
        return count
    }

    private static func memchrLine(_ p: UnsafeRawPointer, _ n: Int) -> Int? {
        let bytes = p.assumingMemoryBound(to: UInt8.self)
        for k in 0..<n where bytes[k] == Byte.newline { return k }
        return nil
    }
}
