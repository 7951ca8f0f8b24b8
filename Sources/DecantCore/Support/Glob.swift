/// A glob with GCS `matchGlob` semantics, matched against UTF-8 bytes:
/// `*` any run of characters except `/`; `**` any run including `/` (and `**/`
/// also matches no directory at all); `?` one character except `/`; `[abc]`,
/// `[a-z]`, `[!a]` a character class; `{a,b}` alternatives; `\x` a literal `x`.
public struct Glob: Hashable, Sendable, CustomStringConvertible {
    public let pattern: String
    private let alternatives: [[Token]]

    enum Token: Hashable, Sendable {
        case literal(UInt8)
        case any          // ?
        case star         // *
        case globstar     // ** (also consumes a following '/', optionally)
        case set([ClosedRange<UInt8>], negated: Bool)
    }

    public enum Problem: Error, Equatable, CustomStringConvertible {
        case unclosedBracket, unclosedBrace, danglingEscape, emptyPattern
        public var description: String {
            switch self {
            case .unclosedBracket: return "a '[' is never closed"
            case .unclosedBrace: return "a '{' is never closed"
            case .danglingEscape: return "the pattern ends with '\\'"
            case .emptyPattern: return "the pattern is empty"
            }
        }
    }

    public init(_ pattern: String) throws(Problem) {
        guard !pattern.isEmpty else { throw .emptyPattern }
        self.pattern = pattern
        var alternatives: [[Token]] = []
        for alternative in try Glob.expandBraces(Array(pattern.utf8)) {
            alternatives.append(try Glob.tokenize(alternative))
        }
        self.alternatives = alternatives
    }

    public var description: String { pattern }

    /// The literal text every match starts with: a listing prefix that narrows the work.
    public var literalPrefix: String {
        guard alternatives.count == 1, let tokens = alternatives.first else { return "" }
        var bytes: [UInt8] = []
        for token in tokens {
            guard case .literal(let b) = token else { break }
            bytes.append(b)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    public func matches(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { buffer in
            alternatives.contains { Glob.match($0, buffer) }
        }
    }

    public func matches(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        alternatives.contains { Glob.match($0, bytes) }
    }

    // MARK: - Matching

    private static func match(_ tokens: [Token], _ s: UnsafeBufferPointer<UInt8>) -> Bool {
        // Memoised recursion on (token index, byte index): O(tokens × bytes).
        let width = s.count + 1
        var failed = [Bool](repeating: false, count: (tokens.count + 1) * width)
        func go(_ t: Int, _ i: Int) -> Bool {
            var t = t, i = i
            while t < tokens.count {
                if failed[t * width + i] { return false }
                switch tokens[t] {
                case .literal(let b):
                    guard i < s.count, s[i] == b else { failed[t * width + i] = true; return false }
                    t += 1; i += 1
                case .any:
                    guard i < s.count, s[i] != UInt8(ascii: "/") else { failed[t * width + i] = true; return false }
                    t += 1; i += 1
                case .set(let ranges, let negated):
                    guard i < s.count else { failed[t * width + i] = true; return false }
                    let inSet = ranges.contains { $0.contains(s[i]) }
                    guard inSet != negated, s[i] != UInt8(ascii: "/") else { failed[t * width + i] = true; return false }
                    t += 1; i += 1
                case .star:
                    var j = i
                    while true {
                        if go(t + 1, j) { return true }
                        if j >= s.count || s[j] == UInt8(ascii: "/") { break }
                        j += 1
                    }
                    failed[t * width + i] = true
                    return false
                case .globstar:
                    // `**/` may match nothing at all, so `**/x` matches `x`.
                    let next = t + 1
                    if next < tokens.count, case .literal(UInt8(ascii: "/")) = tokens[next], go(next + 1, i) { return true }
                    var j = i
                    while true {
                        if go(next, j) { return true }
                        if j >= s.count { break }
                        j += 1
                    }
                    failed[t * width + i] = true
                    return false
                }
            }
            return i == s.count
        }
        return go(0, 0)
    }

    // MARK: - Parsing

    private static func expandBraces(_ p: [UInt8]) throws(Problem) -> [[UInt8]] {
        // Find the first top-level '{' (not escaped, not inside a class).
        var i = 0
        var inClass = false
        while i < p.count {
            let c = p[i]
            if c == UInt8(ascii: "\\") { i += 2; continue }
            if inClass { if c == UInt8(ascii: "]") { inClass = false }; i += 1; continue }
            if c == UInt8(ascii: "[") { inClass = true; i += 1; continue }
            if c == UInt8(ascii: "{") { break }
            i += 1
        }
        guard i < p.count else { return [p] }
        var depth = 0
        var parts: [[UInt8]] = []
        var current: [UInt8] = []
        var j = i + 1
        var closed = -1
        while j < p.count {
            let c = p[j]
            if c == UInt8(ascii: "\\"), j + 1 < p.count { current += [c, p[j + 1]]; j += 2; continue }
            if c == UInt8(ascii: "{") { depth += 1 }
            if c == UInt8(ascii: "}") {
                if depth == 0 { parts.append(current); closed = j; break }
                depth -= 1
            }
            if c == UInt8(ascii: ","), depth == 0 { parts.append(current); current = []; j += 1; continue }
            current.append(c)
            j += 1
        }
        guard closed >= 0 else { throw .unclosedBrace }
        let head = Array(p[..<i]), tail = Array(p[(closed + 1)...])
        var out: [[UInt8]] = []
        for part in parts {
            out += try expandBraces(head + part + tail)
        }
        return out
    }

    private static func tokenize(_ p: [UInt8]) throws(Problem) -> [Token] {
        var tokens: [Token] = []
        var i = 0
        while i < p.count {
            let c = p[i]
            switch c {
            case UInt8(ascii: "\\"):
                guard i + 1 < p.count else { throw .danglingEscape }
                tokens.append(.literal(p[i + 1]))
                i += 2
            case UInt8(ascii: "*"):
                if i + 1 < p.count, p[i + 1] == UInt8(ascii: "*") {
                    while i < p.count, p[i] == UInt8(ascii: "*") { i += 1 }
                    tokens.append(.globstar)
                } else {
                    tokens.append(.star)
                    i += 1
                }
            case UInt8(ascii: "?"):
                tokens.append(.any)
                i += 1
            case UInt8(ascii: "["):
                var j = i + 1
                var negated = false
                if j < p.count, p[j] == UInt8(ascii: "!") || p[j] == UInt8(ascii: "^") { negated = true; j += 1 }
                var ranges: [ClosedRange<UInt8>] = []
                var first = true
                while j < p.count, p[j] != UInt8(ascii: "]") || first {
                    first = false
                    var lo = p[j]
                    if lo == UInt8(ascii: "\\"), j + 1 < p.count { j += 1; lo = p[j] }
                    if j + 2 < p.count, p[j + 1] == UInt8(ascii: "-"), p[j + 2] != UInt8(ascii: "]") {
                        let hi = p[j + 2]
                        ranges.append(min(lo, hi)...max(lo, hi))
                        j += 3
                    } else {
                        ranges.append(lo...lo)
                        j += 1
                    }
                }
                guard j < p.count else { throw .unclosedBracket }
                tokens.append(.set(ranges, negated: negated))
                i = j + 1
            default:
                tokens.append(.literal(c))
                i += 1
            }
        }
        return tokens
    }
}
