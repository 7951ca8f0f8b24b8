import DecantCore
import Foundation
import Testing

/// The cost arithmetic against cases computed by hand (prices: europe-west1's list
/// prices, a test table so that the built-in one can change without these moving).
@Suite struct CostModelTests {
    static let gib: Int64 = 1 << 30
    static let now = CalendarDay(year: 2026, month: 11, day: 20)!.startDate
    static let today = DayHistogram.day(now)

    static let classes = [
        ClassPrices(storageClass: .standard, atRestPerGiBMonth: 0.020, classAPer1000: 0.005, classBPer1000: 0.0004, retrievalPerGiB: 0, minimumDays: 0),
        ClassPrices(storageClass: .nearline, atRestPerGiBMonth: 0.010, classAPer1000: 0.01, classBPer1000: 0.001, retrievalPerGiB: 0.01, minimumDays: 30),
        ClassPrices(storageClass: .coldline, atRestPerGiBMonth: 0.004, classAPer1000: 0.02, classBPer1000: 0.01, retrievalPerGiB: 0.02, minimumDays: 90),
        ClassPrices(storageClass: .archive, atRestPerGiBMonth: 0.0012, classAPer1000: 0.05, classBPer1000: 0.05, retrievalPerGiB: 0.05, minimumDays: 365),
    ]
    static let pricing = Pricing(table: PriceTable(
        name: "test prices", currency: "USD", asOf: "2026-01-01", source: "hand-written",
        locations: ["EUROPE-WEST1", "EUROPE-WEST4", "US-CENTRAL1"].map { LocationPrices(location: $0, classes: classes) },
        network: [NetworkPrice(from: ["EUROPE-WEST1", "EUROPE-WEST4"], to: ["EUROPE-WEST1", "EUROPE-WEST4"], perGiB: 0.02)],
        origin: "test"))

    static func object(_ name: String, ageDays: Int, size: Int64 = gib, storageClass: StorageClass = .standard) -> ObjectRecord {
        ObjectRecord(name: name, size: size, generation: 1, timeCreated: now.addingTimeInterval(-Double(ageDays) * 86_400),
                     storageClass: storageClass)
    }

    static func context(from: String = "EUROPE-WEST1", to: String = "EUROPE-WEST1", copyClass: StorageClass = .standard,
                        preserveAge: Bool = false, baseRules: Int = 0, alternative: Bool = false, deletes: Bool = true) -> CostContext {
        CostContext(sourceBucket: "data-bucket-dev", targetBucket: "archive-bucket-dev", sourceLocation: from, targetLocation: to,
                    copyClass: copyClass, preserveAge: preserveAge, baseRules: baseRules, offersAgeAlternative: alternative,
                    deletesSources: deletes, today: today)
    }

    static func close(_ a: Double?, _ b: Double) -> Bool { a.map { abs($0 - b) < 1e-12 } ?? false }

    /// Three 1 GiB objects, 10, 45 and 200 days old, copied into a STANDARD bucket
    /// whose rules are NEARLINE at 30 days and COLDLINE at 90, with `preserve_age`.
    @Test func mixedAgesUnderNearlineAt30AndColdlineAt90() throws {
        let base = [LifecycleRule(action: .setStorageClass(.nearline), condition: .init(age: 30)),
                    LifecycleRule(action: .setStorageClass(.coldline), condition: .init(age: 90))]
        var tally = CostTally(rules: base + base.map(\.onCustomTime), minimumDays: [.nearline: 30, .coldline: 90, .archive: 365])
        for (i, age) in [10, 45, 200].enumerated() {
            let o = Self.object("h/\(i).parquet", ageDays: age)
            tally.copy(o, targetName: "a/\(i).parquet")
            tally.remove(o, on: Self.now)
        }
        let (cost, curve) = CostModel.cost(tally, Self.context(preserveAge: true, baseRules: 2, alternative: true), pricing: Self.pricing)
        #expect(curve != nil)
        #expect(Self.close(cost.monthlyBefore, 0.060))                    // 3 GiB × 0.020
        #expect(Self.close(cost.monthlyAfter, 0.034))                     // 10 d: STANDARD, 45 d: NEARLINE, 200 d: COLDLINE
        #expect(Self.close(cost.monthlyAfter1m, 0.024))                   // 40 d: N, 75 d: N, 230 d: C
        #expect(Self.close(cost.monthlyAfter3m, 0.012))                   // 100, 135, 290 d: all COLDLINE
        #expect(Self.close(cost.monthlyAfter12m, 0.012))
        #expect(Self.close(cost.oneTime, 0.000015))                       // 3 rewrites × 0.005 / 1,000
        #expect(cost.oneTimeParts.copies == 3)
        #expect(Self.close(cost.oneTimeParts.retrieval, 0) && Self.close(cost.oneTimeParts.earlyDeletion, 0) && Self.close(cost.oneTimeParts.network, 0))
        // Class changes: N (0.01) and C (0.02) for the 10 and 45 day old ones, C straight away for the 200 day old one.
        #expect(Self.close(cost.lifecycle12m, 0.00008))
        #expect(cost.breakEvenMonths == 1)
        // Without preserve_age every copy starts at 0 days: STANDARD, NEARLINE from day 30, COLDLINE from day 90.
        let other = try #require(cost.ageAlternative)
        #expect(!other.preserveAge)
        #expect(Self.close(other.monthlyAfter, 0.060))
        #expect(Self.close(other.monthlyAfter12m, 0.012))
        #expect(other.breakEvenMonths == 2)                               // nothing saved before day 30
        #expect(cost.warnings.isEmpty)
    }

