/// A Python expression as far as following a bucket or a path needs it: names,
/// strings (f-strings keep their span; their fields are parsed when evaluated),
/// attributes, calls, subscripts, `+ / %` and the other operators, containers,
/// `a if c else b`. Everything else is `.other` with its range. Every node knows
/// its byte range in the file.
indirect enum PyNode: Sendable {
    case name(String, Range<Int>)
    case string([Syntax.StringSpan], Range<Int>)
    case number(Range<Int>)
    case attribute(PyNode, String, Range<Int>)
    case call(PyNode, [PyArgument], Range<Int>)
    case index(PyNode, PyNode, Range<Int>)
    case binary(String, PyNode, PyNode, Range<Int>)
    case unary(String, PyNode, Range<Int>)
    case list([PyNode], Range<Int>)
    case tuple([PyNode], Range<Int>)
    case dict([(key: PyNode, value: PyNode)], Range<Int>)
    case conditional(PyNode, PyNode, Range<Int>)
    case other(Range<Int>)

    var range: Range<Int> {
        switch self {
        case .name(_, let r), .string(_, let r), .number(let r), .attribute(_, _, let r), .call(_, _, let r),
             .index(_, _, let r), .binary(_, _, _, let r), .unary(_, _, let r), .list(_, let r), .tuple(_, let r),
             .dict(_, let r), .conditional(_, _, let r), .other(let r):
            return r
        }
    }

    /// The nodes directly inside this one.
    var children: [PyNode] {
        switch self {
        case .name, .string, .number, .other: return []
        case .attribute(let base, _, _): return [base]
        case .call(let callee, let arguments, _): return [callee] + arguments.map(\.value)
        case .index(let base, let index, _): return [base, index]
        case .binary(_, let a, let b, _): return [a, b]
        case .unary(_, let a, _): return [a]
        case .list(let items, _), .tuple(let items, _): return items
        case .dict(let entries, _): return entries.flatMap { [$0.key, $0.value] }
        case .conditional(let a, let b, _): return [a, b]
        }
    }

    /// `a.b.c` → `["a", "b", "c"]`; nil for anything else.
    var dottedName: [String]? {
        switch self {
        case .name(let n, _): return [n]
        case .attribute(let base, let n, _): return base.dottedName.map { $0 + [n] }
        default: return nil
        }
    }

    /// The innermost nodes from this one down to the one whose range holds `offset`, outermost first.
    func path(to offset: Int) -> [PyNode] {
        guard range.contains(offset) else { return [] }
        for child in children where child.range.contains(offset) {
            return [self] + child.path(to: offset)
        }
        return [self]
    }
}

/// One argument of a call: `value`, `name=value`, `*value` or `**value`.
struct PyArgument: Sendable {
    let keyword: String?
    let value: PyNode
    let star: Bool
}

/// Parses expressions out of a file's bytes, reusing the lexer's strings and comments.
struct PyParser {
    let view: CodeView

    /// `**`, `//`, `==`, `!=`, `<=`, `>=`, `->`, `:=` as two bytes in one number.
    private static let twoCharacterOperators: Set<UInt16> = Set(["**", "//", "==", "!=", "<=", ">=", "->", ":="].map { op in
        let u = Array(op.utf8)
        return UInt16(u[0]) << 8 | UInt16(u[1])
    })

    private struct Token {
        enum Kind { case name, number, string, op }
        let kind: Kind
        let range: Range<Int>
    }

    /// The expression in `range` (a statement's right-hand side, an argument, an
    /// f-string field). Nil when the range holds no token.
    func parse(_ range: Range<Int>) -> PyNode? {
        var state = State(tokens: tokens(in: range), view: view)
        guard !state.tokens.isEmpty else { return nil }
        let node = state.expressionList()
        return node
    }

    private func tokens(in range: Range<Int>) -> [Token] {
        let b = view.bytes
        var out: [Token] = []
        var i = range.lowerBound
        let end = min(range.upperBound, b.count)
        while i < end {
            let c = b[i]
            if Byte.isSpace(c) || c == UInt8(ascii: "\\") { i += 1; continue }
            if view.syntax.isInComment(i) {
                while i < end, b[i] != Byte.newline { i += 1 }
                continue
            }
            if let s = view.syntax.string(startingAt: i), s.end <= end {
                out.append(Token(kind: .string, range: i..<s.end))
                i = s.end
                continue
            }
            if Byte.isIdentStart(c) {
                var j = i
                while j < end, Byte.isIdent(b[j]) { j += 1 }
                out.append(Token(kind: .name, range: i..<j))
                i = j
                continue
            }
            if Byte.isDigit(c) {
                var j = i
                while j < end, Byte.isAlnum(b[j]) || b[j] == UInt8(ascii: ".") || b[j] == UInt8(ascii: "_") { j += 1 }
                out.append(Token(kind: .number, range: i..<j))
                i = j
                continue
            }
            // Two-character operators first.
            if i + 1 < end {
                if Self.twoCharacterOperators.contains(UInt16(c) << 8 | UInt16(b[i + 1])) {
                    out.append(Token(kind: .op, range: i..<(i + 2)))
                    i += 2
                    continue
                }
            }
            out.append(Token(kind: .op, range: i..<(i + 1)))
            i += 1
        }
        return out
    }

