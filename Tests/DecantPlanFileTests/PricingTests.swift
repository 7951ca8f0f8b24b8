import DecantCore
@testable import DecantPlanFile
import Foundation
import TestSupport
import Testing

/// The price table format, the built-in table, and the plan files' `pricing:`.
@Suite struct PricingTests {
    static func read(_ text: String) -> (PriceTable?, [Diagnostic]) {
        PriceTableReader.read(Array(text.utf8), file: "prices.yaml", origin: "prices.yaml")
    }

    @Test func theBuiltInTableReadsCleanAndSaysWhereEachFigureComesFrom() throws {
        let (table, diagnostics) = Self.read(BuiltInPriceTable.text)
        #expect(diagnostics.isEmpty, "\(diagnostics)")
        let t = try #require(table)
        #expect(t == PriceTableReader.builtIn.with(origin: "prices.yaml"))
        #expect(t.currency == "USD" && t.asOf == "2025-01")
        #expect(t.source.contains("could be verified online"))
        // The figures the issue and GCS.md give for europe-west1.
        let pricing = Pricing(table: t)
        let expected: [(StorageClass, Double, Double, Int)] = [(.standard, 0.020, 0, 0), (.nearline, 0.010, 0.01, 30),
                                                               (.coldline, 0.004, 0.02, 90), (.archive, 0.0012, 0.05, 365)]
        for (c, atRest, retrieval, minimum) in expected {
            let p = try #require(pricing.prices("europe-west1", c))
            #expect(p.atRestPerGiBMonth == atRest && p.retrievalPerGiB == retrieval && p.minimumDays == minimum)
        }
        #expect(pricing.prices("EUROPE-WEST1", .standard)?.classAPer1000 == 0.005)
        #expect(pricing.prices("EUROPE-WEST1", .standard)?.classBPer1000 == 0.0004)
        // Multi-regions could not be supported: left out, not guessed.
        #expect(t.location("EU") == nil && t.location("US") == nil)
        // Every location and rate names at least one source the table describes.
        for l in t.locations { #expect(!l.source.isEmpty && l.source.allSatisfy { t.sources[$0] != nil }, "\(l.location)") }
        for n in t.network { #expect(!n.source.isEmpty && n.source.allSatisfy { t.sources[$0] != nil }) }
        #expect(t.sources.values.allSatisfy { $0.contains("not verified online") || $0.contains("GCS.md") })
    }

    @Test func everyMistakeInATableIsReportedAtItsPlace() {
        let text = """
        decant_prices: 1
        name: Negotiated
        currency: usd
        as_of: 2025-13
        source: contract
        sources: { contract: "our contract, 2025" }
        classes:
          STANDARD: { class_a_per_1000: 0.005, class_b_per_1000: 0.0004, retrieval_per_gib: 0, minimum_days: 0, source: [contrat] }
          COLDLINE: { class_a_per_1000: -1, class_b_per_1000: 0.01, retrieval_per_gib: 0.02, minimum_days: 90 }
        locations:
          europe-west1:
            at_rest_per_gib_month: { STANDARD: "0.02", NEARLINE: 0.01, COLDLNE: 0.004 }
          EUROPE-WEST1:
            at_rest_per_gib_month: { STANDARD: 0.02 }
        network:
          - { between: [A, B], from: [A], per_gib: 0.01 }
        extra: 1
        """
        let (table, diagnostics) = Self.read(text)
        #expect(table == nil)
        let lines = diagnostics.map { "\($0.position) \($0.message)" }
        let expected = [
            "3:11 `currency`: `usd` is not an ISO 4217 code",
            "4:8 `as_of`: `2025-13` is not a date",
            "8:114 `classes.STANDARD.source`: `contrat` is not one of the table's `sources`",
            "9:33 `classes.COLDLINE.class_a_per_1000` must not be negative, got -1",
            "12:40 `locations.EUROPE-WEST1.at_rest_per_gib_month.STANDARD` must be a number, got a quoted string",
            "12:48 `locations.EUROPE-WEST1`: NEARLINE has no Class A, Class B, retrieval price or minimum duration",
            "12:64 `locations.EUROPE-WEST1.at_rest_per_gib_month`: `COLDLNE` is not a storage class",
            "13:3 location `EUROPE-WEST1` is given twice (first at prices.yaml:11:3)",
            "16:5 `network[0]`: give `between` or `from` and `to`, not both",
            "17:1 unknown key `extra` in `price table`",
        ]
        #expect(lines.sorted() == expected.sorted(), "\(lines)")
    }

    @Test func thePlansPricingKey() throws {
        let (plan, diagnostics) = PlanText.load(PlanText.header + """
        pricing:
          table: "prices/${env}.yaml"
          discount: 0.15
          classes:
            coldline: { at_rest_per_gib_month: 0.0035, class_a_per_1000: 0.01 }
        """)
        #expect(diagnostics.isEmpty, "\(diagnostics)")
        let pricing = try #require(plan?.pricing)
        #expect(pricing.table == "prices/dev.yaml")
        #expect(pricing.discount == 0.15)
        #expect(pricing.overrides == [ClassPriceOverride(storageClass: .coldline, atRestPerGiBMonth: 0.0035, classAPer1000: 0.01)])
        #expect(PlanText.load(PlanText.header).plan?.pricing == nil)

        let mistakes = PlanText.errors(PlanText.header + """
        pricing:
          discount: 15%
          classes:
            COLDLINE: {}
            GLACIER: { at_rest_per_gib_month: 0.001 }
          tabel: x.yaml
        """)
        let lines = mistakes.map { "\($0.position) \($0.message)" }
        #expect(lines.contains("7:13 `pricing.discount` is a fraction, not a percentage"))
        #expect(mistakes.first { $0.message.contains("percentage") }?.hint == "write `0.15`")
        #expect(lines.contains("9:5 `pricing.classes.COLDLINE` overrides no price"))
        #expect(lines.contains("10:5 `pricing.classes`: `GLACIER` is not a storage class"))
        #expect(lines.contains("11:3 unknown key `tabel` in `pricing`"))
        #expect(PlanText.errors(PlanText.header + "pricing: { discount: 1 }").map(\.message) == ["`pricing.discount` must be below 1.0, got 1"])
        #expect(PlanText.errors(PlanText.header + "pricing: { classes: { ARCHIVE: { at_rest_per_gib_month: 1e300 } } }").map(\.message)
            == ["`pricing.classes.ARCHIVE.at_rest_per_gib_month` must be at most 1000000, got 1e300"])
    }

    @Test func aPlansTableIsReadFromDiskAndAdjusted() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let own = BuiltInPriceTable.text.replacingOccurrences(of: "name: Google Cloud Storage list prices (decant built-in)", with: "name: Our contract")
            .replacingOccurrences(of: "currency: USD", with: "currency: EUR")
        let path = try dir.write("prices.yaml", own)
        let config = PricingConfig(table: "prices.yaml", discount: 0.5)
        let (pricing, diagnostics) = PricingLoader.pricing(config, resolve: { dir.path + "/" + $0 })
        #expect(diagnostics.isEmpty)
        #expect(pricing?.table.name == "Our contract" && pricing?.table.currency == "EUR" && pricing?.table.origin == "prices.yaml")
        #expect(pricing?.prices("EUROPE-WEST1", .standard)?.atRestPerGiBMonth == 0.01)
        #expect(path.lastPathComponent == "prices.yaml")

        let (missing, missingDiagnostics) = PricingLoader.pricing(PricingConfig(table: "nope.yaml"), resolve: { dir.path + "/" + $0 })
        #expect(missing == nil)
        #expect(missingDiagnostics.map(\.message) == ["the price table nope.yaml does not exist"])

        try dir.write("broken.yaml", "decant_prices: 2\n")
        let (broken, brokenDiagnostics) = PricingLoader.pricing(PricingConfig(table: "broken.yaml"), resolve: { dir.path + "/" + $0 })
        #expect(broken == nil)
        #expect(brokenDiagnostics.errors.contains { $0.message.contains("unsupported price table format `2`") })
        #expect(brokenDiagnostics.errors.allSatisfy { $0.location?.file.hasSuffix("broken.yaml") == true })

        // Not a file to read: an empty one, a directory, a device.
        try dir.write("empty.yaml", "")
        #expect(PricingLoader.pricing(PricingConfig(table: "empty.yaml"), resolve: { dir.path + "/" + $0 }).diagnostics.map(\.message)
            == ["the price table is empty"])
        #expect(PricingLoader.pricing(PricingConfig(table: "."), resolve: { dir.path + "/" + $0 }).diagnostics.map(\.message)
            == ["the price table . is not a regular file"])
        #expect(PricingLoader.pricing(PricingConfig(table: "/dev/zero")).diagnostics.map(\.message)
            == ["the price table /dev/zero is not a regular file"])

        // No `pricing:` at all: the built-in table, as it is.
        #expect(PricingLoader.pricing(nil).pricing == Pricing(table: PriceTableReader.builtIn))
    }
}

extension PriceTable {
    func with(origin: String) -> PriceTable {
        var t = self
        t.origin = origin
        return t
    }
}