    /// A 20-day-old NEARLINE object deleted today pays the 10 days left of its 30.
    @Test func earlyDeletionOfATwentyDayOldNearlineSource() throws {
        var tally = CostTally(minimumDays: [.nearline: 30, .coldline: 90, .archive: 365])
        let source = Self.object("exports/young.jsonl", ageDays: 20, storageClass: .nearline)
        tally.copy(source, targetName: "imports/young.jsonl")
        tally.remove(source, on: Self.now)
        let (cost, _) = CostModel.cost(tally, Self.context(), pricing: Self.pricing)
        let early = try #require(cost.earlyDeletion)
        #expect(Self.close(early.charge, 0.010 * 10 / 30))
        #expect(early.objects == 1 && early.bytes == Self.gib)
        #expect(early.freeFrom == CalendarDay(year: 2026, month: 11, day: 30))
        #expect(early.classes.map(\.youngestDays) == [20])
        #expect(early.samples.map(\.name) == ["exports/young.jsonl"])
        #expect(Self.close(cost.oneTimeParts.retrieval, 0.01))            // read out of NEARLINE
        #expect(Self.close(cost.oneTimeParts.classA, 0.000005))
        #expect(Self.close(cost.oneTime, 0.010 * 10 / 30 + 0.01 + 0.000005))
        #expect(cost.breakEvenMonths == nil)                              // STANDARD costs more than NEARLINE
        #expect(cost.warnings.contains { $0.contains("early-deletion") && $0.contains("2026-11-30") && $0.contains("exports/young.jsonl") })
        #expect(cost.warnings.contains { $0.contains("class NEARLINE → STANDARD") })

        // Deleted 15 days from now, it is 35 days old: nothing to pay.
        var later = CostTally(minimumDays: [.nearline: 30])
        later.copy(source, targetName: "imports/young.jsonl")
        later.remove(source, on: Self.now.addingTimeInterval(15 * 86_400))
        let (laterCost, _) = CostModel.cost(later, Self.context(), pricing: Self.pricing)
        #expect(laterCost.earlyDeletion == nil)
        #expect(Self.close(laterCost.oneTimeParts.earlyDeletion, 0))
    }

    /// A source dated after the plan's clock (a clock ahead, `--now` in the past)
    /// counts as new: at most the whole minimum duration, never more.
    @Test func aSourceFromTheFutureCountsAsNew() throws {
        var tally = CostTally(minimumDays: [.nearline: 30])
        let source = Self.object("future", ageDays: -10, storageClass: .nearline)
        tally.copy(source, targetName: "future")
        tally.remove(source, on: Self.now)
        let (cost, _) = CostModel.cost(tally, Self.context(), pricing: Self.pricing)
        #expect(Self.close(cost.earlyDeletion?.charge, 0.010))
        #expect(cost.earlyDeletion?.samples.first?.ageDays == 0)
    }

