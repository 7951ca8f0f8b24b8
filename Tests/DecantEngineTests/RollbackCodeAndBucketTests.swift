import DecantCore
@testable import DecantEngine
import DecantRender
import DecantState
import DecantStorage
import Foundation
import TestSupport
import Testing

/// Rollback of code edits (real files in a temporary code root) and of bucket settings.
@Suite struct RollbackCodeAndBucketTests {
    static func edit(_ path: String, _ before: String, _ after: String) -> CodeEdit {
        CodeEdit(path: path, beforeContent: before, afterContent: after, patch: UnifiedDiff.make(path: path, before: before, after: after),
                 migrations: ["historization"])
    }

    static func read(_ root: TemporaryDirectory, _ path: String) throws -> Data {
        try Data(contentsOf: root.url.appendingPathComponent(path))
    }

    @Test func codeEditsAreRevertedNewestFirstByteForByte() async throws {
        let f = try await EngineFixture()
        defer { f.directory.remove() }
        let root = try TemporaryDirectory("decant-code")
        defer { root.remove() }
        let a0 = "BUCKET = \"gs://data-bucket-dev/historization/\"\r\nother = 1\n"
        let a1 = "BUCKET = \"gs://archive-bucket-dev/archives/\"\r\nother = 1\n"
        let a2 = "BUCKET = ARCHIVE_BUCKET_NAME + \"/archives/\"\r\nother = 1\n"
        let b0 = "read(\"gs://data-bucket-dev/historization/x\")\n"
        let b1 = "read(\"gs://archive-bucket-dev/archives/x\")\n"
        try root.write("dags/a.py", a0)
        try root.write("jobs/b.py", b0)
        let original = try Self.read(root, "dags/a.py")
        #expect(try await f.applyCodeEdits([Self.edit("dags/a.py", a0, a1), Self.edit("jobs/b.py", b0, b1)], root: root.path).status == .succeeded)
        #expect(try await f.applyCodeEdits([Self.edit("dags/a.py", a1, a2)], root: root.path).status == .succeeded)
        #expect(try Self.read(root, "dags/a.py") == Data(a2.utf8))
        // Someone changes b.py after decant edited it.
        try root.write("jobs/b.py", b1 + "# a local change\n")

        let plan = try await f.rollbackPlan(to: 0, codeRoot: root.path)
        let report = try #require(plan.rollback)
        #expect(report.reverts.map(\.path) == ["dags/a.py", "dags/a.py"])
        #expect(report.reverts.map(\.editSerial) == [2, 1])
        #expect(report.reverts.first?.patch.contains("+BUCKET = \"gs://archive-bucket-dev/archives/\"") == true)
        #expect(report.refusals.map(\.kind) == [.revertCode])
        #expect(report.refusals.first?.reason.sentence == "changed since decant edited it; not reverted")
        #expect(report.refusals.first?.samples == ["jobs/b.py (edited at serial 1)"])
        let reverts = plan.graph.filter([.revertCode])
        #expect(reverts.count == 2)
        #expect(reverts[1].dependsOn == [reverts[0].id], "the older edit waits for the newer one")
        let text = PlanTextRenderer().render(plan)
        #expect(text.contains("~ dags/a.py (edited at serial 2)"))
        #expect(text.contains("revert_code: changed since decant edited it; not reverted: 1"))
        #expect(text.contains("2 files to revert"))

        let result = try await f.rollback(plan, codeRoot: root.path)
        #expect(result.status == .succeeded)
        #expect(try Self.read(root, "dags/a.py") == original)
        #expect(try Self.read(root, "jobs/b.py") == Data((b1 + "# a local change\n").utf8))
        #expect(try await f.state.codeEdits(includeReverted: false).map(\.edit.path) == ["jobs/b.py"])
        #expect(try await f.state.history().last?.ledger.codeReverted == 2)
    }

    @Test func aFileChangedAfterPlanningIsNamedAndLeftAlone() async throws {
        let f = try await EngineFixture()
        defer { f.directory.remove() }
        let root = try TemporaryDirectory("decant-code")
        defer { root.remove() }
        try root.write("dags/a.py", "old\n")
        _ = try await f.applyCodeEdits([Self.edit("dags/a.py", "old\n", "new\n")], root: root.path)
        let plan = try await f.rollbackPlan(to: 0, codeRoot: root.path)
        #expect(plan.rollback?.reverts.count == 1)
        try root.write("dags/a.py", "new\nedited by hand\n")

        let result = try await f.rollback(plan, codeRoot: root.path)
        #expect(result.status == .failed)
        #expect(result.failed.first?.errors == ["dags/a.py changed since decant edited it at serial 1; not reverted (revert it by hand, or commit the change and roll back to a later serial)"])
        #expect(try Self.read(root, "dags/a.py") == Data("new\nedited by hand\n".utf8))
        #expect(try await f.state.codeEdits(includeReverted: false).count == 1)

        // Reverted by hand meanwhile: only recorded. Without a code root: refused.
        try root.write("dags/a.py", "old\n")
        let noRoot = try await f.rollbackPlan(to: 0)
        #expect(noRoot.rollback?.refusals.first?.reason == .noCodeRoot)
        let byHand = try await f.rollbackPlan(to: 0, codeRoot: root.path)
        #expect(byHand.rollback?.reverts.first?.recordOnly == true)
        #expect(try await f.rollback(byHand, codeRoot: root.path).status == .succeeded)
        #expect(try await f.state.codeEdits(includeReverted: false).isEmpty)
    }

