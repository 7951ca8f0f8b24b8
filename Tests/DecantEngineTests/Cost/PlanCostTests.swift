import DecantCore
import DecantEngine
import DecantPlanFile
import DecantRender
import DecantState
import DecantStorage
import Foundation
import TestSupport
import Testing

/// Costs as the planner gathers them from the diff: per migration and in total,
/// before and after an apply, with the built-in list prices.
@Suite struct PlanCostTests {
    static let mib = 1 << 20
    static let source = "data-bucket-dev"
    static let pricing = Pricing(table: PriceTableReader.builtIn)

    struct World {
        let store: MemoryObjectStore
        let state: StateStore
        let directory: TemporaryDirectory
        let now = FixedClock(parsing: "2026-11-20")!

        /// The source bucket in europe-west1, its objects written 400 days before `now`.
        init(objects: [String: Int]) async throws {
            directory = try TemporaryDirectory("decant-cost")
            let written = FixedClock(now.now().addingTimeInterval(-400 * 86_400))
            store = MemoryObjectStore(clock: written)
            _ = try await store.createBucket(PlanCostTests.source, project: nil,
                                             settings: BucketSettings(location: "EUROPE-WEST1", storageClass: .standard))
            for (name, size) in objects.sorted(by: { $0.key < $1.key }) {
                _ = try await store.upload(PlanCostTests.source, name, data: Data(repeating: 7, count: size), ifGenerationMatch: nil,
                                           contentType: nil, metadata: nil)
            }
            state = try StateStore.open(path: directory.path + "/dev.db", clock: now)
        }

        func plan(_ plan: Plan, pricing: Pricing? = PlanCostTests.pricing) async throws -> PlannedChanges {
            try await Planner(store: store, state: state, clock: now).plan(plan, options: PlanOptions(computeLeftovers: false, pricing: pricing))
        }
    }

    static func plan(extra: [Migration] = [], extraBuckets: [BucketSpec] = []) -> Plan {
        let archive = BucketSpec(key: "archive", name: "archive-bucket-dev", settings: BucketSettings(location: "EUROPE-WEST1", storageClass: .coldline))
        let history = Migration(key: "historization", source: BucketPath(bucket: source, prefix: "historization/"),
                                target: BucketPath(bucket: "archive-bucket-dev", prefix: "archives/"), targetBucketKey: "archive",
                                cleanup: CleanupPolicy(deleteSource: true, after: .days(14)))
        return Plan(environment: "dev", storage: .local(root: "unused"), state: .local(path: "unused"), buckets: [archive] + extraBuckets,
                    migrations: [history] + extra, inputDigest: "d")
    }

    static func close(_ a: Double?, _ b: Double) -> Bool { a.map { abs($0 - b) < 1e-12 } ?? false }

    @Test func eachMigrationAndThePlanCarryTheirCost() async throws {
        let w = try await World(objects: ["historization/a.parquet": 4 * Self.mib, "historization/b.parquet": 4 * Self.mib,
                                          "misc/c.bin": Self.mib])
        defer { w.directory.remove() }
        let elsewhere = BucketSpec(key: "elsewhere", name: "elsewhere-bucket-dev", settings: BucketSettings(location: "EU"))
        let misc = Migration(key: "misc", source: BucketPath(bucket: Self.source, prefix: "misc/"),
                             target: BucketPath(bucket: "elsewhere-bucket-dev", prefix: ""), targetBucketKey: "elsewhere")
        let changes = try await w.plan(Self.plan(extra: [misc], extraBuckets: [elsewhere]))
        let history = try #require(changes.migrations.first { $0.key == "historization" }?.cost)
        let gib = 8.0 / 1024
        #expect(Self.close(history.monthlyBefore, gib * 0.020))
        #expect(Self.close(history.monthlyAfter, gib * 0.004))
        // The sources stay 14 days (the validation period), then go.
        #expect(Self.close(history.monthlyAfter1m, gib * 0.004))
        #expect(Self.close(history.oneTime, 2 * 0.02 / 1000))
        #expect(history.oneTimeParts.copies == 2)
        #expect(history.warnings.contains { $0.contains("class STANDARD → COLDLINE") })

        let other = try #require(changes.migrations.first { $0.key == "misc" }?.cost)
        #expect(other.monthlyBefore == nil)
        #expect(other.notes.contains("no prices for EU in the table"))

        let total = try #require(changes.cost)
        #expect(total.total.monthlyBefore == history.monthlyBefore && total.total.oneTime == history.oneTime)
        #expect(total.total.breakEvenMonths == history.breakEvenMonths)
        #expect(total.notes.contains { $0.hasPrefix("misc is not in the total: not costed (no prices for EU") })
        #expect(total.prices.table == "Google Cloud Storage list prices (decant built-in)")

        // Every format says it, the JSON in numbers.
        let text = PlanTextRenderer().render(changes)
        #expect(text.contains("\nCost (Google Cloud Storage list prices (decant built-in), USD, as of 2025-01)\n"))
        #expect(PlanMarkdownRenderer().render(changes).contains("#### Cost"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(PlanJSONRenderer().render(changes).utf8)) as? [String: Any])
        let planCost = try #require(json["cost"] as? [String: Any])
        #expect(planCost["monthly_before"] is NSNumber && planCost["one_time"] is NSNumber && planCost["prices_as_of"] as? String == "2025-01")
        let migrations = try #require(json["migrations"] as? [[String: Any]])
        let miscJSON = try #require(migrations.first { $0["key"] as? String == "misc" }?["cost"] as? [String: Any])
        #expect(miscJSON["monthly_before"] is NSNull && miscJSON["break_even_months"] is NSNull)

        // Without prices, no cost at all.
        #expect(try await w.plan(Self.plan(), pricing: nil).cost == nil)
    }

