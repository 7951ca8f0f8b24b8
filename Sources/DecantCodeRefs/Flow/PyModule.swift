/// The statements of a Python file, as far as following values needs them: which
/// names each statement assigns, the functions with their parameters and bodies,
/// loops, and whether a statement sits in a branch (`if`, `try`, a loop) of its scope.
struct PyModule: Sendable {
    struct Statement: Sendable {
        enum Kind: Sendable {
            /// `a = b = value`, `a: T = value`; `targets` are simple names only.
            case assignment(targets: [(name: String, range: Range<Int>)], value: Range<Int>)
            /// `a += value`.
            case augmented(name: String, value: Range<Int>)
            /// `for a, b in iterable:`
            case loop(targets: [String], iterable: Range<Int>)
            /// `with value as name:` (one item or more).
            case with(items: [(value: Range<Int>, name: String?)])
            /// `def name(...)`: index into `functions`.
            case function(Int)
            case classDefinition(String)
            case imports
            /// `return value`
            case returns(Range<Int>)
            /// `if`, `elif`, `else`, `try`, `except`, `finally`, `while`, `match`, `case`.
            case branch(String)
            /// Anything else (an expression statement, `@decorator`, `pass`…).
            case other
        }

        let range: Range<Int>
        let indent: Int
        let kind: Kind
        /// The function whose body holds the statement (index into `functions`), nil at module level.
        var function: Int?
        /// Inside an `if`/`try`/loop of its own scope: it may or may not run.
        var inBranch: Bool
        /// The start of the block the statement belongs to (the statement opening it, or 0).
        var block: Int
    }

    struct Parameter: Sendable {
        let name: String
        let range: Range<Int>
        let annotation: Range<Int>?
        let defaultValue: Range<Int>?
        /// Position among the parameters (`self` and `cls` included).
        let index: Int
    }

    struct Function: Sendable {
        let name: String
        let nameRange: Range<Int>
        let parameters: [Parameter]
        /// The `def` statement's range.
        let header: Range<Int>
        /// From the end of the header to the end of the last statement of the body.
        var body: Range<Int>
        var indent: Int
        /// The decorator lines right above the `def`.
        var decorators: [Range<Int>]
        /// The enclosing function, for nested ones.
        var parent: Int?
    }

    let view: CodeView
    private(set) var statements: [Statement] = []
    private(set) var functions: [Function] = []

    init(view: CodeView) {
        self.view = view
        guard view.language == .python else { return }
        build()
    }

    // MARK: - Queries

    /// The innermost function whose body holds `offset`.
    func function(containing offset: Int) -> Int? {
        var best: Int?
        for (i, f) in functions.enumerated() where f.body.contains(offset) {
            if best.map({ functions[$0].body.count > f.body.count }) ?? true { best = i }
        }
        return best
    }

