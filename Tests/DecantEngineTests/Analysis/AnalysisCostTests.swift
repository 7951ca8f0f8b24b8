import DecantCore
import DecantEngine
import DecantPlanFile
import DecantRender
import DecantStorage
import Foundation
import TestSupport
import Testing

/// `decant analyze` ranks by money: within a tier, the folder whose move saves
/// most over its first year comes first, and each folder says what it saves.
@Suite struct AnalysisCostTests {
    static let now = AnalysisFixture.now
    static let pricing = Pricing(table: PriceTableReader.builtIn)

    static func bucket() async throws -> (TemporaryDirectory, LocalStore) {
        let dir = try TemporaryDirectory("decant-analyze-cost")
        let clock = AnalysisFixture.SettableClock()
        let filling = LocalStore(root: dir.path + "/store", options: LocalStore.Options(clock: clock))
        _ = try await filling.createBucket("data-bucket-dev", project: nil, settings: BucketSettings(location: "EUROPE-WEST1"))
        clock.set(now.instant.addingTimeInterval(-200 * 86_400))
        let mib = Data(repeating: 1, count: 1 << 20)
        // All cold: 8 MiB in two objects; 1 MiB in one; 50 objects of a few bytes (their copies cost more than they save).
        _ = try await filling.importObjects("data-bucket-dev", [(name: "big/a.parquet", data: mib + mib + mib + mib),
                                                                 (name: "big/b.parquet", data: mib + mib + mib + mib),
                                                                 (name: "small/a.parquet", data: mib)]
                                                + (0..<50).map { (name: "many/\($0).json", data: Data("{}".utf8)) })
        return (dir, LocalStore(root: dir.path + "/store", options: LocalStore.Options(clock: now)))
    }

    @Test func withinATierTheBiggestSavingComesFirst() async throws {
        let (dir, store) = try await Self.bucket()
        defer { dir.remove() }
        let analyzer = BucketAnalyzer(store: store, clock: Self.now)
        var options = AnalysisOptions(environment: "dev", bucket: "data-bucket-dev")
        let unpriced = try await analyzer.analyze(options)
        #expect(unpriced.folders.map(\.path) == ["big/", "many/", "small/"])     // no money: by path
        #expect(unpriced.folders.allSatisfy { $0.cost == nil })

        options.pricing = Self.pricing
        let analysis = try await analyzer.analyze(options)
        #expect(analysis.folders.allSatisfy { $0.tier == .coldIsolated })
        #expect(analysis.folders.map(\.path) == ["big/", "small/", "many/"])
        #expect(analysis.location == "EUROPE-WEST1")
        let big = try #require(analysis.folders.first?.cost)
        let gib = 8.0 / 1024
        #expect(abs((big.monthlyBefore ?? 0) - gib * 0.020) < 1e-12)
        #expect(abs((big.monthlyAfter12m ?? 0) - gib * 0.004) < 1e-12)         // COLDLINE at once
        #expect(abs((big.oneTime ?? 0) - 2 * 0.02 / 1000) < 1e-12)
        #expect(abs((big.netSaving12m ?? 0) - (12 * gib * 0.016 - 0.00004)) < 1e-9)
        #expect((analysis.folders.last?.cost?.netSaving12m ?? 0) < 0)

        // The report and the scaffold carry it.
        let markdown = AnalysisMarkdownRenderer().render(analysis)
        #expect(markdown.contains("1. **big/** - tier 1: cold and isolated, move it first (maximum cost savings, minimal risk) "
                                  + "(saves $0.00013/month at 12 months; first year, net of the move: +$0.0015)"))
        #expect(markdown.contains("- **Cost**: moved to COLDLINE (COLDLINE at once): $0.00016/month now → $0.000031/month after the move (−80%)"))
        let json = AnalysisJSONRenderer().render(analysis)
        #expect(json.contains("\"net_saving_12m\" : 0.00146"))
        let scaffold = PlanScaffold.write(analysis, settings: .init(environments: [.init(name: "dev", variables: [:])],
                                                                    storage: .local(root: "store"), state: .local(path: "state/${env}.db"), code: nil))
        #expect(scaffold.contains("""
          big:
            # $0.00016/month today, $0.000031/month here after 12 months; first year net of the move's one-time cost: saves $0.0015 (Google Cloud Storage list prices (decant built-in), as of 2025-01)
            location: EUROPE-WEST1
            storage_class: COLDLINE
        """))
        let dir2 = try TemporaryDirectory("decant-scaffold-cost")
        defer { dir2.remove() }
        try dir2.write("plans/plan.yaml", scaffold)
        let (environments, diagnostics) = PlanSet.read(directory: dir2.path + "/plans").validate(environment: nil)
        #expect(environments == ["dev"] && !diagnostics.hasErrors, "\(diagnostics)")
    }
}
