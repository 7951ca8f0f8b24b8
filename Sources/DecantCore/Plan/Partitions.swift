import Foundation

/// Which partition dates a migration takes: `all`, `last_N_days` (the N days that
/// end today, today included), `A..B` (both ends included) or one day.
public enum DateRange: Hashable, Sendable, Codable, CustomStringConvertible {
    case all
    case lastDays(Int)
    case between(CalendarDay, CalendarDay)
    case day(CalendarDay)

    /// Parses the plan-file forms; also accepts the seed's `A:B` for a range.
    public init?(parsing text: String) {
        let t = text.trimmingCharacters(in: .whitespaces)
        if t == "all" { self = .all; return }
        if t.hasPrefix("last_"), t.hasSuffix("_days"),
           let n = Int(t.dropFirst(5).dropLast(5)), n > 0 {
            self = .lastDays(n)
            return
        }
        for separator in ["..", ":"] where t.contains(separator) {
            let parts = t.components(separatedBy: separator)
            guard parts.count == 2, let a = CalendarDay(parts[0]), let b = CalendarDay(parts[1]), a <= b else { return nil }
            self = .between(a, b)
            return
        }
        guard let day = CalendarDay(t) else { return nil }
        self = .day(day)
    }

    /// The inclusive bounds relative to `today`; nil bounds for `all`.
    public func bounds(today: CalendarDay) -> ClosedRange<CalendarDay>? {
        switch self {
        case .all: return nil
        case .lastDays(let n): return today.adding(days: -(n - 1))...today
        case .between(let a, let b): return a...b
        case .day(let d): return d...d
        }
    }

    public func contains(_ day: CalendarDay, today: CalendarDay) -> Bool {
        guard let bounds = bounds(today: today) else { return true }
        return bounds.contains(day)
    }

    public var description: String {
        switch self {
        case .all: return "all"
        case .lastDays(let n): return "last_\(n)_days"
        case .between(let a, let b): return "\(a)..\(b)"
        case .day(let d): return d.description
        }
    }
}


/// A partition pattern such as `qpi_answers_{YYYYMMDD}/` or `{YYYY}/{MM}/{DD}/`,
/// matched against the start of an object's path relative to the migration's
/// source prefix. `*` matches any run of characters other than `/`.
public struct PartitionPattern: Hashable, Sendable, Codable, CustomStringConvertible {
    public let text: String
    let parts: [Part]

    enum Part: Hashable, Sendable, Codable {
        case literal(String)
        case year, month, day, compact, star
    }

    public static let tokens = ["{YYYYMMDD}", "{YYYY}", "{MM}", "{DD}"]

    public enum Problem: Error, Equatable, CustomStringConvertible {
        case noDateToken
        case unknownToken(String)
        case incompleteDate
        public var description: String {
            switch self {
            case .noDateToken: return "a partition pattern needs a date token ({YYYYMMDD}, or {YYYY} with {MM} and {DD})"
            case .unknownToken(let t): return "unknown token `\(t)` in partition pattern; the date tokens are {YYYYMMDD}, {YYYY}, {MM} and {DD}"
            case .incompleteDate: return "a partition pattern with {YYYY} also needs {MM} and {DD}, or use {YYYYMMDD}"
            }
        }
    }

    public init(_ text: String) throws(Problem) {
        self.text = text
        var parts: [Part] = []
        var literal = ""
        var rest = Substring(text)
        while let c = rest.first {
            if c == "{" {
                guard let close = rest.firstIndex(of: "}") else { literal.append(c); rest = rest.dropFirst(); continue }
                let token = String(rest[rest.startIndex...close])
                let part: Part
                switch token {
                case "{YYYYMMDD}": part = .compact
                case "{YYYY}": part = .year
                case "{MM}": part = .month
                case "{DD}": part = .day
                default: throw .unknownToken(token)
                }
                if !literal.isEmpty { parts.append(.literal(literal)); literal = "" }
                parts.append(part)
                rest = rest[rest.index(after: close)...]
            } else if c == "*" {
                if !literal.isEmpty { parts.append(.literal(literal)); literal = "" }
                parts.append(.star)
                rest = rest.dropFirst()
            } else {
                literal.append(c)
                rest = rest.dropFirst()
            }
        }
        if !literal.isEmpty { parts.append(.literal(literal)) }
        let hasCompact = parts.contains(.compact)
        let hasYear = parts.contains(.year), hasMonth = parts.contains(.month), hasDay = parts.contains(.day)
        guard hasCompact || hasYear || hasMonth || hasDay else { throw .noDateToken }
        if !hasCompact, !(hasYear && hasMonth && hasDay) { throw .incompleteDate }
        self.parts = parts
    }

