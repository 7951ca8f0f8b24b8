import Foundation

/// A parser for the subset of Mermaid decant emits (see `Mermaid` in
/// DecantRender): it reads the pictures back so that tests can compare them with
/// the data of the tables beside them, and rejects any line outside the subset,
/// an unterminated or unescaped string, an unknown entity code, an edge to an
/// undefined node, or a class never defined.
public struct MermaidParser {
    public struct Failure: Error, CustomStringConvertible {
        public var line: Int, message: String
        public var description: String { "mermaid line \(line): \(message)" }
    }

    public struct Node: Equatable, Sendable { public var id: String, lines: [String], cylinder: Bool, subgraph: String? }
    public struct Edge: Equatable, Sendable { public var from: String, to: String, lines: [String], dotted: Bool }
    public struct Flowchart {
        public var direction: String
        public var subgraphs: [(id: String, label: String)] = []
        public var nodes: [String: Node] = [:]
        public var edges: [Edge] = []
        public var classes: [String: Set<String>] = [:]
    }
    public struct XYChart { public var title: String, categories: [String], yAxis: String, bars: [Double] }
    public struct Pie { public var title: String, slices: [(label: String, value: Double)] }

    public enum Diagram {
        case flowchart(Flowchart), xychart(XYChart), pie(Pie)
    }

