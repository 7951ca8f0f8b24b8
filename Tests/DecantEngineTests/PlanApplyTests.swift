import DecantCore
import DecantEngine
import DecantState
import DecantStorage
import Foundation
import TestSupport
import Testing

@Suite struct PlanApplyTests {
    @Test func planCreatesAndCopiesThenApplyConvergesToNoChanges() async throws {
        let f = try await EngineFixture()
        defer { f.directory.remove() }
        try await f.fillHistorization()
        let plan = EngineFixture.historizationPlan()

        let first = try await f.plan(plan)
        #expect(!first.hasErrors)
        #expect(first.buckets.map(\.status) == [.create])
        let m = try #require(first.migrations.first)
        #expect(m.copy.objects == 5)
        #expect(m.samples.contains(ObjectMapping(source: "historization/tracking/events/2024-01-01.parquet",
                                                 target: "archives/firebase_tracking/events/2024-01-01.parquet", size: 56)))
        #expect(first.graph.actions.map(\.id.rawValue) == [
            "create_bucket:archive-bucket-dev",
            "copy:historization:0001", "verify:historization:0001", "copy:historization:0002", "verify:historization:0002",
        ])
        // What stays behind: folders no migration covers.
        #expect(first.leftovers?.entries.map(\.prefix) == ["QPI_exports/", "ml_temp/"])

        // Planning wrote nothing.
        #expect(try await f.store.getBucket("archive-bucket-dev") == nil)
        #expect(try await f.state.currentSerial == 0)

        let result = try await f.apply(first)
        #expect(result.status == .succeeded)
        #expect(result.serial == 1)
        #expect(await f.names("archive-bucket-dev") == [
            "archives/api_reco/ctx/2024-01-01.parquet", "archives/applicative/users/20240101/part-0.parquet",
            "archives/firebase_events/native/2024-01-01.parquet",
            "archives/firebase_tracking/events/2024-01-01.parquet", "archives/firebase_tracking/events/2024-01-02.parquet",
        ])
        let verified = try await f.state.verifiedCopies(sourceBucket: EngineFixture.source, prefix: "historization/").all()
        #expect(verified.count == 5)
        #expect(verified.allSatisfy { $0.record.verification?.level == .checksum })

        let second = try await f.plan(plan)
        #expect(!second.hasChanges)
        #expect(second.migrations.first?.inSync.objects == 5)
        #expect(second.stateSerial == 1)
        // Byte-identical plans from the same inputs.
        let third = try await f.plan(plan)
        #expect(PlanFingerprint(second) == PlanFingerprint(third))
    }

    @Test func objectsCopiedByOtherMeansAreAdoptedAndAChangedTargetIsAConflict() async throws {
        let f = try await EngineFixture()
        defer { f.directory.remove() }
        try await f.fillHistorization()
        _ = try await f.store.createBucket("archive-bucket-dev", project: nil, settings: BucketSettings())
        try await f.put("archives/firebase_tracking/events/2024-01-01.parquet", "data of historization/tracking/events/2024-01-01.parquet", bucket: "archive-bucket-dev")
        try await f.put("archives/firebase_events/native/2024-01-01.parquet", "someone else's bytes", bucket: "archive-bucket-dev")

        let never = try await f.plan(EngineFixture.historizationPlan())
        let m = try #require(never.migrations.first)
        #expect(m.adopt.objects == 1)
        #expect(m.conflicts.objects == 1)
        #expect(!m.blockers.isEmpty)
        // A blocked migration does nothing at all.
        #expect(never.graph.actions.allSatisfy { $0.migration != "historization" })

        let different = try await f.plan(EngineFixture.historizationPlan(overwrite: .different))
        #expect(different.migrations.first?.overwrite.objects == 1)
        let result = try await f.apply(different)
        #expect(result.status == .succeeded)
        let (data, _) = try await f.store.download("archive-bucket-dev", "archives/firebase_events/native/2024-01-01.parquet", generation: nil)
        #expect(String(decoding: data, as: UTF8.self) == "data of historization/int_firebase/native/2024-01-01.parquet")
        #expect(!(try await f.plan(EngineFixture.historizationPlan(overwrite: .different))).hasChanges)
    }

    @Test func cleanupWaitsForTheValidationPeriodThenDeletesOnlyVerifiedSources() async throws {
        var f = try await EngineFixture()
        defer { f.directory.remove() }
        try await f.fillHistorization()
        let plan = EngineFixture.historizationPlan(cleanup: CleanupPolicy(deleteSource: true, after: .days(14)))
        _ = try await f.apply(try await f.plan(plan))

        let early = try await f.plan(plan)
        #expect(early.migrations.first?.delete.objects == 0)
        #expect(early.migrations.first?.deleteHeld.first?.reason == .validationPeriod(.days(14)))
        #expect(!early.hasChanges)

        f.clock = FixedClock(parsing: "2026-12-05T12:00:00Z")!
        let later = try await f.plan(plan)
        #expect(later.migrations.first?.delete.objects == 5)
        // Above the threshold, nothing can be applied.
        let tight = try await f.plan(plan, PlanOptions(maxDelete: 4))
        #expect(tight.hasErrors)
        #expect(tight.graph.isEmpty)

        // A copy removed after verification protects its source.
        try await f.store.deleteObject("archive-bucket-dev", "archives/api_reco/ctx/2024-01-01.parquet", ifGenerationMatch: nil)
        let result = try await f.apply(later)
        #expect(result.status == .failed)
        #expect(result.failed.first?.errors.first?.contains("gone or changed since it was verified") == true)
        #expect(await f.names(EngineFixture.source).filter { $0.hasPrefix("historization/") } == ["historization/api_reco/ctx/2024-01-01.parquet"])
        let deletions = try await f.state.history().last?.ledger.objectsDeleted
        #expect(deletions == 4)
        #expect(try await f.state.pendingDeletions().isEmpty)
    }

    @Test func codeReferencesHoldDeletionUnlessOverridden() async throws {
        let f = try await EngineFixture()
        defer { f.directory.remove() }
        try await f.fillHistorization()
        let plan = EngineFixture.historizationPlan(cleanup: CleanupPolicy(deleteSource: true, after: .days(0)))
        let reference = CodeReference(path: "dags/archive.py", line: 3, column: 5, form: .constant, direction: .write,
                                      bucketText: "{DATA_GCS_BUCKET_NAME}", objectPath: "historization/", migration: "historization",
                                      excerpt: "f\"gs://{DATA_GCS_BUCKET_NAME}/historization/\"")
        let code = CodeFindings(filesScanned: 1, references: [reference], edits: [], unrewritable: [])
        let held = try await f.plan(plan, code: code)
        #expect(held.migrations.first?.delete.objects == 0)
        #expect(held.migrations.first?.deleteHeld.first?.reason.code == "code_reference")
        #expect(held.migrations.first?.references == [reference])

        // after: 0d deletes in the same run, once each copy is verified.
        let overridden = try await f.plan(plan, PlanOptions(allowReferences: true), code: code)
        #expect(overridden.migrations.first?.delete.objects == 5)
        #expect(overridden.diagnostics.warnings.contains { $0.message.contains("--allow-references") })
        let result = try await f.apply(overridden)
        #expect(result.status == .succeeded)
        #expect(await f.names(EngineFixture.source).allSatisfy { !$0.hasPrefix("historization/") })
    }

    @Test func unsafeNamesAndCollisionsAreErrorsThatChangeNothing() async throws {
        let f = try await EngineFixture()
        defer { f.directory.remove() }
        try await f.fillHistorization()
        // Lands in archives/firebase_tracking/, which the tracking/ rename writes to.
        try await f.put("historization/firebase_tracking/events/2024-01-01.parquet", "clash")
        try await f.put("historization/x/../escape", "dots")
        let changes = try await f.plan(EngineFixture.historizationPlan())
        #expect(changes.hasErrors)
        #expect(changes.graph.isEmpty)
        #expect(changes.diagnostics.errors.contains { $0.message.contains("`historization/x/../escape`") })
        #expect(changes.diagnostics.errors.contains { $0.message.contains("another subfolder rename writes to") })
        await #expect(throws: EngineError.planHasErrors(2)) { _ = try await f.apply(changes) }
        #expect(try await f.store.getBucket("archive-bucket-dev") == nil)
    }

    @Test func partitionsSelectDaysRelativeToTheClock() async throws {
        let f = try await EngineFixture()
        defer { f.directory.remove() }
        for day in ["20261001", "20261025", "20261119", "20261120"] {
            try await f.put("QPI_exports/qpi_answers_\(day)/part-0.jsonl", day)
            try await f.put("QPI_exports/qpi_answers_\(day)/_SUCCESS", "")
        }
        let bucket = BucketSpec(key: "qpi-import", name: "qpi-import-bucket-dev")
        let migration = Migration(key: "qpi_exports", source: BucketPath(bucket: EngineFixture.source, prefix: "QPI_exports/"),
                                  target: BucketPath(bucket: "qpi-import-bucket-dev", prefix: "imports/"), fileTypes: ["*.jsonl"],
                                  partitions: PartitionSpec(pattern: try PartitionPattern("qpi_answers_{YYYYMMDD}/"), range: .lastDays(30)))
        let plan = Plan(environment: "dev", storage: .local(root: "x"), state: .local(path: "x"), buckets: [bucket], migrations: [migration])
        let changes = try await f.plan(plan)
        let m = try #require(changes.migrations.first)
        #expect(m.copy.objects == 3)
        #expect(m.excluded.map(\.reason) == [MigrationSelector.Exclusion.fileType.rawValue])
        #expect(m.excluded.first?.tally.objects == 3)
    }
}

