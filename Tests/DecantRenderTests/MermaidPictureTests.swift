import DecantCore
import DecantRender
import Foundation
import TestSupport
import Testing

/// The Mermaid pictures of the Markdown plan and analysis: each one parses
/// (`MermaidParser`, a grammar of the subset decant emits) and says what the
/// table beside it says.
@Suite struct MermaidPictureTests {
    /// The rows of the Markdown table whose header row starts with `header`, as cells.
    static func table(_ markdown: String, header: String) -> [[String]] {
        let lines = markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let start = lines.firstIndex(where: { $0.hasPrefix(header) }) else { return [] }
        return lines[(start + 2)...].prefix { $0.hasPrefix("|") }.map { row in
            row.dropFirst(2).dropLast(2).components(separatedBy: " | ")
        }
    }

    static func flowcharts(_ markdown: String) throws -> [MermaidParser.Flowchart] {
        try MermaidParser.diagrams(inMarkdown: markdown).compactMap { if case .flowchart(let f) = $0 { return f } else { return nil } }
    }

    static func xycharts(_ markdown: String) throws -> [MermaidParser.XYChart] {
        try MermaidParser.diagrams(inMarkdown: markdown).compactMap { if case .xychart(let c) = $0 { return c } else { return nil } }
    }

    static func unquote(_ cell: String) -> String { cell.trimmingCharacters(in: CharacterSet(charactersIn: "`")) }

    /// `$1,234.50` or `≈ $0` as a number.
    static func money(_ cell: String) -> Double? {
        Double(cell.filter { $0.isNumber || $0 == "." || $0 == "-" })
    }

    @Test func planFlowchartSaysWhatTheMigrationTableSays() throws {
        let plan = try PlanRenderTests.sample()
        let markdown = PlanMarkdownRenderer().render(plan)
        let charts = try Self.flowcharts(markdown)
        try #require(charts.count == 1)
        let chart = charts[0]
        let rows = Self.table(markdown, header: "| | Migration | Phase |")
        #expect(rows.count == plan.migrations.count)
        #expect(chart.edges.count == rows.count)
        for row in rows {
            let key = Self.unquote(row[1])
            let ends = row[3].components(separatedBy: " → ").map(Self.unquote)
            let node = try #require(chart.nodes.values.first { $0.lines.first == key }, "no node for \(key)")
            #expect(node.lines[1] == ends[0])
            #expect(node.subgraph == "phase\(row[2])")
            #expect(chart.subgraphs.first { $0.id == node.subgraph }?.label == "Phase \(row[2])")
            let edge = try #require(chart.edges.first { $0.from == node.id })
            let target = try #require(chart.nodes[edge.to])
            #expect(target.cylinder)
            let targetPath = try #require(BucketPath(parsing: ends[1]))
            #expect(target.lines == ["gs://\(targetPath.bucket)"])
            #expect(edge.lines[0] == "into \(targetPath.prefix)")
            #expect(edge.lines[1] == "copy \(row[4])")
            #expect(edge.lines.contains { $0.hasPrefix("in sync \(row[5]) object") } == (row[5] != "0"))
            #expect(edge.lines.contains { $0.hasPrefix("delete \(row[6]) object") } == (row[6] != "0"))
            let blocked = row[0] == "⛔"
            #expect(edge.dotted == blocked)
            #expect(chart.classes["blocked", default: []].contains(node.id) == blocked)
            let migration = try #require(plan.migrations.first { $0.key == key })
            let held = !migration.deleteHeld.isEmpty && !blocked
            #expect(chart.classes["held", default: []].contains(node.id) == held)
            #expect(node.lines.contains { $0.hasPrefix("🔒 kept ") } == !migration.deleteHeld.isEmpty)
        }
        // Held deletions are in the sample: the picture marks one.
        #expect(chart.classes["held"]?.isEmpty == false)
    }

