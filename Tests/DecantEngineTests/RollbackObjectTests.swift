import DecantCore
import DecantEngine
import DecantRender
import DecantState
import DecantStorage
import Foundation
import TestSupport
import Testing

/// Rollback of objects and buckets on `MemoryObjectStore` (which enforces every
/// precondition as GCS does) with a real state.
@Suite struct RollbackObjectTests {
    static let archive = "archive-bucket-dev"

    @Test func rollingBackACopyLeavesNothingDecantMade() async throws {
        let f = try await EngineFixture()
        defer { f.directory.remove() }
        try await f.fillHistorization()
        let before = try await f.contents(EngineFixture.source)
        #expect(try await f.apply(try await f.plan(EngineFixture.historizationPlan())).status == .succeeded)
        #expect(await f.names(Self.archive).count == 5)

        let plan = try await f.rollbackPlan(to: 0)
        let report = try #require(plan.rollback)
        #expect(report.removals.map(\.migration) == ["historization"])
        #expect(report.removals.first?.tally.objects == 5)
        #expect(report.restores.isEmpty && report.forgotten.isEmpty && report.refusals.isEmpty)
        #expect(report.bucketDeletions.map(\.name) == [Self.archive])
        #expect(report.runs.map(\.serial) == [1])
        #expect(plan.stateSerial == 1)
        // Batches of two; the bucket goes only after every copy in it.
        let removals = plan.graph.filter([.deleteCopy]).map(\.id)
        #expect(removals.map(\.rawValue) == ["delete_copy:historization:0001", "delete_copy:historization:0002", "delete_copy:historization:0003"])
        let deleteBucket = try #require(plan.graph.action(ActionID("delete_bucket", Self.archive)))
        #expect(Set(deleteBucket.dependsOn) == Set(removals))
        #expect(plan.graph.actions.last?.kind == .deleteBucket)
        let text = PlanTextRenderer().render(plan)
        #expect(text.contains("back to serial 0"))
        #expect(text.contains("gs://archive-bucket-dev/archives/firebase_tracking/events/2024-01-01.parquet  (copy of gs://data-bucket-dev/historization/tracking/events/2024-01-01.parquet)"))
        #expect(text.hasSuffix("Rollback: 5 copies to remove (\(ByteFormat.string(report.removals[0].tally.bytes))), 1 bucket to delete.\n"))
        // Planning wrote nothing.
        #expect(try await f.state.currentSerial == 1)
        #expect(await f.names(Self.archive).count == 5)

        let result = try await f.rollback(plan)
        #expect(result.status == .succeeded)
        #expect(result.serial == 2)
        #expect(try await f.store.getBucket(Self.archive) == nil)
        #expect(try await f.contents(EngineFixture.source) == before)
        #expect(try await f.state.rollbackScope(to: 0).isEmpty)
        let run = try #require(try await f.state.history().last)
        #expect(run.run.kind == .rollback && run.run.rollbackTo == 0 && run.run.status == .succeeded)
        #expect(run.ledger.copiesRemoved == 5 && run.ledger.bucketsDeleted == 1)

        // Done: nothing left, and the original plan would copy everything again.
        let again = try await f.rollbackPlan(to: 0)
        #expect(again.rollback?.isEmpty == true)
        #expect(!again.hasChanges)
        #expect(PlanTextRenderer().render(again).hasSuffix("Nothing to roll back: everything recorded after serial 0 is undone already.\n"))
        #expect(try await f.rollbackPlan(to: 2).rollback?.isEmpty == true)
        #expect(try await f.plan(EngineFixture.historizationPlan()).migrations.first?.copy.objects == 5)
    }

    @Test func batchesFollowEachMigrationsBatchSize() async throws {
        let f = try await EngineFixture()
        defer { f.directory.remove() }
        try await f.fillHistorization()
        _ = try await f.apply(try await f.plan(EngineFixture.historizationPlan()))
        let planner = RollbackPlanner(store: f.store, state: f.state, clock: f.clock)
        let sized = try await planner.plan(to: 0, environment: "dev", options: RollbackOptions(batchSize: 1, batchSizes: ["historization": 3]))
        #expect(sized.graph.filter([.deleteCopy]).map(\.objects.count) == [3, 2])
        let other = try await planner.plan(to: 0, environment: "dev", options: RollbackOptions(batchSize: 4, batchSizes: ["qpi": 1]))
        #expect(other.graph.filter([.deleteCopy]).map(\.objects.count) == [4, 1], "a migration not named gets the default")
    }