    /// 10 GiB copied from europe-west1 to europe-west4: $0.02 per GiB of network.
    @Test func aCrossLocationCopy() throws {
        var tally = CostTally()
        for i in 0..<1024 {
            let o = Self.object("x/\(i)", ageDays: 400, size: 10 << 20)
            tally.copy(o, targetName: "y/\(i)")
            tally.remove(o, on: Self.now)
        }
        let (cost, curve) = CostModel.cost(tally, Self.context(to: "europe-west4"), pricing: Self.pricing)
        #expect(curve != nil)
        #expect(Self.close(cost.oneTimeParts.network, 0.2))
        #expect(cost.oneTimeParts.networkBytes == 10 * Self.gib)
        #expect(Self.close(cost.oneTimeParts.classA, 1024 * 0.005 / 1000))
        #expect(Self.close(cost.oneTime, 0.2 + 0.00512))
        #expect(Self.close(cost.monthlyBefore, 0.2) && Self.close(cost.monthlyAfter, 0.2))
        #expect(cost.breakEvenMonths == nil)                              // same price there: it never pays back
        #expect(cost.warnings.contains { $0.contains("location EUROPE-WEST1 → EUROPE-WEST4") && $0.contains("network") })

        // No rate for the pair: the one-time cost is unknown and says why, the monthly figures stay.
        let (far, farCurve) = CostModel.cost(tally, Self.context(to: "US-CENTRAL1"), pricing: Self.pricing)
        #expect(farCurve == nil)
        #expect(far.oneTime == nil && far.oneTimeParts.network == nil && far.breakEvenMonths == nil)
        #expect(Self.close(far.monthlyBefore, 0.2))
        #expect(far.notes.contains("no network price from EUROPE-WEST1 to US-CENTRAL1 in the table"))
    }

    /// GCS ignores the class asked for on rewrite into an Autoclass bucket.
    @Test func anAutoclassTargetIsCostedInStandardWithItsFee() throws {
        var table = Self.pricing.table
        table.autoclassFeePer1000Objects = 0.0025
        var tally = CostTally(rules: [LifecycleRule(action: .setStorageClass(.coldline), condition: .init(age: 0))])
        for i in 0..<1000 { tally.copy(Self.object("o\(i)", ageDays: 400, size: 1 << 20), targetName: "o\(i)") }
        var context = Self.context(deletes: false)
        context.targetAutoclass = true
        context.requestedClass = .coldline
        let (cost, _) = CostModel.cost(tally, context, pricing: Pricing(table: table))
        let gib = 1000.0 / 1024
        // Still STANDARD (the SetStorageClass rule cannot apply), plus 1,000 objects × 0.0025 / 1,000 a month; sources stay.
        #expect(Self.close(cost.monthlyAfter12m, gib * 0.020 + 0.0025 + gib * 0.020))
        #expect(Self.close(cost.oneTimeParts.classA, 1000 * 0.005 / 1000))
        let warning = try #require(cost.warnings.first { $0.contains("Autoclass") })
        #expect(warning.contains("`storage_class: COLDLINE` has no effect") && warning.contains("land in STANDARD"))
    }

    @Test func aLocationWithoutPricesIsNamedNotGuessed() {
        var tally = CostTally()
        tally.copy(Self.object("a", ageDays: 5), targetName: "b")
        let (cost, curve) = CostModel.cost(tally, Self.context(from: "EU", to: "EU"), pricing: Self.pricing)
        #expect(curve == nil)
        #expect(cost.monthlyBefore == nil && cost.monthlyAfter == nil && cost.oneTime == nil && cost.breakEvenMonths == nil)
        #expect(cost.notes.first == "no prices for EU in the table")
        #expect(!cost.isComplete)
    }

    @Test func withoutCleanupTheSourcesStayBilled() {
        var tally = CostTally()
        tally.copy(Self.object("a", ageDays: 400), targetName: "b")
        let (cost, _) = CostModel.cost(tally, Self.context(copyClass: .coldline, deletes: false), pricing: Self.pricing)
        #expect(Self.close(cost.monthlyBefore, 0.020))
        #expect(Self.close(cost.monthlyAfter, 0.024))                     // the source and its COLDLINE copy
        #expect(cost.breakEvenMonths == nil)
        #expect(cost.notes.contains { $0.contains("the sources stay") })
    }

    @Test func sourcesHeldForAValidationPeriodCostUntilTheyGo() {
        var tally = CostTally()
        let o = Self.object("a", ageDays: 400)
        tally.copy(o, targetName: "b")
        tally.remove(o, on: Self.now.addingTimeInterval(14 * 86_400))
        let (cost, curve) = CostModel.cost(tally, Self.context(copyClass: .coldline), pricing: Self.pricing)
        #expect(Self.close(cost.monthlyAfter, 0.004))                     // once the source is gone
        #expect(Self.close(curve?.rates[13], 0.024) && Self.close(curve?.rates[14], 0.004))
        // 14 days of both cost 0.004 × 14/30 more, plus 0.00002 of Class A; then 0.016 a month is saved.
        #expect(cost.breakEvenMonths == 1)
    }