    private struct State {
        let tokens: [Token]
        let view: CodeView
        var index = 0
        var depth = 0

        init(tokens: [Token], view: CodeView) {
            self.tokens = tokens
            self.view = view
        }

        var atEnd: Bool { index >= tokens.count }

        func text(_ t: Token) -> String { view.bytes.string(t.range) }

        func peek(_ offset: Int = 0) -> Token? { index + offset < tokens.count ? tokens[index + offset] : nil }

        func isOp(_ s: String, _ offset: Int = 0) -> Bool {
            guard let t = peek(offset), t.kind == .op || t.kind == .name else { return false }
            return text(t) == s
        }

        func isKeyword(_ s: String) -> Bool {
            guard let t = peek(), t.kind == .name else { return false }
            return text(t) == s
        }

        var lastEnd: Int { index > 0 ? tokens[min(index, tokens.count) - 1].range.upperBound : (tokens.first?.range.lowerBound ?? 0) }

        /// `a, b` at the top of a range is a tuple.
        mutating func expressionList() -> PyNode {
            let start = peek()?.range.lowerBound ?? 0
            var items = [expression()]
            var sawComma = false
            while isOp(","), !atEnd {
                sawComma = true
                index += 1
                if atEnd || isOp(")") || isOp("]") || isOp("}") { break }
                items.append(expression())
            }
            return sawComma ? .tuple(items, start..<lastEnd) : items[0]
        }

        mutating func expression() -> PyNode {
            depth += 1
            defer { depth -= 1 }
            guard depth < 150, let first = peek() else { return .other(lastEnd..<lastEnd) }
            if isKeyword("lambda") { return skipRest(from: first.range.lowerBound) }
            let value = orTest()
            if isKeyword("if") {
                index += 1
                _ = orTest()
                if isKeyword("else") {
                    index += 1
                    let other = expression()
                    return .conditional(value, other, value.range.lowerBound..<other.range.upperBound)
                }
                return .other(value.range.lowerBound..<lastEnd)
            }
            return value
        }

        /// Everything up to the end of the enclosing group or argument.
        mutating func skipRest(from start: Int) -> PyNode {
            var nesting = 0
            while let t = peek() {
                let s = text(t)
                if t.kind == .op {
                    if s == "(" || s == "[" || s == "{" { nesting += 1 }
                    if s == ")" || s == "]" || s == "}" { if nesting == 0 { break }; nesting -= 1 }
                    if s == ",", nesting == 0 { break }
                }
                index += 1
            }
            return .other(start..<max(start, lastEnd))
        }

        mutating func orTest() -> PyNode {
            var left = notTest()
            while isKeyword("or") || isKeyword("and") {
                let op = text(tokens[index])
                index += 1
                let right = notTest()
                left = .binary(op, left, right, left.range.lowerBound..<right.range.upperBound)
            }
            return left
        }

        mutating func notTest() -> PyNode {
            if isKeyword("not"), let t = peek() {
                index += 1
                let operand = notTest()
                return .unary("not", operand, t.range.lowerBound..<operand.range.upperBound)
            }
            return comparison()
        }

        mutating func comparison() -> PyNode {
            var left = arithmetic()
            let comparisons: Set<String> = ["==", "!=", "<", ">", "<=", ">=", "in", "is", "|", "&", "^", "<<", ">>"]
            while let t = peek(), comparisons.contains(text(t)) || (text(t) == "not" && isKeyword("not") && isOp("in", 1)) {
                var op = text(t)
                index += 1
                if op == "not" { index += 1; op = "not in" }
                if op == "is", isKeyword("not") { index += 1 }
                let right = arithmetic()
                left = .binary(op, left, right, left.range.lowerBound..<right.range.upperBound)
            }
            return left
        }

        mutating func arithmetic() -> PyNode { binary(["+", "-"]) { $0.term() } }

        mutating func term() -> PyNode { binary(["*", "/", "%", "//", "@"]) { $0.factor() } }

        /// `operand (op operand)*`, left-associative, for one precedence level.
        mutating func binary(_ operators: Set<String>, _ operand: (inout State) -> PyNode) -> PyNode {
            var left = operand(&self)
            while let t = peek(), t.kind == .op, operators.contains(text(t)) {
                let op = text(t)
                index += 1
                let right = operand(&self)
                left = .binary(op, left, right, left.range.lowerBound..<right.range.upperBound)
            }
            return left
        }