    @Test func afterTheCopiesOnlyWhatIsLeftToDoCostsOnce() async throws {
        let w = try await World(objects: ["historization/a.parquet": Self.mib, "historization/b.parquet": Self.mib])
        defer { w.directory.remove() }
        let plan = Self.plan()
        let first = try await w.plan(plan)
        let result = try await Applier(store: w.store, state: w.state, clock: w.now).apply(first, options: ApplyOptions(parallelism: 4))
        #expect(result.status == .succeeded)

        // In sync: the same move (sources in STANDARD, copies in COLDLINE), nothing left to pay.
        let second = try await w.plan(plan)
        let before = try #require(first.migrations.first?.cost), after = try #require(second.migrations.first?.cost)
        #expect(after.monthlyBefore == before.monthlyBefore && after.monthlyAfter == before.monthlyAfter)
        #expect(Self.close(after.oneTime, 0) && after.oneTimeParts.copies == 0)
        // Both copies are billed until cleanup deletes the sources, 14 days after their verification.
        #expect(after.breakEvenMonths == 1)
        #expect(try #require(after.monthlyAfter1m) < before.monthlyBefore ?? 0)
    }

    @Test func aBlockedMigrationIsCostedButNotInTheTotal() async throws {
        let w = try await World(objects: ["historization/a.parquet": Self.mib])
        defer { w.directory.remove() }
        _ = try await w.store.createBucket("archive-bucket-dev", project: nil, settings: BucketSettings(location: "EUROPE-WEST1", storageClass: .coldline))
        _ = try await w.store.upload("archive-bucket-dev", "archives/a.parquet", data: Data("other".utf8), ifGenerationMatch: nil,
                                     contentType: nil, metadata: nil)
        let changes = try await w.plan(Self.plan())
        #expect(changes.migrations.first?.blockers.isEmpty == false)
        #expect(changes.migrations.first?.cost?.monthlyBefore != nil)
        #expect(changes.cost?.notes.contains("historization is not in the total: it is blocked") == true)
        #expect(changes.cost?.total.monthlyBefore == 0)
    }

    @Test func earlyDeletionIsCountedOnTheDayCleanupDeletes() async throws {
        // NEARLINE sources 20 days old, deleted at once after the copy: 10 days of NEARLINE are billed.
        let w = try await World(objects: [:])
        defer { w.directory.remove() }
        let young = FixedClock(w.now.now().addingTimeInterval(-20 * 86_400))
        let store = MemoryObjectStore(clock: young)
        _ = try await store.createBucket(Self.source, project: nil, settings: BucketSettings(location: "EUROPE-WEST1", storageClass: .nearline))
        _ = try await store.upload(Self.source, "historization/young.parquet", data: Data(repeating: 1, count: Self.mib),
                                   ifGenerationMatch: nil, contentType: nil, metadata: nil)
        var plan = Self.plan()
        plan.migrations[0].cleanup = CleanupPolicy(deleteSource: true, after: .days(0))
        let changes = try await Planner(store: store, state: w.state, clock: w.now)
            .plan(plan, options: PlanOptions(computeLeftovers: false, pricing: Self.pricing))
        let cost = try #require(changes.migrations.first?.cost)
        let early = try #require(cost.earlyDeletion)
        #expect(Self.close(early.charge, 1.0 / 1024 * 0.010 * 10 / 30))
        #expect(early.freeFrom == CalendarDay("2026-11-30"))
        #expect(early.samples.map(\.name) == ["historization/young.parquet"])
        #expect(cost.warnings.first?.contains("deletions on or after 2026-11-30 cost nothing") == true)
        #expect(Self.close(cost.oneTimeParts.retrieval, 1.0 / 1024 * 0.01))
    }
}