    @Test func costChartSaysWhatTheCostTableSays() throws {
        let markdown = PlanMarkdownRenderer().render(try PlanRenderTests.sample())
        let chart = try #require(try Self.xycharts(markdown).first)
        #expect(chart.yAxis == "USD per month")
        var expected: [(String, Double)] = []
        for row in Self.table(markdown, header: "| Migration | Monthly now |") {
            let name = Self.unquote(row[0]).replacingOccurrences(of: "**", with: "").replacingOccurrences(of: "`", with: "")
            guard let now = Self.money(row[1]),
                  let after = Self.money(row[2].components(separatedBy: " (").first ?? "") else { continue } // unknown: not drawn
            expected += [("\(name): now", now), ("\(name): after", after)]
        }
        #expect(chart.categories == expected.map(\.0))
        for (value, (name, table)) in zip(chart.bars, expected) {
            #expect(abs(value - table) <= 0.00505, "\(name): chart \(value), table \(table)")
        }
    }

    static func analysis() -> BucketAnalysis {
        func folder(_ path: String, _ objects: Int, _ bytes: Int64, _ t: Temperature) -> FolderUsage {
            FolderUsage(path: path, stats: FolderStats(objects: objects, bytes: bytes), temperature: t,
                        isolation: .unreferenced, tier: .coldIsolated, useCase: "x")
        }
        return BucketAnalysis(environment: "dev", bucket: "data-bucket-dev", now: Date(timeIntervalSince1970: 1_795_651_200),
                              thresholds: .standard, depth: 1, folders: [
                                  folder("QPI_exports/", 360, 25_700, .hot),
                                  folder("historization/applicative/", 240, 17_715, .cold),
                                  folder("dms_export/", 241, 13_516, .hot),
                                  folder("ml_temp/", 40, 2_048, .warm),
                                  folder("données \"été\" [x]/", 3, 3_145_728, .cold),
                                  folder("empty/", 0, 0, .cold),
                              ])
    }