    /// A bucket decant did not create, whose labels, versioning and lifecycle it changed.
    func changeSharedBucket(_ f: EngineFixture) async throws {
        _ = try await f.store.createBucket("shared-archive", project: nil,
                                           settings: BucketSettings(labels: ["team": "data"], versioning: false))
        let spec = BucketSpec(key: "shared", name: "shared-archive",
                              settings: BucketSettings(labels: ["team": "data", "use_case": "archive"], versioning: true,
                                                       lifecycle: [LifecycleRule(action: .setStorageClass(.coldline), condition: .init(age: 30))]))
        let plan = Plan(environment: "dev", storage: .local(root: "x"), state: .local(path: "x"), buckets: [spec], inputDigest: "b")
        let changes = try await f.plan(plan)
        #expect(changes.graph.actions.map(\.kind) == [.updateBucket, .setLifecycle])
        #expect(try await f.apply(changes).status == .succeeded)
    }

    @Test func bucketSettingsGoBackFieldByFieldKeepingOthersChanges() async throws {
        let f = try await EngineFixture()
        defer { f.directory.remove() }
        try await changeSharedBucket(f)
        // A label decant never touched, added by someone else afterwards.
        _ = try await f.store.patchBucket("shared-archive", BucketPatch(labels: ["owner": "ana"]), ifMetagenerationMatch: nil)

        let plan = try await f.rollbackPlan(to: 0)
        let report = try #require(plan.rollback)
        let restore = try #require(report.bucketRestores.first)
        #expect(restore.name == "shared-archive")
        #expect(restore.changes.map(\.field) == [.labels, .versioning, .lifecycle])
        #expect(restore.changes.first?.before == "{use_case: archive}")
        #expect(restore.changes.first?.after == "{}")
        #expect(report.bucketDeletions.isEmpty)
        let action = try #require(plan.graph.action(ActionID("restore_bucket", "shared-archive")))
        #expect(action.ledgerIDs?.count == 2)
        #expect(PlanTextRenderer().render(plan).contains("labels: {use_case: archive} → {}"))

        #expect(try await f.rollback(plan).status == .succeeded)
        let settings = try #require(try await f.store.getBucket("shared-archive")).settings
        #expect(settings.labels == ["team": "data", "owner": "ana"])
        #expect(settings.versioning == false)
        #expect((settings.lifecycle ?? []).isEmpty)
        #expect(try await f.state.bucketChanges(includeRestored: false).isEmpty)
        #expect(try await f.state.history().last?.ledger.bucketsRestored == 2)
    }

    @Test func aSettingChangedSinceIsRefusedWithWhatChanged() async throws {
        let f = try await EngineFixture()
        defer { f.directory.remove() }
        try await changeSharedBucket(f)
        _ = try await f.store.patchBucket("shared-archive", BucketPatch(labels: ["use_case": "cold-archive"]), ifMetagenerationMatch: nil)

        let plan = try await f.rollbackPlan(to: 0)
        let refusal = try #require(plan.rollback?.refusals.first)
        #expect(refusal.kind == .restoreBucket)
        #expect(refusal.samples == ["gs://shared-archive: label use_case is cold-archive now, decant set archive"])
        #expect(!plan.hasChanges)

        // Changed between plan and apply: the step re-checks and refuses.
        let store = f.store
        _ = try await store.patchBucket("shared-archive", BucketPatch(labels: ["use_case": "archive"]), ifMetagenerationMatch: nil)
        let clean = try await f.rollbackPlan(to: 0)
        #expect(clean.hasChanges)
        _ = try await store.patchBucket("shared-archive", BucketPatch(lifecycle: [LifecycleRule(action: .delete, condition: .init(age: 1))]),
                                        ifMetagenerationMatch: nil)
        let result = try await f.rollback(clean)
        #expect(result.status == .failed)
        #expect(result.failed.first?.errors.first?.hasPrefix("bucket shared-archive changed since decant changed it (lifecycle is") == true)
        #expect(try await f.state.bucketChanges(includeRestored: false).count == 2)
    }

    @Test func restoreDiffPatchesOnlyWhatDecantChanged() {
        let previous = BucketSettings(storageClass: .standard, labels: ["a": "1", "b": "2"], versioning: false)
        let decant = BucketSettings(storageClass: .nearline, labels: ["a": "1", "b": "3", "c": "4"], versioning: false,
                                    lifecycle: [LifecycleRule(action: .delete, condition: .init(age: 9))])
        var live = decant
        live.labels?["d"] = "5"
        let diff = BucketRestoreDiff(previous: previous, decant: decant, live: live, capabilities: .full)
        #expect(diff.conflicts.isEmpty)
        #expect(diff.patch == BucketPatch(storageClass: .standard, labels: ["b": "2", "c": nil], lifecycle: []))
        // A store that replaces the whole label map gets the whole map.
        var replacing = StoreCapabilities.full
        replacing.labelMerge = false
        #expect(BucketRestoreDiff(previous: previous, decant: decant, live: live, capabilities: replacing).patch.labels
                == ["a": "1", "b": "2", "d": "5"])
        // Already back: nothing to patch.
        var back = previous
        back.lifecycle = []
        #expect(BucketRestoreDiff(previous: previous, decant: decant, live: back, capabilities: .full).isRestored)
    }
}