    @Test func deletedSourcesComeBackByteForByteBeforeTheirCopiesGo() async throws {
        let f = try await EngineFixture()
        defer { f.directory.remove() }
        try await f.fillHistorization()
        let before = try await f.contents(EngineFixture.source)
        var records: [String: ObjectRecord] = [:]
        for name in before.keys { records[name] = try await f.store.headObject(EngineFixture.source, name, generation: nil) }
        let plan = EngineFixture.historizationPlan(cleanup: CleanupPolicy(deleteSource: true, after: .days(0)))
        #expect(try await f.apply(try await f.plan(plan)).status == .succeeded)
        #expect(await f.names(EngineFixture.source).allSatisfy { !$0.hasPrefix("historization/") })

        let rollback = try await f.rollbackPlan(to: 0)
        let report = try #require(rollback.rollback)
        #expect(report.restores.map(\.bucket) == [EngineFixture.source])
        #expect(report.restores.first?.tally.objects == 5)
        #expect(report.removals.first?.tally.objects == 5)
        // Copies go only after the sources they hold are back.
        let restores = Set(rollback.graph.filter([.restoreObject]).map(\.id))
        #expect(restores.count == 3)
        for removal in rollback.graph.filter([.deleteCopy]) { #expect(Set(removal.dependsOn) == restores) }
        #expect(PlanTextRenderer().render(rollback).contains("Rollback: 5 objects to restore"))

        let result = try await f.rollback(rollback)
        #expect(result.status == .succeeded)
        #expect(try await f.contents(EngineFixture.source) == before)
        for (name, original) in records {
            let back = try #require(try await f.store.headObject(EngineFixture.source, name, generation: nil))
            #expect(back.hasSameContent(as: original))
        }
        #expect(try await f.store.getBucket(Self.archive) == nil)
        let name = "historization/tracking/events/2024-01-01.parquet"
        let generation = try #require(records[name]).generation
        let deletion = try #require(try await f.state.deletion(bucket: EngineFixture.source, name: name, generation: generation))
        #expect(deletion.restoredSerial == result.serial)
        #expect(deletion.restoredGeneration == (try await f.store.headObject(EngineFixture.source, name, generation: nil))?.generation)
        #expect(try await f.state.history().last?.ledger.sourcesRestored == 5)
        #expect(try await f.state.rollbackScope(to: 0).isEmpty)
    }

    @Test func lastUndoesTheNewestSerialThatStillHasRecords() async throws {
        var f = try await EngineFixture()
        defer { f.directory.remove() }
        try await f.fillHistorization()
        let plan = EngineFixture.historizationPlan(cleanup: CleanupPolicy(deleteSource: true, after: .days(14)))
        _ = try await f.apply(try await f.plan(plan))
        f.clock = FixedClock(parsing: "2026-12-05T12:00:00Z")!
        #expect(try await f.apply(try await f.plan(plan)).serial == 2)
        let planner = RollbackPlanner(store: f.store, state: f.state, clock: f.clock)
        #expect(try await planner.lastTarget() == 1)

        let toOne = try await f.rollbackPlan(to: 1)
        #expect(toOne.rollback?.restores.first?.tally.objects == 5)
        #expect(toOne.rollback?.removals.isEmpty == true)
        #expect(toOne.rollback?.bucketDeletions.isEmpty == true)
        #expect(try await f.rollback(toOne).status == .succeeded)
        #expect(await f.names(EngineFixture.source).filter { $0.hasPrefix("historization/") }.count == 5)
        #expect(await f.names(Self.archive).count == 5)
        #expect(try await f.state.verifiedCopies(sourceBucket: EngineFixture.source).all().count == 5)

        // Serial 3 (the rollback) and serial 2 (undone) have nothing left: next is serial 1.
        #expect(try await planner.lastTarget() == 0)
        #expect(try await f.rollback(try await f.rollbackPlan(to: 0)).status == .succeeded)
        #expect(try await planner.lastTarget() == nil)
        await #expect(throws: StateError.invalidRollbackTarget(serial: 9, current: 4)) { _ = try await f.rollbackPlan(to: 9) }
    }

    @Test func aTargetChangedSinceTheCopyIsLeftAloneAndKeepsItsBucket() async throws {
        let f = try await EngineFixture()
        defer { f.directory.remove() }
        try await f.fillHistorization()
        _ = try await f.apply(try await f.plan(EngineFixture.historizationPlan()))
        let changed = "archives/firebase_tracking/events/2024-01-01.parquet"
        try await f.put(changed, "someone else's bytes", bucket: Self.archive)

        let plan = try await f.rollbackPlan(to: 0)
        let report = try #require(plan.rollback)
        #expect(report.removals.first?.tally.objects == 4)
        let kept = try #require(report.refusals.first { $0.kind == .deleteCopy })
        #expect(kept.tally.objects == 1)
        #expect(kept.reason.sentence == "changed since decant copied it; left alone")
        #expect(kept.samples.first?.hasPrefix("gs://archive-bucket-dev/\(changed) is generation") == true)
        let bucket = try #require(report.refusals.first { $0.kind == .deleteBucket })
        #expect(bucket.samples == ["gs://archive-bucket-dev (created at serial 1): 1 object(s) would remain, e.g. \(changed)"])
        #expect(report.bucketDeletions.isEmpty)
        #expect(plan.graph.filter([.deleteBucket]).isEmpty)
        let text = PlanTextRenderer().render(plan)
        #expect(text.contains("Left alone"))
        #expect(text.contains("delete_copy: changed since decant copied it; left alone: 1 object"))
        #expect(text.contains("delete_bucket: not empty: a bucket is deleted only when empty: 1"))
        #expect(text.hasSuffix("2 items left alone (see above).\n"))

        let result = try await f.rollback(plan)
        #expect(result.status == .succeeded)
        #expect(try await f.contents(Self.archive) == [changed: Data("someone else's bytes".utf8)])
        #expect(try await f.state.createdBucket(named: Self.archive) != nil)
        #expect(try await f.state.rollbackScope(to: 0).copies == 1)
    }

    @Test func aTargetChangedAfterPlanningIsRefusedAtApplyAndTheBucketStays() async throws {
        let f = try await EngineFixture()
        defer { f.directory.remove() }
        try await f.fillHistorization()
        _ = try await f.apply(try await f.plan(EngineFixture.historizationPlan()))
        let plan = try await f.rollbackPlan(to: 0)
        #expect(plan.rollback?.refusals.isEmpty == true)
        let changed = "archives/firebase_events/native/2024-01-01.parquet"
        try await f.put(changed, "rewritten after the plan", bucket: Self.archive)

        let result = try await f.rollback(plan)
        #expect(result.status == .failed)
        let failed = try #require(result.failed.first)
        #expect(failed.kind == .deleteCopy)
        #expect(failed.errors.first?.contains("gs://archive-bucket-dev/\(changed) changed since decant copied it") == true)
        #expect(result.skipped.map(\.id) == [ActionID("delete_bucket", Self.archive)])
        #expect(try await f.contents(Self.archive) == [changed: Data("rewritten after the plan".utf8)])
        #expect(try await f.state.rollbackScope(to: 0).copies == 1)

        // Planned again, it is reported up front, and the rest finishes.
        let again = try await f.rollbackPlan(to: 0)
        #expect(again.rollback?.refusals.map(\.kind) == [.deleteCopy, .deleteBucket])
        #expect(!again.hasChanges)
    }

    @Test func anAdoptedObjectIsForgottenNeverDeleted() async throws {
        let f = try await EngineFixture()
        defer { f.directory.remove() }
        try await f.fillHistorization()
        let before = try await f.contents(EngineFixture.source)
        _ = try await f.store.createBucket(Self.archive, project: nil, settings: BucketSettings())
        let adopted = "archives/firebase_tracking/events/2024-01-01.parquet"
        try await f.put(adopted, "data of historization/tracking/events/2024-01-01.parquet", bucket: Self.archive)
        let plan = EngineFixture.historizationPlan(cleanup: CleanupPolicy(deleteSource: true, after: .days(0)))
        let changes = try await f.plan(plan)
        #expect(changes.migrations.first?.adopt.objects == 1)
        #expect(try await f.apply(changes).status == .succeeded)
        #expect(await f.names(EngineFixture.source).allSatisfy { !$0.hasPrefix("historization/") })

        let rollback = try await f.rollbackPlan(to: 0)
        let report = try #require(rollback.rollback)
        #expect(report.forgotten.first?.tally.objects == 1)
        #expect(report.forgotten.first?.samples.first?.target == "gs://archive-bucket-dev/\(adopted)")
        #expect(report.removals.first?.tally.objects == 4)
        #expect(report.restores.first?.tally.objects == 5)
        // decant did not create the bucket: it is not deleted.
        #expect(report.bucketDeletions.isEmpty && report.refusals.isEmpty)
        let forget = try #require(rollback.graph.action(ActionID("delete_copy", "historization", "forget-0001")))
        #expect(forget.objects.allSatisfy { $0.adopt })
        #expect(Set(forget.dependsOn) == Set(rollback.graph.filter([.restoreObject]).map(\.id)))
        #expect(PlanTextRenderer().render(rollback).contains("1 adopted record to forget"))

        #expect(try await f.rollback(rollback).status == .succeeded)
        #expect(try await f.contents(Self.archive) == [adopted: Data("data of historization/tracking/events/2024-01-01.parquet".utf8)])
        #expect(try await f.contents(EngineFixture.source) == before)
        let run = try #require(try await f.state.history().last)
        #expect(run.ledger.adoptedForgotten == 1 && run.ledger.copiesRemoved == 4 && run.ledger.sourcesRestored == 5)
        #expect(try await f.state.rollbackScope(to: 0).isEmpty)
    }

    @Test func aSourceNameTakenAgainIsNotOverwrittenAndItsCopyStays() async throws {
        let f = try await EngineFixture()
        defer { f.directory.remove() }
        try await f.fillHistorization()
        let plan = EngineFixture.historizationPlan(cleanup: CleanupPolicy(deleteSource: true, after: .days(0)))
        _ = try await f.apply(try await f.plan(plan))
        let taken = "historization/api_reco/ctx/2024-01-01.parquet"
        try await f.put(taken, "a newer export")
        let gone = "archives/applicative/users/20240101/part-0.parquet"
        try await f.store.deleteObject(Self.archive, gone, ifGenerationMatch: nil)

        let rollback = try await f.rollbackPlan(to: 0)
        let report = try #require(rollback.rollback)
        #expect(report.restores.first?.tally.objects == 3)
        let reasons = Dictionary(uniqueKeysWithValues: report.refusals.map { ($0.reason.sentence, $0) })
        #expect(reasons["the original name holds other content now; not overwritten"]?.samples.first?.hasPrefix("gs://data-bucket-dev/\(taken) holds generation") == true)
        #expect(reasons["the copy to restore from is gone or changed since decant verified it"]?.samples == [
            "gs://archive-bucket-dev/\(gone) is gone (to restore gs://data-bucket-dev/historization/applicative/users/20240101/part-0.parquet)",
        ])
        // The copy of the source that cannot come back stays, and so does its bucket.
        #expect(reasons["its deleted source cannot be restored, so the copy is kept"]?.tally.objects == 2)
        #expect(report.removals.first?.tally.objects == 3)
        #expect(report.bucketDeletions.isEmpty)

        #expect(try await f.rollback(rollback).status == .succeeded)
        #expect(try await f.store.download(EngineFixture.source, taken, generation: nil).0 == Data("a newer export".utf8))
        #expect(await f.names(Self.archive) == ["archives/api_reco/ctx/2024-01-01.parquet"])
        #expect(await f.names(EngineFixture.source).filter { $0.hasPrefix("historization/") }.count == 4)
        // What could not be undone stays in the scope, for a person.
        let scope = try await f.state.rollbackScope(to: 0)
        #expect(scope.deletions == 2 && scope.copies == 2 && scope.createdBuckets.count == 1)
    }
}