    /// Every ```` ```mermaid ```` block of a Markdown text, parsed.
    public static func diagrams(inMarkdown text: String) throws -> [Diagram] {
        var blocks: [[String]] = [], current: [String]?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if current == nil, line == "```mermaid" { current = [] }
            else if current != nil, line == "```" { blocks.append(current ?? []); current = nil }
            else if current != nil { current?.append(line) }
        }
        if current != nil { throw Failure(line: 0, message: "unterminated mermaid fence") }
        return try blocks.map(parse)
    }

    public static func parse(_ lines: [String]) throws -> Diagram {
        guard let first = lines.first?.trimmingCharacters(in: .whitespaces) else { throw Failure(line: 1, message: "empty block") }
        if first.hasPrefix("flowchart ") { return .flowchart(try flowchart(lines)) }
        if first == "xychart-beta" { return .xychart(try xychart(lines)) }
        if first.hasPrefix("pie title ") { return .pie(try pie(lines)) }
        throw Failure(line: 1, message: "unknown diagram `\(first)`")
    }

    // MARK: Strings

    /// Reads `"…"` at the start of `s`; returns the decoded text and the rest.
    /// Entity codes are numeric (`#34;`) only when `entities` is set.
    static func quoted(_ s: Substring, entities: Bool, line: Int) throws -> (String, Substring) {
        guard s.first == "\"" else { throw Failure(line: line, message: "expected a string at `\(s)`") }
        let body = s.dropFirst()
        guard let end = body.firstIndex(of: "\"") else { throw Failure(line: line, message: "unterminated string") }
        let raw = body[..<end]
        return (entities ? try decode(raw, line: line) : String(raw), body[body.index(after: end)...])
    }

    static func decode(_ raw: Substring, line: Int) throws -> String {
        if let bad = raw.first(where: { "<>|`&".contains($0) }) {
            throw Failure(line: line, message: "unescaped `\(bad)` in `\(raw)`")
        }
        var out = "", rest = raw
        while let hash = rest.firstIndex(of: "#") {
            out += rest[..<hash]
            let after = rest[rest.index(after: hash)...]
            guard let semi = after.firstIndex(of: ";"), let code = UInt32(after[..<semi]), let scalar = Unicode.Scalar(code) else {
                throw Failure(line: line, message: "a raw `#` or an unknown entity code in `\(raw)`")
            }
            out.unicodeScalars.append(scalar)
            rest = after[after.index(after: semi)...]
        }
        return out + rest
    }

    /// A label's lines, split at the one piece of markup decant emits.
    static func labelLines(_ raw: Substring, line: Int) throws -> [String] {
        try raw.components(separatedBy: "<br/>").map { try decode(Substring($0), line: line) }
    }

    static func identifier(_ s: Substring, line: Int) throws -> (String, Substring) {
        let id = s.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
        guard !id.isEmpty, id.allSatisfy(\.isASCII) else { throw Failure(line: line, message: "expected an identifier at `\(s)`") }
        return (String(id), s.dropFirst(id.count))
    }

    // MARK: Flowchart

    static func flowchart(_ lines: [String]) throws -> Flowchart {
        let head = lines[0].split(separator: " ")
        guard head.count == 2, ["LR", "TD", "TB", "RL", "BT"].contains(head[1]) else { throw Failure(line: 1, message: "bad flowchart direction") }
        var chart = Flowchart(direction: String(head[1]))
        var subgraph: String?
        var edges: [(Edge, Int)] = []
        var classUses: [(String, [String], Int)] = []
        for (index, text) in lines.enumerated().dropFirst() {
            let n = index + 1
            let line = Substring(text.trimmingCharacters(in: .whitespaces))
            if line.isEmpty { continue }
            if line == "end" {
                guard subgraph != nil else { throw Failure(line: n, message: "`end` outside a subgraph") }
                subgraph = nil
            } else if line.hasPrefix("subgraph ") {
                guard subgraph == nil else { throw Failure(line: n, message: "nested subgraph") }
                let (id, rest) = try identifier(line.dropFirst(9), line: n)
                guard rest.hasPrefix("[") else { throw Failure(line: n, message: "subgraph without a label") }
                let (label, tail) = try quoted(rest.dropFirst(), entities: true, line: n)
                guard tail == "]" else { throw Failure(line: n, message: "junk after subgraph label") }
                chart.subgraphs.append((id, label))
                subgraph = id
            } else if line.hasPrefix("classDef ") {
                let parts = line.split(separator: " ", maxSplits: 2)
                guard parts.count == 3 else { throw Failure(line: n, message: "bad classDef") }
                chart.classes[String(parts[1])] = chart.classes[String(parts[1])] ?? []
            } else if line.hasPrefix("class ") {
                let parts = line.split(separator: " ")
                guard parts.count == 3 else { throw Failure(line: n, message: "bad class line") }
                classUses.append((String(parts[2]), parts[1].split(separator: ",").map(String.init), n))
            } else {
                let (id, rest) = try identifier(line, line: n)
                if rest.hasPrefix("[(") {
                    let (label, tail) = try quoted(rest.dropFirst(2), entities: false, line: n)
                    guard tail == ")]" else { throw Failure(line: n, message: "bad cylinder node") }
                    try define(Node(id: id, lines: try labelLines(Substring(label), line: n), cylinder: true, subgraph: subgraph), in: &chart, line: n)
                } else if rest.hasPrefix("[") {
                    let (label, tail) = try quoted(rest.dropFirst(), entities: false, line: n)
                    guard tail == "]" else { throw Failure(line: n, message: "bad node") }
                    try define(Node(id: id, lines: try labelLines(Substring(label), line: n), cylinder: false, subgraph: subgraph), in: &chart, line: n)
                } else {
                    let dotted: Bool
                    var rest = rest
                    if rest.hasPrefix(" -->|") { dotted = false; rest = rest.dropFirst(5) }
                    else if rest.hasPrefix(" -.->|") { dotted = true; rest = rest.dropFirst(6) }
                    else { throw Failure(line: n, message: "not in decant's subset: `\(line)`") }
                    let (label, tail) = try quoted(rest, entities: false, line: n)
                    guard tail.hasPrefix("| ") else { throw Failure(line: n, message: "bad edge label end") }
                    let (to, end) = try identifier(tail.dropFirst(2), line: n)
                    guard end.isEmpty else { throw Failure(line: n, message: "junk after edge") }
                    edges.append((Edge(from: id, to: to, lines: try labelLines(Substring(label), line: n), dotted: dotted), n))
                }
            }
        }
        if subgraph != nil { throw Failure(line: lines.count, message: "subgraph without `end`") }
        for (edge, n) in edges {
            guard chart.nodes[edge.from] != nil, chart.nodes[edge.to] != nil else { throw Failure(line: n, message: "edge to an undefined node") }
            chart.edges.append(edge)
        }
        for (name, ids, n) in classUses {
            guard chart.classes[name] != nil else { throw Failure(line: n, message: "class `\(name)` is not defined") }
            for id in ids {
                guard chart.nodes[id] != nil else { throw Failure(line: n, message: "class on undefined node `\(id)`") }
                chart.classes[name, default: []].insert(id)
            }
        }
        return chart
    }

    static func define(_ node: Node, in chart: inout Flowchart, line: Int) throws {
        guard chart.nodes[node.id] == nil else { throw Failure(line: line, message: "node `\(node.id)` defined twice") }
        chart.nodes[node.id] = node
    }

    // MARK: Charts

    static func list(_ s: Substring, line: Int) throws -> [Substring] {
        guard s.hasPrefix("["), s.hasSuffix("]") else { throw Failure(line: line, message: "expected a list") }
        var items: [Substring] = [], rest = s.dropFirst().dropLast()
        while !rest.isEmpty {
            if rest.first == "\"" {
                guard let end = rest.dropFirst().firstIndex(of: "\"") else { throw Failure(line: line, message: "unterminated string") }
                items.append(rest[rest.index(after: rest.startIndex)..<end])
                rest = rest[rest.index(after: end)...]
            } else {
                let item = rest.prefix { $0 != "," }
                items.append(item)
                rest = rest.dropFirst(item.count)
            }
            if rest.hasPrefix(", ") { rest = rest.dropFirst(2) } else if !rest.isEmpty { throw Failure(line: line, message: "bad list separator") }
        }
        return items
    }

    static func number(_ s: Substring, line: Int) throws -> Double {
        guard s.allSatisfy({ $0.isNumber || $0 == "." || $0 == "-" }), let value = Double(s) else {
            throw Failure(line: line, message: "not a plain number: `\(s)`")
        }
        return value
    }

    static func xychart(_ lines: [String]) throws -> XYChart {
        var title: String?, categories: [String]?, yAxis: String?, bars: [Double]?
        for (index, text) in lines.enumerated().dropFirst() {
            let n = index + 1
            let line = Substring(text.trimmingCharacters(in: .whitespaces))
            if line.hasPrefix("title ") {
                let (t, rest) = try quoted(line.dropFirst(6), entities: false, line: n)
                guard rest.isEmpty else { throw Failure(line: n, message: "junk after title") }
                title = t
            } else if line.hasPrefix("x-axis ") {
                categories = try list(line.dropFirst(7), line: n).map(String.init)
            } else if line.hasPrefix("y-axis ") {
                let (t, rest) = try quoted(line.dropFirst(7), entities: false, line: n)
                guard rest.isEmpty else { throw Failure(line: n, message: "junk after y-axis") }
                yAxis = t
            } else if line.hasPrefix("bar ") {
                guard bars == nil else { throw Failure(line: n, message: "decant draws one bar series") }
                bars = try list(line.dropFirst(4), line: n).map { try number($0, line: n) }
            } else {
                throw Failure(line: n, message: "not in decant's subset: `\(line)`")
            }
        }
        guard let title, let categories, let yAxis, let bars else { throw Failure(line: 1, message: "xychart lacks a title, an axis or bars") }
        guard categories.count == bars.count else { throw Failure(line: 1, message: "\(categories.count) categories, \(bars.count) bars") }
        return XYChart(title: title, categories: categories, yAxis: yAxis, bars: bars)
    }

    static func pie(_ lines: [String]) throws -> Pie {
        var pie = Pie(title: String(lines[0].dropFirst(10)), slices: [])
        for (index, text) in lines.enumerated().dropFirst() {
            let n = index + 1
            let (label, rest) = try quoted(Substring(text.trimmingCharacters(in: .whitespaces)), entities: false, line: n)
            guard rest.hasPrefix(" : ") else { throw Failure(line: n, message: "bad pie slice") }
            let value = try number(rest.dropFirst(3), line: n)
            guard value > 0 else { throw Failure(line: n, message: "a pie slice must be positive") }
            pie.slices.append((label, value))
        }
        guard !pie.slices.isEmpty else { throw Failure(line: 1, message: "empty pie") }
        return pie
    }
}