    @Test func discountAndClassOverrides() throws {
        let p = Pricing(table: Self.pricing.table, discount: 0.15, overrides: [ClassPriceOverride(storageClass: .coldline, atRestPerGiBMonth: 0.0035)])
        let standard = try #require(p.prices("europe-west1", .standard))
        #expect(Self.close(standard.atRestPerGiBMonth, 0.017) && Self.close(standard.classAPer1000, 0.00425))
        let coldline = try #require(p.prices("EUROPE-WEST1", .coldline))
        #expect(coldline.atRestPerGiBMonth == 0.0035)                     // an override is a price, not discounted
        #expect(Self.close(coldline.classAPer1000, 0.017))
        #expect(Self.close(p.networkPerGiB(from: "EUROPE-WEST1", to: "europe-west4"), 0.017))
        #expect(p.networkPerGiB(from: "EUROPE-WEST1", to: "EUROPE-WEST1") == 0)
        #expect(p.prices("EUROPE-WEST1", .regional)?.storageClass == .standard)
        #expect(p.prices("EUROPE-WEST1", .durableReducedAvailability) == nil)
        #expect(p.summary.adjustments == ["15% discount", "COLDLINE at rest 0.0035/GiB-month (plan files)"])
    }

    @Test func lifecycleProjectionFollowsGCSRules() {
        let rules = [
            LifecycleRule(action: .setStorageClass(.nearline), condition: .init(age: 30)),
            LifecycleRule(action: .setStorageClass(.archive), condition: .init(age: 30, matchesStorageClass: [.nearline])),
            LifecycleRule(action: .delete, condition: .init(age: 400)),
            LifecycleRule(action: .setStorageClass(.coldline), condition: .init(age: 10, matchesPrefix: ["tmp/"])),
            LifecycleRule(action: .delete, condition: .init(daysSinceNoncurrentTime: 1)),
            LifecycleRule(action: .setStorageClass(.coldline), condition: .init(createdBefore: CalendarDay("2026-01-01"))),
        ]
        let today = Self.today
        // A new object: NEARLINE at 30 days, then ARCHIVE (the rule on NEARLINE) the same day, deleted at 400.
        let p = LifecycleProjection(rules: rules, storageClass: .standard, createdDay: today, customDay: nil, today: today)
        #expect(p.steps == [.init(0, .standard), .init(30, .nearline), .init(30, .archive)])
        #expect(p.deletedOn == 400)
        #expect(p.storageClass(on: 29) == .standard && p.storageClass(on: 30) == .archive && p.storageClass(on: 400) == nil)
        // Its name matches `tmp/` (bit 3): COLDLINE at 10 days; NEARLINE is not colder; the Delete still comes.
        let named = LifecycleProjection(rules: rules, storageClass: .standard, createdDay: today, customDay: nil, today: today, mask: 1 << 3)
        #expect(named.steps == [.init(0, .standard), .init(10, .coldline)])
        // Created before 2026: COLDLINE at once.
        let old = LifecycleProjection(rules: rules, storageClass: .standard, createdDay: today - 400, customDay: nil, today: today)
        #expect(old.deletedOn == 0)
        // Autoclass takes no SetStorageClass rule; the Delete still acts.
        let auto = LifecycleProjection(rules: rules, storageClass: .standard, createdDay: today, customDay: nil, today: today, classChanges: false)
        #expect(auto.steps == [.init(0, .standard)] && auto.deletedOn == 400)
    }

    @Test func histogramsKeepEveryObjectInBoundedBins() {
        var h = DayHistogram()
        for i in 0..<10_000 { h.add(storageClass: i % 2 == 0 ? .standard : nil, day: i % 3 == 0 ? nil : 20_000 + i % 7, secondDay: -5, size: 200_000) }
        h.add(storageClass: .archive, day: -40_000, secondDay: nil, mask: 0xFFFF_FFFF, size: 1)
        let entries = h.entries
        #expect(entries.count <= 2 * 8 + 1)
        #expect(h.total == DayHistogram.Bin(objects: 10_001, bytes: 2_000_000_001, large: 10_000))
        #expect(entries.reduce(0) { $0 + $1.bin.objects } == 10_001)
        #expect(entries.contains { $0.key == DayHistogram.Key(storageClass: .archive, day: -40_000, secondDay: nil, mask: 0xFFFF_FFFF) })
        #expect(entries.contains { $0.key.storageClass == nil && $0.key.day == nil && $0.key.secondDay == -5 })
        var merged = DayHistogram()
        merged.merge(h)
        #expect(merged.entries.map(\.bin) == entries.map(\.bin))
    }

    @Test func breakEvenEdges() {
        let nothing = CostModel.cost(CostTally(), Self.context(), pricing: Self.pricing).cost
        #expect(nothing.breakEvenMonths == 0 && Self.close(nothing.oneTime, 0))
        #expect(Money.string(1234.5, "USD") == "$1,234.50")
        #expect(Money.string(0.0000019, "USD") == "$0.0000019")
        #expect(Money.string(0, "EUR") == "€0")
        #expect(Money.rate(0.0025, "USD") == "$0.0025")
    }
}