/// The parts of a plan that must be identical for identical inputs.
struct PlanFingerprint: Equatable {
    let text: String
    init(_ p: PlannedChanges) {
        var copy = p
        copy.generatedAt = Date(timeIntervalSince1970: 0)
        text = String(describing: copy)
    }
}

/// Invariants 2 and 4 where they are enforced at run time: what appears in the
/// store between planning and applying is neither overwritten nor deleted.
@Suite struct ChangedSincePlanningTests {
    @Test func aTargetWrittenAfterPlanningIsNeitherOverwrittenNorAdopted() async throws {
        let f = try await EngineFixture()
        defer { f.directory.remove() }
        try await f.fillHistorization()
        _ = try await f.store.createBucket("archive-bucket-dev", project: nil, settings: BucketSettings())
        let changes = try await f.plan(EngineFixture.historizationPlan())
        #expect(changes.migrations.first?.copy.objects == 5)
        let taken = "archives/firebase_events/native/2024-01-01.parquet"
        try await f.put(taken, "someone else's bytes", bucket: "archive-bucket-dev")

        let result = try await f.apply(changes)
        #expect(result.status == .failed)
        #expect(result.failed.flatMap(\.errors).contains { $0.contains("appeared since planning with different content; not overwritten") })
        let (data, _) = try await f.store.download("archive-bucket-dev", taken, generation: nil)
        #expect(String(decoding: data, as: UTF8.self) == "someone else's bytes")
        // The other four are copied and recorded; the taken name has no ledger row.
        #expect(await f.names("archive-bucket-dev").count == 5)
        #expect(try await f.state.copies(targetBucket: "archive-bucket-dev", targetName: taken).isEmpty)
        #expect(try await f.state.stats().currentCopies == 4)
    }

    @Test func aBucketDecantCreatedIsKeptWhenSomeoneWritesToItAfterTheRollbackWasPlanned() async throws {
        let f = try await EngineFixture()
        defer { f.directory.remove() }
        try await f.fillHistorization()
        #expect(try await f.apply(try await f.plan(EngineFixture.historizationPlan())).status == .succeeded)
        let plan = try await f.rollbackPlan(to: 0)
        #expect(plan.rollback?.bucketDeletions.map(\.name) == ["archive-bucket-dev"])
        try await f.put("notes/theirs.txt", "not decant's", bucket: "archive-bucket-dev")

        let result = try await f.rollback(plan)
        #expect(result.status == .failed)
        #expect(result.failed.map(\.kind) == [.deleteBucket])
        #expect(result.failed.flatMap(\.errors).contains { $0.contains("a bucket is deleted only when empty") })
        // Decant's copies are gone, the stranger's object and the bucket stay.
        #expect(await f.names("archive-bucket-dev") == ["notes/theirs.txt"])
        #expect(try await f.state.createdBucket(named: "archive-bucket-dev") != nil)
    }
}