    @Test func analysisChartsSayWhatTheFolderTableSays() throws {
        let a = Self.analysis()
        let markdown = AnalysisMarkdownRenderer().render(a)
        let diagrams = try MermaidParser.diagrams(inMarkdown: markdown)
        try #require(diagrams.count == 2)
        let rows = Self.table(markdown, header: "| Subfolder | Objects |")
        #expect(rows.count == a.folders.count)
        guard case .pie(let pie) = diagrams[0], case .xychart(let bars) = diagrams[1] else {
            Issue.record("expected a pie, then bars"); return
        }
        for t in Temperature.allCases {
            let bytes = a.folders.filter { $0.temperature == t }.reduce(Int64(0)) { $0 + $1.stats.bytes }
            let slice = pie.slices.first { $0.label.hasPrefix("\(t.rawValue):") }
            #expect(slice?.value == (bytes > 0 ? Double(bytes) : nil))
        }
        let unit: Double = bars.yAxis == "MiB" ? 1_048_576 : bars.yAxis == "KiB" ? 1024 : 1
        #expect(bars.yAxis == "MiB")
        // Largest first, empty folders left out; each bar's folder and temperature are its table row's.
        #expect(bars.bars == bars.bars.sorted(by: >))
        #expect(bars.categories.count == a.folders.count - 1)
        for (category, value) in zip(bars.categories, bars.bars) {
            let row = try #require(rows.first { category.hasPrefix(Self.unquote($0[0]).replacingOccurrences(of: "\"", with: "\u{201D}")) },
                                   "no table row for \(category)")
            #expect(category.hasSuffix("(\(row[5]))"))
            let folder = try #require(a.folders.first { Self.unquote(row[0]) == $0.path })
            #expect(abs(value * unit - Double(folder.stats.bytes)) <= 0.005 * unit)
            #expect(row[2] == ByteFormat.string(folder.stats.bytes))
        }
    }

    /// Keys, folders and prefixes that would break a naive diagram: quotes,
    /// brackets, pipes, `#`, HTML, backticks, unicode.
    @Test func hostileNamesAreEscapedAndReadBack() throws {
        var plan = try PlanRenderTests.sample()
        let key = "we\"ird[1]|x#2;<b>`y`</b>&z {é}"
        plan.migrations[0].key = key
        plan.migrations[0].source = BucketPath(bucket: "data-bucket-dev", prefix: "données/\"été\" <i>#1|a]/")
        plan.migrations[0].target = BucketPath(bucket: "archive-bucket-dev", prefix: "→ 日本/-->|x|/")
        let markdown = PlanMarkdownRenderer().render(plan)
        let chart = try #require(try Self.flowcharts(markdown).first)
        let node = try #require(chart.nodes.values.first { $0.lines.first == key })
        #expect(node.lines[1] == "gs://data-bucket-dev/données/\"été\" <i>#1|a]/")
        let edge = try #require(chart.edges.first { $0.from == node.id })
        #expect(edge.lines[0] == "into → 日本/-->|x|/")
        let cost = try #require(try Self.xycharts(markdown).first)
        #expect(cost.categories.first == "we\u{201D}ird[1]|x#2;\u{2039}b\u{203A}`y`\u{2039}/b\u{203A}&z {é}: now")
        // Only the markup decant means survives raw in the labels.
        let block = markdown.components(separatedBy: "```mermaid")[1].components(separatedBy: "\n```\n")[0]
        #expect(!block.contains("<b>") && !block.contains("<i>"))
    }

    @Test func parserRejectsWhatIsOutsideTheSubset() {
        let broken: [[String]] = [
            ["flowchart LR", "  a[\"x\"\"]"],                       // a raw quote ends the string early
            ["flowchart LR", "  a[\"<b>x</b>\"]"],                  // raw HTML
            ["flowchart LR", "  a[\"x\"]", "  a -->|\"e\"| b"],      // edge to an undefined node
            ["flowchart LR", "  a[\"x\"]", "  class a held"],       // class never defined
            ["flowchart LR", "  subgraph p[\"P\"]"],                // no end
            ["flowchart LR", "  a --> b"],                          // not decant's edge form
            ["flowchart LR", "  a[\"#x;\"]"],                       // unknown entity
            ["xychart-beta", "  title \"t\"", "  x-axis [\"a\", \"b\"]", "  y-axis \"u\"", "  bar [1]"],
            ["xychart-beta", "  title \"t\"", "  x-axis [\"a\"]", "  y-axis \"u\"", "  bar [1e3]"],
            ["pie title t", "  \"a\" : 0"],
        ]
        for lines in broken {
            #expect(throws: MermaidParser.Failure.self, "\(lines)") { try MermaidParser.parse(lines) }
        }
    }

    @Test func withoutPicturesTheMarkdownHasNoMermaid() throws {
        let plan = try PlanRenderTests.sample()
        let with = PlanMarkdownRenderer().render(plan), without = PlanMarkdownRenderer(pictures: false).render(plan)
        #expect(with.contains("```mermaid"))
        #expect(!without.contains("```mermaid"))
        #expect(without.count < with.count)
        #expect(!AnalysisMarkdownRenderer(pictures: false).render(Self.analysis()).contains("```mermaid"))
        // The text and JSON formats carry no picture.
        #expect(!PlanTextRenderer().render(plan).contains("mermaid"))
        #expect(!PlanJSONRenderer().render(plan).contains("mermaid"))
    }

    @Test func tooManyMigrationsAreNotDrawn() throws {
        var plan = try PlanRenderTests.sample()
        let m = plan.migrations[0]
        plan.migrations = (0..<61).map { i in var c = m; c.key = "m\(i)"; return c }
        let markdown = PlanMarkdownRenderer().render(plan)
        #expect(try Self.flowcharts(markdown).isEmpty)
        #expect(markdown.contains("61 migrations: too many to draw"))
    }
}
