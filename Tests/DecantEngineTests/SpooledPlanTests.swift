import DecantCore
import DecantEngine
import DecantRender
import DecantState
import Foundation
import TestSupport
import Testing

/// A plan's object lists live in a spool, not in memory, and a saved plan carries
/// them as compact blocks (issue 19): what is reviewed is exactly what is applied.
@Suite struct SpooledPlanTests {
    static func twoMigrations(batchSize: Int = 4) -> Plan {
        var plan = EngineFixture.historizationPlan()
        plan.migrations[0].batchSize = batchSize
        plan.migrations.append(Migration(key: "ml", source: BucketPath(bucket: EngineFixture.source, prefix: "ml_temp/"),
                                         target: BucketPath(bucket: "archive-bucket-dev", prefix: "ml/"), batchSize: batchSize))
        return plan
    }

    static func fill(_ f: EngineFixture, count: Int) async throws {
        for i in 0..<count {
            try await f.put("historization/tracking/events/dt=2024-01-\(i % 28 + 10)/part-\(String(format: "%04d", i)).parquet", "event \(i)")
            try await f.put("ml_temp/models/v\(i).bin", "weights \(i)")
        }
    }

    @Test func theObjectActionsCarryBatchesOfTheSpoolInNameOrder() async throws {
        let f = try await EngineFixture()
        defer { f.directory.remove() }
        try await Self.fill(f, count: 10)
        let changes = try await f.plan(Self.twoMigrations())
        let copies = changes.graph.actions.filter { $0.kind == .copy && $0.migration == "historization" }
        #expect(copies.map(\.objectTally.objects) == [4, 4, 2])
        for action in copies {
            guard case .spooled = action.payload else { Issue.record("\(action.id) holds its objects in memory"); continue }
        }
        let names = try copies.flatMap { try $0.loadObjects() }.map(\.source.name)
        #expect(names == names.sorted() && names.count == 10)
        // Copy and verify of a batch read the same block.
        let verify = try #require(changes.graph.actions.first { $0.id == ActionID("verify", "historization", "0001") })
        #expect(verify.payload == copies[0].payload)
    }

    @Test func theTextPlanDoesNotGrowWithItsBatches() async throws {
        let f = try await EngineFixture()
        defer { f.directory.remove() }
        try await Self.fill(f, count: 300)
        var plan = Self.twoMigrations(batchSize: 1)
        plan.migrations[0].cleanup = CleanupPolicy(deleteSource: true, after: DurationSpec(seconds: 0))
        let changes = try await f.plan(plan)
        #expect(changes.graph.count > 1500)
        let lines = PlanTextRenderer().render(changes).split(separator: "\n", omittingEmptySubsequences: false).count
        #expect(lines <= 200, "\(lines) lines for \(changes.graph.count) actions")
    }

    @Test func aSavedPlanRoundTripsItsListsAndIsTheSameFileForTheSamePlan() async throws {
        let f = try await EngineFixture()
        defer { f.directory.remove() }
        try await Self.fill(f, count: 30)
        let plan = Self.twoMigrations()
        let changes = try await f.plan(plan)
        let first = try SavedPlan(plan: plan, changes: changes).encoded()
        // Planned again, the two migrations' lists interleave differently in the spool: the file does not change.
        for _ in 0..<3 {
            #expect(try SavedPlan(plan: plan, changes: try await f.plan(plan)).encoded() == first)
        }
        let read = try SavedPlan.decode(first, path: "saved")
        #expect(read.changes.graph.actions == changes.graph.actions)
        for (a, b) in zip(read.changes.graph.actions, changes.graph.actions) { #expect(try a.loadObjects() == b.loadObjects()) }
        // The object section holds each block once (copy and verify share theirs).
        let text = String(decoding: first, as: UTF8.self)
        let declared = try #require(text.split(separator: "\n").first { $0.hasPrefix("objects ") }.flatMap { Int($0.dropFirst(8)) })
        var seen: Set<ObjectBatch> = []
        for action in changes.graph.actions { if case .spooled(let b) = action.payload { seen.insert(b) } }
        #expect(declared == seen.reduce(0) { $0 + Int($1.length) })
        // And it applies: every object copied and verified.
        let result = try await f.apply(read.changes)
        #expect(result.status == .succeeded)
        #expect(await f.names("archive-bucket-dev").count == 60)
    }

    @Test func aDamagedOrTruncatedSavedPlanAppliesNothing() async throws {
        let f = try await EngineFixture()
        defer { f.directory.remove() }
        try await Self.fill(f, count: 12)
        let plan = Self.twoMigrations()
        let bytes = try SavedPlan(plan: plan, changes: try await f.plan(plan)).encoded()
        // One byte of an object block changed: refused when read, before any action runs.
        var damaged = bytes
        damaged[damaged.count - 5] ^= 0x40
        #expect(throws: EngineError.self) { try SavedPlan.decode(damaged, path: "damaged") }
        // Cut short anywhere in the object section or the header: refused.
        for cut in [bytes.count - 1, bytes.count / 2, 40, 5] {
            #expect(throws: EngineError.self) { try SavedPlan.decode(bytes.prefix(cut), path: "cut") }
        }
        // A folder the private copy cannot go to (read-only, gone): the system's temporary folder instead.
        var offset = 0
        let elsewhere = try SavedPlan.Reading(path: "ro", spoolDirectory: "/nonexistent-\(UUID().uuidString)") { buffer in
            let n = min(buffer.count, bytes.count - offset)
            bytes.copyBytes(to: buffer.bindMemory(to: UInt8.self), from: offset..<(offset + n))
            offset += n
            return n
        }.read().decode()
        #expect(elsewhere.changes.graph.actions.count > 0)
        // Bytes after the end: refused.
        #expect(throws: EngineError.notASavedPlan("long")) { try SavedPlan.decode(bytes + Data("x".utf8), path: "long") }
        #expect(await f.names("archive-bucket-dev").isEmpty)
    }

    @Test func aBlockedMigrationsListsAreNotInTheSavedPlan() async throws {
        let f = try await EngineFixture()
        defer { f.directory.remove() }
        try await Self.fill(f, count: 12)
        // A target object that differs from its source blocks ml (overwrite: never).
        _ = try await f.store.createBucket("archive-bucket-dev", project: nil,
                                           settings: BucketSettings(location: "EUROPE-WEST1", storageClass: .standard))
        try await f.put("ml/models/v3.bin", "other weights", bucket: "archive-bucket-dev")
        let plan = Self.twoMigrations()
        let changes = try await f.plan(plan)
        #expect(!changes.migrations[1].blockers.isEmpty)
        #expect(!changes.graph.actions.contains { $0.migration == "ml" })
        let saved = try SavedPlan(plan: plan, changes: changes).encoded()
        var alone = plan
        alone.migrations.removeLast()
        let without = try SavedPlan(plan: alone, changes: try await f.plan(alone)).encoded()
        let objects = { (data: Data) in String(decoding: data, as: UTF8.self).split(separator: "\n").first { $0.hasPrefix("objects ") } }
        #expect(objects(saved) == objects(without))
    }
}