    public var description: String { text }

    /// The literal text before the first token: every partition of this pattern lives under it.
    public var literalPrefix: String {
        if case .literal(let s)? = parts.first { return s }
        return ""
    }

    /// The date of the partition that `relativeName` belongs to, or nil if the name
    /// does not start with this pattern (or has an impossible date).
    public func date(of relativeName: String) -> CalendarDay? {
        let bytes = Array(relativeName.utf8)
        var year: Int?, month: Int?, day: Int?
        return match(0, 0, bytes, &year, &month, &day)
    }

    private func match(_ p: Int, _ i: Int, _ s: [UInt8], _ year: inout Int?, _ month: inout Int?, _ day: inout Int?) -> CalendarDay? {
        if p == parts.count {
            guard let y = year, let m = month, let d = day else { return nil }
            return CalendarDay(year: y, month: m, day: d)
        }
        func digits(_ n: Int) -> Int? {
            guard i + n <= s.count else { return nil }
            var v = 0
            for k in i..<(i + n) {
                let b = s[k]
                guard b >= 48, b <= 57 else { return nil }
                v = v * 10 + Int(b - 48)
            }
            return v
        }
        switch parts[p] {
        case .literal(let lit):
            let l = Array(lit.utf8)
            guard i + l.count <= s.count, Array(s[i..<(i + l.count)]) == l else { return nil }
            return match(p + 1, i + l.count, s, &year, &month, &day)
        case .compact:
            guard let v = digits(8) else { return nil }
            var y: Int? = v / 10000, m: Int? = (v / 100) % 100, d: Int? = v % 100
            return match(p + 1, i + 8, s, &y, &m, &d)
        case .year:
            guard let v = digits(4) else { return nil }
            var y: Int? = v
            return match(p + 1, i + 4, s, &y, &month, &day)
        case .month:
            guard let v = digits(2) else { return nil }
            var m: Int? = v
            return match(p + 1, i + 2, s, &year, &m, &day)
        case .day:
            guard let v = digits(2) else { return nil }
            var d: Int? = v
            return match(p + 1, i + 2, s, &year, &month, &d)
        case .star:
            var j = i
            while true {
                var y = year, m = month, d = day
                if let found = match(p + 1, j, s, &y, &m, &d) { return found }
                if j >= s.count || s[j] == UInt8(ascii: "/") { return nil }
                j += 1
            }
        }
    }

    /// The pattern with the date filled in: the folder of one partition
    /// (`qpi_answers_20250131/`); nil when the pattern contains `*`.
    public func render(_ day: CalendarDay) -> String? {
        var out = ""
        for part in parts {
            switch part {
            case .literal(let s): out += s
            case .compact: out += day.compact
            case .year: out += String(format: "%04d", day.year)
            case .month: out += String(format: "%02d", day.month)
            case .day: out += String(format: "%02d", day.day)
            case .star: return nil
            }
        }
        return out
    }

    // Codable through the text, re-parsed on decode.
    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}

extension PartitionPattern {
    /// True when the first token after the literal prefix is `{YYYYMMDD}`, so that
    /// partitions sort by date and a date range is a name range.
    public var startsWithSortableDate: Bool {
        for part in parts {
            switch part {
            case .literal: continue
            case .compact: return true
            default: return false
            }
        }
        return false
    }
}