    /// The statement whose range holds `offset`.
    func statement(containing offset: Int) -> Int? {
        var lo = 0, hi = statements.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if statements[mid].range.lowerBound <= offset { lo = mid + 1 } else { hi = mid }
        }
        guard lo > 0, statements[lo - 1].range.contains(offset) || statements[lo - 1].range.upperBound == offset else { return nil }
        return lo - 1
    }

    /// Statements assigning `name` in `function`'s own scope (nil: module level).
    func assignments(of name: String, in function: Int?) -> [Int] {
        statements.indices.filter { i in
            guard statements[i].function == function else { return false }
            switch statements[i].kind {
            case .assignment(let targets, _): return targets.contains { $0.name == name }
            case .augmented(let n, _): return n == name
            case .loop(let targets, _): return targets.contains(name)
            case .with(let items): return items.contains { $0.name == name }
            default: return false
            }
        }
    }

    /// The expressions of statement `index` that may hold a use.
    func expressionRanges(_ index: Int) -> [Range<Int>] {
        let statement = statements[index]
        let bytes = view.bytes
        switch statement.kind {
        case .assignment(_, let value), .augmented(_, let value), .returns(let value): return [value]
        case .loop(_, let iterable): return [iterable]
        case .with(let items): return items.map(\.value)
        case .branch(let word):
            var start = statement.range.lowerBound + word.utf8.count
            start = bytes.skipBlanks(from: start, limit: statement.range.upperBound)
            var end = statement.range.upperBound
            if end > start, bytes[end - 1] == UInt8(ascii: ":") { end -= 1 }
            return [start..<end]
        case .other:
            var start = statement.range.lowerBound
            if bytes[start] == UInt8(ascii: "@") { start += 1 }
            return [start..<statement.range.upperBound]
        default:
            return []
        }
    }

    // MARK: - Building

    private mutating func build() {
        let text = view.text
        let b = view.bytes
        var line = 0
        // Open blocks: (indent, statement index, is a branch, function index).
        var blocks: [(indent: Int, statement: Int, branch: Bool, function: Int?)] = []
        while line < text.lineStarts.count {
            let range = text.lineRange(index: line)
            let start = b.skipBlanks(from: range.lowerBound, limit: range.upperBound)
            if start == range.upperBound || b[start] == UInt8(ascii: "#") || view.syntax.isInComment(start) { line += 1; continue }
            let end = logicalEnd(from: start, line: range)
            let indent = start - range.lowerBound
            while let last = blocks.last, last.indent >= indent { blocks.removeLast() }
            let function = blocks.last(where: { $0.function != nil })?.function
            let scopeStart = blocks.lastIndex { $0.function != nil }.map { $0 + 1 } ?? 0
            let inBranch = blocks[scopeStart...].contains { $0.branch }
            let (kind, opensBlock, isBranch) = classify(start..<end)
            var statement = Statement(range: start..<end, indent: indent, kind: kind, function: function,
                                      inBranch: inBranch, block: blocks.last?.statement ?? 0)
            if case .function(let f) = kind {
                functions[f].body = end..<end
                functions[f].indent = indent
                functions[f].parent = function
                statement.function = function
            }
            statements.append(statement)
            // Extend the bodies of the enclosing functions.
            for block in blocks { if let f = block.function { functions[f].body = functions[f].body.lowerBound..<end } }
            if opensBlock {
                var fn: Int?
                if case .function(let f) = kind { fn = f }
                blocks.append((indent, statements.count - 1, isBranch, fn))
            }
            line = text.lineIndex(of: max(start, end - 1)) + 1
        }
    }

    /// The end of the logical line starting at `start`: past brackets, strings
    /// spanning lines and backslash continuations.
    private func logicalEnd(from start: Int, line: Range<Int>) -> Int {
        let b = view.bytes, text = view.text
        var end = line.upperBound
        var i = start
        while i < end {
            let c = b[i]
            // Only quotes (or a string prefix before one) and brackets can carry the statement on.
            let maybeString = c == UInt8(ascii: "\"") || c == UInt8(ascii: "'")
                || (Byte.isLower(c) || Byte.isUpper(c)) && i + 1 < end && (b[i + 1] == UInt8(ascii: "\"") || b[i + 1] == UInt8(ascii: "'")
                    || (i + 2 < end && (b[i + 2] == UInt8(ascii: "\"") || b[i + 2] == UInt8(ascii: "'"))))
            if maybeString, let s = view.syntax.string(startingAt: i) {
                i = max(s.end, i + 1)
                if i > end { end = text.lineRange(containing: min(i, b.count - 1)).upperBound }
                continue
            }
            if c == UInt8(ascii: "(") || c == UInt8(ascii: "[") || c == Byte.openBrace, let g = view.group(openingAt: i) {
                let close = view.syntax.groups[g].close
                i = close + 1
                if close >= end { end = close >= b.count ? b.count : text.lineRange(containing: close).upperBound }
                continue
            }
            if b[i] == UInt8(ascii: "#") { while i < end, b[i] != Byte.newline { i += 1 }; continue }
            if i == end - 1, b[i] == UInt8(ascii: "\\"), end < b.count {
                end = text.lineRange(containing: end + 1).upperBound
            }
            i += 1
        }
        var e = min(end, b.count)
        while e > start, Byte.isSpace(b[e - 1]) { e -= 1 }
        return e
    }

    /// What the statement in `range` is, whether it opens a block, and whether that block is a branch.
    private mutating func classify(_ range: Range<Int>) -> (Statement.Kind, Bool, Bool) {
        let b = view.bytes
        guard let first = b.identifier(startingAt: range.lowerBound) else {
            return (.other, endsWithColon(range), false)
        }
        let word = b.string(first)
        let rest = b.skipBlanks(from: first.upperBound, limit: range.upperBound)
        switch word {
        case "def", "async":
            var s = rest
            if word == "async", let d = b.identifier(startingAt: s), b.string(d) == "def" { s = b.skipBlanks(from: d.upperBound) }
            guard let name = b.identifier(startingAt: s) else { return (.other, true, false) }
            let open = b.skipBlanks(from: name.upperBound, limit: range.upperBound)
            let parameters = view.group(openingAt: open).map(parameters(of:)) ?? []
            var decorators: [Range<Int>] = []
            var k = statements.count - 1
            while k >= 0, b[statements[k].range.lowerBound] == UInt8(ascii: "@") {
                decorators.insert(statements[k].range, at: 0)
                k -= 1
            }
            functions.append(Function(name: b.string(name), nameRange: name, parameters: parameters, header: range,
                                      body: range.upperBound..<range.upperBound, indent: 0, decorators: decorators,
                                      parent: nil))
            return (.function(functions.count - 1), true, false)
        case "class":
            let name = b.identifier(startingAt: rest).map { b.string($0) } ?? ""
            return (.classDefinition(name), true, false)
        case "if", "elif", "else", "try", "except", "finally", "while", "match", "case":
            return (.branch(word), true, true)
        case "for":
            let targets = loopTargets(rest..<range.upperBound)
            return (.loop(targets: targets.names, iterable: targets.iterable), true, true)
        case "with":
            return (.with(items: withItems(rest..<range.upperBound)), true, false)
        case "import", "from":
            return (.imports, false, false)
        case "return":
            return (.returns(rest..<range.upperBound), false, false)
        default:
            break
        }
        // Assignments: `a = b = value`, `a: T = value`, `a += value`.
        var targets: [(String, Range<Int>)] = []
        var i = range.lowerBound
        while let name = b.identifier(startingAt: i) {
            var k = b.skipBlanks(from: name.upperBound, limit: range.upperBound)
            if k < range.upperBound, b[k] == UInt8(ascii: ":"), targets.isEmpty {
                // An annotation: up to the `=`.
                guard let eq = topLevel(UInt8(ascii: "="), in: (k + 1)..<range.upperBound) else { return (.other, false, false) }
                let value = b.skipSpaces(from: eq + 1, limit: range.upperBound)
                return (.assignment(targets: [(b.string(name), name)], value: value..<range.upperBound), false, false)
            }
            if k + 1 < range.upperBound, "+-*/%|&".utf8.contains(b[k]), b[k + 1] == UInt8(ascii: "="), targets.isEmpty {
                let value = b.skipSpaces(from: k + 2, limit: range.upperBound)
                return (.augmented(name: b.string(name), value: value..<range.upperBound), false, false)
            }
            guard k < range.upperBound, b[k] == UInt8(ascii: "="), k + 1 >= range.upperBound || b[k + 1] != UInt8(ascii: "=") else { break }
            targets.append((b.string(name), name))
            k = b.skipSpaces(from: k + 1, limit: range.upperBound)
            i = k
            // `a = b = value`: keep going while the next thing is `name =`.
            if let next = b.identifier(startingAt: k) {
                let after = b.skipBlanks(from: next.upperBound, limit: range.upperBound)
                if after < range.upperBound, b[after] == UInt8(ascii: "="), after + 1 < range.upperBound, b[after + 1] != UInt8(ascii: "=") {
                    continue
                }
            }
            return (.assignment(targets: targets, value: k..<range.upperBound), false, false)
        }
        return (.other, endsWithColon(range), false)
    }

    private func endsWithColon(_ range: Range<Int>) -> Bool {
        range.upperBound > range.lowerBound && view.bytes[range.upperBound - 1] == UInt8(ascii: ":")
    }

    /// `a, (b, c) in iterable` → names and the iterable's range.
    private func loopTargets(_ range: Range<Int>) -> (names: [String], iterable: Range<Int>) {
        let b = view.bytes
        var names: [String] = []
        var i = range.lowerBound
        while i < range.upperBound {
            if let id = b.identifier(startingAt: i) {
                let word = b.string(id)
                if word == "in" {
                    let start = b.skipBlanks(from: id.upperBound, limit: range.upperBound)
                    var end = range.upperBound
                    if end > start, b[end - 1] == UInt8(ascii: ":") { end -= 1 }
                    return (names, start..<end)
                }
                names.append(word)
                i = id.upperBound
            } else {
                i += 1
            }
        }
        return (names, range.upperBound..<range.upperBound)
    }

    private func withItems(_ range: Range<Int>) -> [(value: Range<Int>, name: String?)] {
        let b = view.bytes
        var end = range.upperBound
        if end > range.lowerBound, b[end - 1] == UInt8(ascii: ":") { end -= 1 }
        var out: [(Range<Int>, String?)] = []
        var start = range.lowerBound
        for comma in topLevelAll(UInt8(ascii: ","), in: range.lowerBound..<end) + [end] {
            let item = view.trim(start..<comma)
            start = comma + 1
            guard !item.isEmpty else { continue }
            // `value as name`
            var name: String?
            var value = item
            var i = item.upperBound
            while i > item.lowerBound, Byte.isIdent(b[i - 1]) { i -= 1 }
            if i > item.lowerBound + 4, b.string((i - 4)..<i) == " as " {
                name = b.string(i..<item.upperBound)
                value = view.trim(item.lowerBound..<(i - 4))
            }
            out.append((value, name))
        }
        return out
    }

    /// The parameters of a `def` whose parameter list is group `g`.
    private func parameters(of g: Int) -> [Parameter] {
        let b = view.bytes
        let group = view.syntax.groups[g]
        var out: [Parameter] = []
        var start = group.open + 1
        let end = min(group.close, b.count)
        for comma in topLevelAll(UInt8(ascii: ","), in: start..<end) + [end] {
            let raw = view.trim(start..<comma)
            start = comma + 1
            guard !raw.isEmpty else { continue }
            var s = raw.lowerBound
            while s < raw.upperBound, b[s] == UInt8(ascii: "*") { s += 1 }
            guard let name = b.identifier(startingAt: s) else { continue }
            var annotation: Range<Int>?
            var defaultValue: Range<Int>?
            let eq = topLevel(UInt8(ascii: "="), in: name.upperBound..<raw.upperBound)
            let colon = topLevel(UInt8(ascii: ":"), in: name.upperBound..<(eq ?? raw.upperBound))
            if let colon { annotation = view.trim((colon + 1)..<(eq ?? raw.upperBound)) }
            if let eq { defaultValue = view.trim((eq + 1)..<raw.upperBound) }
            out.append(Parameter(name: b.string(name), range: name, annotation: annotation, defaultValue: defaultValue, index: out.count))
        }
        return out
    }

    /// The first `byte` in `range` outside strings and nested brackets.
    func topLevel(_ byte: UInt8, in range: Range<Int>) -> Int? {
        topLevelAll(byte, in: range, first: true).first
    }

    func topLevelAll(_ byte: UInt8, in range: Range<Int>, first: Bool = false) -> [Int] {
        let b = view.bytes
        var out: [Int] = []
        var i = range.lowerBound
        while i < range.upperBound {
            let c = b[i]
            if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") || Byte.isLower(c) || Byte.isUpper(c),
               let s = view.syntax.string(startingAt: i) { i = max(s.end, i + 1); continue }
            if c == UInt8(ascii: "(") || c == UInt8(ascii: "[") || c == Byte.openBrace,
               let g = view.group(openingAt: i) { i = view.syntax.groups[g].close + 1; continue }
            if b[i] == byte, !(byte == UInt8(ascii: "=") && ((i + 1 < b.count && b[i + 1] == byte) || (i > 0 && "=!<>".utf8.contains(b[i - 1])))) {
                out.append(i)
                if first { return out }
            }
            i += 1
        }
        return out
    }
}