        mutating func factor() -> PyNode {
            if let t = peek(), t.kind == .op, ["-", "+", "~"].contains(text(t)) {
                index += 1
                let operand = factor()
                return .unary(text(t), operand, t.range.lowerBound..<operand.range.upperBound)
            }
            if isKeyword("await") { index += 1 }
            let base = primary()
            if isOp("**") {
                index += 1
                let exponent = factor()
                return .binary("**", base, exponent, base.range.lowerBound..<exponent.range.upperBound)
            }
            return base
        }

        mutating func primary() -> PyNode {
            var node = atom()
            while let t = peek(), t.kind == .op {
                switch text(t) {
                case ".":
                    guard let name = peek(1), name.kind == .name else { return node }
                    index += 2
                    node = .attribute(node, text(name), node.range.lowerBound..<name.range.upperBound)
                case "(":
                    index += 1
                    let arguments = self.arguments()
                    node = .call(node, arguments, node.range.lowerBound..<lastEnd)
                case "[":
                    index += 1
                    let inner = atEnd || isOp("]") ? PyNode.other(lastEnd..<lastEnd) : sliceOrIndex()
                    if isOp("]") { index += 1 }
                    node = .index(node, inner, node.range.lowerBound..<lastEnd)
                default:
                    return node
                }
            }
            return node
        }

        mutating func sliceOrIndex() -> PyNode {
            let start = peek()?.range.lowerBound ?? lastEnd
            if isOp(":") { return skipRest(from: start) }
            let value = expressionList()
            if isOp(":") { return skipRest(from: start) }
            return value
        }

        mutating func arguments() -> [PyArgument] {
            var out: [PyArgument] = []
            while !atEnd, !isOp(")") {
                var star = false
                if isOp("*") || isOp("**") { star = true; index += 1 }
                var keyword: String?
                if let t = peek(), t.kind == .name, isOp("=", 1) {
                    keyword = text(t)
                    index += 2
                }
                let value = expression()
                if isKeyword("for") { _ = skipRest(from: value.range.lowerBound) }
                out.append(PyArgument(keyword: keyword, value: value, star: star))
                if isOp(",") { index += 1; continue }
                if !isOp(")") { _ = skipRest(from: lastEnd); if isOp(",") { index += 1 } else if !isOp(")") { break } }
            }
            if isOp(")") { index += 1 }
            return out
        }

        mutating func atom() -> PyNode {
            guard let t = peek() else { return .other(lastEnd..<lastEnd) }
            switch t.kind {
            case .name:
                index += 1
                return .name(text(t), t.range)
            case .number:
                index += 1
                return .number(t.range)
            case .string:
                var spans: [Syntax.StringSpan] = []
                var end = t.range.upperBound
                while let s = peek(), s.kind == .string, let span = view.syntax.string(startingAt: s.range.lowerBound) {
                    spans.append(span)
                    end = s.range.upperBound
                    index += 1
                }
                return .string(spans, t.range.lowerBound..<end)
            case .op:
                let s = text(t)
                index += 1
                switch s {
                case "(":
                    if isOp(")") { index += 1; return .tuple([], t.range.lowerBound..<lastEnd) }
                    let inner = expressionList()
                    if isKeyword("for") { _ = skipRest(from: inner.range.lowerBound) }
                    if isOp(")") { index += 1 }
                    if case .tuple(let items, _) = inner { return .tuple(items, t.range.lowerBound..<lastEnd) }
                    return inner
                case "[":
                    var items: [PyNode] = []
                    var comprehension = false
                    while !atEnd, !isOp("]") {
                        if isOp("*") { index += 1 }
                        items.append(expression())
                        if isKeyword("for") { comprehension = true; _ = skipRest(from: lastEnd) }
                        if isOp(",") { index += 1 } else if !isOp("]") { _ = skipRest(from: lastEnd); if !isOp(",") { break }; index += 1 }
                    }
                    if isOp("]") { index += 1 }
                    let range = t.range.lowerBound..<lastEnd
                    return comprehension ? .other(range) : .list(items, range)
                case "{":
                    var entries: [(key: PyNode, value: PyNode)] = []
                    var items: [PyNode] = []
                    var comprehension = false
                    while !atEnd, !isOp("}") {
                        if isOp("**") { index += 1; _ = expression() }
                        else {
                            let key = expression()
                            if isOp(":") {
                                index += 1
                                entries.append((key, expression()))
                            } else {
                                items.append(key)
                            }
                        }
                        if isKeyword("for") { comprehension = true; _ = skipRest(from: lastEnd) }
                        if isOp(",") { index += 1 } else if !isOp("}") { _ = skipRest(from: lastEnd); if !isOp(",") { break }; index += 1 }
                    }
                    if isOp("}") { index += 1 }
                    let range = t.range.lowerBound..<lastEnd
                    if comprehension { return .other(range) }
                    return entries.isEmpty && !items.isEmpty ? .other(range) : .dict(entries, range)
                default:
                    return .other(t.range)
                }
            }
        }
    }
}
