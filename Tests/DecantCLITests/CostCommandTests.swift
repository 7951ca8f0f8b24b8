import DecantCLI
import DecantCore
import DecantStorage
import Foundation
import TestSupport
import Testing

/// Cost in `decant plan` end to end, on the embedded local store.
@Suite struct CostCommandTests {
    /// 100 objects of 1 MiB, written 400 days before the plan, in a STANDARD bucket in europe-west1.
    static func repository(pricing: String = "") async throws -> TemporaryDirectory {
        let dir = try TemporaryDirectory("decant-cost")
        let written = FixedClock(FixedClock(parsing: "2026-11-20")!.now().addingTimeInterval(-400 * 86_400))
        let store = LocalStore(root: dir.path + "/store", options: LocalStore.Options(clock: written))
        _ = try await store.createBucket("data-bucket-dev", project: nil, settings: BucketSettings(location: "EUROPE-WEST1", storageClass: .standard))
        let mib = Data(repeating: 42, count: 1 << 20)
        for i in 0..<100 {
            _ = try await store.upload("data-bucket-dev", String(format: "historization/part-%03d.parquet", i), data: mib,
                                       ifGenerationMatch: nil, contentType: nil, metadata: nil)
        }
        try dir.write("plans/plan.yaml", """
        decant: 1
        environments:
          dev: {}
        storage: { provider: local, root: store }
        \(pricing)
        buckets:
          archive: { location: europe-west1, storage_class: COLDLINE }
        migrations:
          historization:
            source: "data-bucket-dev/historization/"
            target: "archive/"
            cleanup: { delete_source: true, after: 14d }
        """)
        return dir
    }

    static func run(_ arguments: [String], in dir: TemporaryDirectory) async -> (Int32, CapturingConsole) {
        let console = CapturingConsole(workingDirectory: dir.path)
        let code = await DecantCLI.main(arguments, console: console)
        return (code, console)
    }

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// The issue's case: to COLDLINE in the same location, the bill is a fifth, and
    /// the move costs one Class A operation per copy at COLDLINE's rate.
    @Test func movingColdDataToColdlineCostsAFifthAndOneClassAPerCopy() async throws {
        let dir = try await Self.repository()
        defer { dir.remove() }
        let (code, console) = await Self.run(["plan", "--env", "dev", "--now", "2026-11-20", "--format", "json", "--no-leftovers"], in: dir)
        #expect(code == 0, "\(console.stderr)")
        let plan = try Self.json(console.stdout)
        let migration = try #require((plan["migrations"] as? [[String: Any]])?.first)
        for cost in [try #require(migration["cost"] as? [String: Any]), try #require(plan["cost"] as? [String: Any])] {
            let before = try #require(cost["monthly_before"] as? Double), after = try #require(cost["monthly_after"] as? Double)
            #expect(abs(after / before - 0.2) < 1e-9)
            #expect(abs(before - 100.0 / 1024 * 0.020) < 1e-12)
            let parts = try #require(cost["one_time_parts"] as? [String: Any])
            #expect(cost["one_time"] as? Double == 100 * 0.02 / 1000)           // 100 rewrites at COLDLINE's Class A rate
            #expect(parts["class_a"] as? Double == cost["one_time"] as? Double && parts["copies"] as? Int == 100)
            #expect(parts["retrieval"] as? Double == 0 && parts["early_deletion"] as? Double == 0 && parts["network"] as? Double == 0)
            #expect(cost["currency"] as? String == "USD" && cost["prices_as_of"] as? String == "2025-01")
            #expect(cost["break_even_months"] as? Int == 2)
            #expect(cost["monthly_after_12m"] as? Double == after)
        }
        #expect((plan["cost"] as? [String: Any])?["price_table"] != nil)

        let (_, text) = await Self.run(["plan", "--env", "dev", "--now", "2026-11-20", "--no-leftovers"], in: dir)
        #expect(text.stdout.contains("\nCost (Google Cloud Storage list prices (decant built-in), USD, as of 2025-01)\n"))
        #expect(text.stdout.contains("      cost: $0.0020/month now → $0.00039/month after the move (−80%)"))
        let (_, markdown) = await Self.run(["plan", "--env", "dev", "--now", "2026-11-20", "--format", "markdown", "--no-leftovers"], in: dir)
        #expect(markdown.stdout.contains("| `historization` | $0.0020 | $0.00039 (−80%) | $0.00039 | $0.0020 | month 2 |"))
        // The cost chart beside that table says the same, in the plan's currency.
        let charts = try MermaidParser.diagrams(inMarkdown: markdown.stdout)
        guard case .xychart(let cost)? = charts.last else { Issue.record("no cost chart"); return }
        let historization = try #require(cost.categories.firstIndex(of: "historization: now"))
        #expect(abs(cost.bars[historization] - 0.002) < 0.00005 && abs(cost.bars[historization + 1] - 0.00039) < 0.00005)
    }

    /// A company's own table and discount, named in the output; relative to --chdir.
    @Test func aPlansOwnTableAndDiscountAreUsedAndNamed() async throws {
        let dir = try await Self.repository(pricing: "pricing: { table: prices/ours.yaml, discount: 0.5 }")
        defer { dir.remove() }
        let (printed, builtIn) = await Self.run(["prices"], in: dir)
        #expect(printed == 0)
        try dir.write("prices/ours.yaml", builtIn.stdout.replacingOccurrences(of: "(decant built-in)", with: "(our contract)")
            .replacingOccurrences(of: "as_of: 2025-01", with: "as_of: 2026-10-01"))
        let console = CapturingConsole(workingDirectory: "/")
        let code = await DecantCLI.main(["--chdir", dir.path, "plan", "--env", "dev", "--now", "2026-11-20", "--format", "json", "--no-leftovers"],
                                        console: console)
        #expect(code == 0, "\(console.stderr)")
        let cost = try #require(try Self.json(console.stdout)["cost"] as? [String: Any])
        let table = try #require(cost["price_table"] as? [String: Any])
        #expect(table["name"] as? String == "Google Cloud Storage list prices (our contract)")
        #expect(table["origin"] as? String == "prices/ours.yaml")
        #expect(table["adjustments"] as? [String] == ["50% discount"])
        #expect(cost["prices_as_of"] as? String == "2026-10-01")
        #expect(cost["one_time"] as? Double == 100 * 0.01 / 1000)
        // A recent table: no reminder to check the prices.
        #expect((cost["notes"] as? [String])?.contains { $0.contains("months before this plan") } == false)
    }

    @Test func aBrokenTableStopsPlanAndValidate() async throws {
        let dir = try await Self.repository(pricing: "pricing: { table: prices.yaml }")
        defer { dir.remove() }
        try dir.write("prices.yaml", "decant_prices: 1\nname: x\ncurrency: USD\nas_of: 2026\nsource: s\nlocations: { EUROPE-WEST1: { at_rest_per_gib_month: { STANDARD: -1 } } }\n")
        let (code, console) = await Self.run(["validate"], in: dir)
        #expect(code == 1)
        #expect(console.stderr.contains("prices.yaml:6:65: error: `locations.EUROPE-WEST1.at_rest_per_gib_month.STANDARD` must not be negative, got -1"))
        let (planCode, plan) = await Self.run(["plan", "--env", "dev"], in: dir)
        #expect(planCode == 1)
        #expect(plan.stdout.isEmpty)
        #expect(plan.stderr.contains("error: the price table has 1 error(s); nothing was done"))
    }
}
