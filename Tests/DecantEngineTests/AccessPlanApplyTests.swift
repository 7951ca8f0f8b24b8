import DecantCore
import DecantEngine
import DecantRender
import DecantState
import DecantStorage
import Foundation
import Testing
import TestSupport

/// Access as part of the plan: the declared roles against the observed policy,
/// set with the observed etag, recorded, and put back only where still decant's.
@Suite struct AccessPlanApplyTests {
    static let viewer = IAMMember(rawValue: "serviceAccount:airflow@proj.iam.gserviceaccount.com")
    static let dataEng = IAMMember(rawValue: "group:data-eng@example.com")
    static let ops = IAMMember(rawValue: "group:ops@example.com")
    static let condition = IAMCondition(title: "only reports", expression: "resource.name.startsWith(\"projects/_/buckets/shared-archive/objects/reports/\")")

    static func plan(bucket: String = "shared-archive", _ bindings: [DeclaredBinding]) -> Plan {
        let spec = BucketSpec(key: "shared", name: bucket, settings: BucketSettings(), access: BucketAccess(bindings: bindings))
        return Plan(environment: "dev", storage: .local(root: "x"), state: .local(path: "x"), buckets: [spec], inputDigest: "iam")
    }

    static let declared = [DeclaredBinding(role: .objectViewer, members: [viewer]),
                           DeclaredBinding(role: .objectAdmin, members: [dataEng])]

    /// A bucket decant did not create, where someone granted objectAdmin to ops and a conditional viewer binding.
    func sharedBucket(_ f: EngineFixture) async throws -> IAMPolicy {
        _ = try await f.store.createBucket("shared-archive", project: "proj", settings: BucketSettings())
        var policy = try await f.store.bucketIAMPolicy("shared-archive")
        policy.bindings += [IAMBinding(role: .objectAdmin, members: [Self.ops]),
                            IAMBinding(role: .objectViewer, members: [Self.ops], condition: Self.condition)]
        return try await f.store.setBucketIAMPolicy("shared-archive", policy, ifMatchEtag: policy.etag)
    }

    @Test func rolesArePlannedAppliedInSyncAfterAndRolledBack() async throws {
        let f = try await EngineFixture()
        defer { f.directory.remove() }
        let before = try await sharedBucket(f)

        let changes = try await f.plan(Self.plan(Self.declared))
        let action = try #require(changes.graph.action(ActionID("set_bucket_iam", "shared-archive")))
        #expect(action.reason.code == "access_differs")
        let access = try #require(changes.buckets.first?.access)
        #expect(access.status == .change)
        #expect(access.etag == before.etag)
        #expect(access.changes == [IAMRoleChange(role: .objectAdmin, added: [Self.dataEng], removed: [Self.ops]),
                                   IAMRoleChange(role: .objectViewer, added: [Self.viewer], removed: [])])
        #expect(access.untouchedConditional.map(\.condition) == [Self.condition])
        let text = PlanTextRenderer().render(changes)
        #expect(text.contains("        + roles/storage.objectViewer serviceAccount:airflow@proj.iam.gserviceaccount.com"))
        #expect(text.contains("        - roles/storage.objectAdmin group:ops@example.com"))
        #expect(text.contains("conditional binding left alone: roles/storage.objectViewer (condition \"only reports\"): group:ops@example.com"))
        #expect(text.contains("1 bucket IAM policy to set"))
        #expect(PlanMarkdownRenderer().render(changes).contains("+ roles/storage.objectViewer"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(PlanJSONRenderer().render(changes).utf8)) as? [String: Any])
        let bucketJSON = try #require((json["buckets"] as? [[String: Any]])?.first?["access"] as? [String: Any])
        #expect(bucketJSON["status"] as? String == "change")

        #expect(try await f.apply(changes).status == .succeeded)
        let after = try await f.store.bucketIAMPolicy("shared-archive")
        #expect(after.unconditionalMembers(of: .objectViewer) == [Self.viewer])
        #expect(after.unconditionalMembers(of: .objectAdmin) == [Self.dataEng])
        // Roles the plan does not declare, and the conditional binding, are as they were.
        #expect(after.unconditionalMembers(of: .legacyBucketOwner) == before.unconditionalMembers(of: .legacyBucketOwner))
        #expect(after.bindings.contains { $0.condition == Self.condition && $0.members == [Self.ops] })
        let rows = try await f.state.iamChanges()
        #expect(rows.count == 1)
        #expect(rows.first?.previous == before)
        #expect(rows.first?.confirmed == true)
        #expect(rows.first?.new.etag == after.etag)

        let again = try await f.plan(Self.plan(Self.declared))
        #expect(again.buckets.first?.access?.status == .inSync)
        #expect(again.graph.actions.isEmpty)

        let rollback = try await f.rollbackPlan(to: 0)
        let restore = try #require(rollback.rollback?.accessRestores.first)
        #expect(!restore.recordOnly)
        #expect(restore.changes.contains(IAMRoleChange(role: .objectViewer, added: [], removed: [Self.viewer])))
        #expect(PlanTextRenderer().render(rollback).contains("Restore bucket IAM policies"))
        #expect(try await f.rollback(rollback).status == .succeeded)
        #expect(try await f.store.bucketIAMPolicy("shared-archive").grantsEqual(before))
        #expect(try await f.state.iamChanges().first?.restoredSerial == 2)
        #expect(try await f.rollbackPlan(to: 0).rollback?.isEmpty == true)
    }

    @Test func aPolicyChangedSincePlanningIsAConflictNeverOverwritten() async throws {
        let f = try await EngineFixture()
        defer { f.directory.remove() }
        _ = try await sharedBucket(f)
        let changes = try await f.plan(Self.plan(Self.declared))

        // Someone grants a role between plan and apply.
        var theirs = try await f.store.bucketIAMPolicy("shared-archive")
        theirs.bindings.append(IAMBinding(role: .objectCreator, members: [Self.ops]))
        let set = try await f.store.setBucketIAMPolicy("shared-archive", theirs, ifMatchEtag: theirs.etag)

        let result = try await f.apply(changes)
        #expect(result.status == .failed)
        let error = try #require(result.failed.first?.errors.first)
        #expect(error.contains("changed since the plan was made; nothing was overwritten: run decant plan again"))
        #expect(try await f.store.bucketIAMPolicy("shared-archive") == set)
        // The refused PUT leaves no ledger row to undo.
        #expect(try await f.state.iamChanges().isEmpty)
    }

    @Test func rollbackLeavesAPolicyChangedAfterApplyAlone() async throws {
        let f = try await EngineFixture()
        defer { f.directory.remove() }
        _ = try await sharedBucket(f)
        #expect(try await f.apply(try await f.plan(Self.plan(Self.declared))).status == .succeeded)
        let clean = try await f.rollbackPlan(to: 0)
        #expect(clean.rollback?.accessRestores.count == 1)

        var theirs = try await f.store.bucketIAMPolicy("shared-archive")
        theirs.bindings.append(IAMBinding(role: .objectCreator, members: [Self.ops]))
        let set = try await f.store.setBucketIAMPolicy("shared-archive", theirs, ifMatchEtag: theirs.etag)

        let refused = try await f.rollbackPlan(to: 0)
        let refusal = try #require(refused.rollback?.refusals.first)
        #expect(refusal.kind == .restoreBucketIAM)
        #expect(refusal.reason == .accessChanged)
        #expect(refusal.reason.code == "access_changed")
        #expect(refused.rollback?.accessRestores.isEmpty == true)
        #expect(PlanTextRenderer().render(refused).contains("the IAM policy changed since decant set it; left as it is"))

        // Changed between the rollback's plan and its run: the step checks again.
        let result = try await f.rollback(clean)
        #expect(result.status == .failed)
        #expect(result.failed.first?.errors.first?.contains("changed since decant set it; left alone") == true)
        #expect(try await f.store.bucketIAMPolicy("shared-archive") == set)
        #expect(try await f.state.iamChanges().first?.restoredSerial == nil)
    }

    @Test func aNewBucketGetsItsAccessAfterCreationAndLosesItBeforeDeletion() async throws {
        let f = try await EngineFixture()
        defer { f.directory.remove() }
        var plan = Self.plan(bucket: "new-archive", [DeclaredBinding(role: .objectViewer, members: [Self.viewer])])
        plan.buckets[0].project = "proj"
        let changes = try await f.plan(plan)
        let set = try #require(changes.graph.action(ActionID("set_bucket_iam", "new-archive")))
        #expect(set.dependsOn == [ActionID("create_bucket", "new-archive")])
        #expect(changes.buckets.first?.access?.etag == nil)
        #expect(PlanTextRenderer().render(changes).contains("access (etag of the new bucket):"))
        #expect(try await f.apply(changes).status == .succeeded)
        let policy = try await f.store.bucketIAMPolicy("new-archive")
        #expect(policy.unconditionalMembers(of: .objectViewer) == [Self.viewer])
        #expect(!policy.unconditionalMembers(of: .legacyBucketOwner).isEmpty)

        let rollback = try await f.rollbackPlan(to: 0)
        let delete = try #require(rollback.graph.action(ActionID("delete_bucket", "new-archive")))
        #expect(delete.dependsOn.contains(ActionID("restore_bucket_iam", "new-archive")))
        #expect(try await f.rollback(rollback).status == .succeeded)
        #expect(try await f.store.getBucket("new-archive") == nil)
    }

    @Test func aStoreWithoutIAMSaysSoAndPlansNothing() async throws {
        let directory = try TemporaryDirectory("decant-iam")
        defer { directory.remove() }
        let store = MemoryObjectStore(buckets: ["shared-archive"], capabilities: GCSProfile.fakeGCSServer.capabilities)
        let state = try StateStore.open(path: directory.path + "/dev.db")
        let changes = try await Planner(store: store, state: state).plan(Self.plan(Self.declared))
        #expect(changes.graph.actions.isEmpty)
        #expect(changes.buckets.first?.access?.status == .notObservable)
        #expect(changes.diagnostics.warnings.map(\.message)
            == ["bucket shared-archive declares `iam:` but this store keeps no IAM policies: its access is neither planned nor applied"])
        #expect(PlanTextRenderer().render(changes).contains("access: not planned: this store keeps no IAM policies"))
    }

    @Test func iamFromSourceStartsFromEverySourceWhateverTheSelection() async throws {
        let f = try await EngineFixture()
        defer { f.directory.remove() }
        var source = try await f.store.bucketIAMPolicy(EngineFixture.source)
        source.bindings.append(IAMBinding(role: .objectViewer, members: [Self.ops]))
        _ = try await f.store.setBucketIAMPolicy(EngineFixture.source, source, ifMatchEtag: nil)
        _ = try await f.store.createBucket("shared-archive", project: nil, settings: BucketSettings())
        var plan = Self.plan([DeclaredBinding(role: .objectAdmin, members: [Self.dataEng])])
        plan.buckets[0].access?.fromSource = true
        plan.migrations = [Migration(key: "m", source: BucketPath(bucket: EngineFixture.source, prefix: "a/"),
                                     target: BucketPath(bucket: "shared-archive", prefix: "a/"), targetBucketKey: "shared")]
        // Selecting only the bucket still starts from its migration's source.
        let changes = try await f.plan(plan, PlanOptions(targets: ["shared"]))
        #expect(changes.buckets.first?.access?.changes == [IAMRoleChange(role: .objectAdmin, added: [Self.dataEng], removed: []),
                                                           IAMRoleChange(role: .objectViewer, added: [Self.ops], removed: [])])
    }

    @Test func continuityWarnsPerMigrationAndIamFromSourceClearsIt() async throws {
        let f = try await EngineFixture()
        defer { f.directory.remove() }
        var source = try await f.store.bucketIAMPolicy(EngineFixture.source)
        source.bindings.append(IAMBinding(role: .objectViewer, members: [Self.viewer]))
        _ = try await f.store.setBucketIAMPolicy(EngineFixture.source, source, ifMatchEtag: nil)
        try await f.put("a/x.txt", "x")
        func plan(fromSource: Bool) -> Plan {
            var plan = Self.plan(bucket: "new-archive", [])
            plan.buckets[0].settings.uniformAccess = true
            plan.buckets[0].access?.fromSource = fromSource
            plan.migrations = [Migration(key: "m", source: BucketPath(bucket: EngineFixture.source, prefix: "a/"),
                                         target: BucketPath(bucket: "new-archive", prefix: "a/"), targetBucketKey: "shared")]
            return plan
        }
        let without = try await f.plan(plan(fromSource: false))
        let warnings = try #require(without.migrations.first?.accessWarnings)
        #expect(warnings.map(\.code) == ["access_lost", "source_object_acls"])
        #expect(warnings.first?.description.hasPrefix(
            "after cutover, serviceAccount:airflow@proj.iam.gserviceaccount.com can no longer list or read objects in gs://new-archive") == true)
        #expect(without.accessNotes == [.projectGrantsNotVisible])
        let text = PlanTextRenderer().render(without)
        #expect(text.contains("! access: after cutover, serviceAccount:airflow@proj.iam.gserviceaccount.com can no longer"))
        #expect(text.components(separatedBy: "not part of a bucket's policy").count == 2)

        let with = try await f.plan(plan(fromSource: true))
        #expect(with.migrations.first?.accessWarnings?.map(\.code) == ["source_object_acls"])
        #expect(with.buckets.first?.access?.changes.contains(IAMRoleChange(role: .objectViewer, added: [Self.viewer], removed: [])) == true)
    }

    /// A run killed after recording its intent: before the PUT (the policy is still the
    /// previous one: only recorded) or after it (the policy is decant's: put back).
    @Test(arguments: [false, true]) func aRunCutShortAroundThePUTIsJudgedByTheLivePolicy(_ putTookEffect: Bool) async throws {
        let f = try await EngineFixture()
        defer { f.directory.remove() }
        let before = try await sharedBucket(f)
        let serial = try await f.state.beginRun(kind: .apply, planDigest: nil)
        let intended = IAMPolicyDiff.between(declared: Self.declared, observed: before).policy
        _ = try await f.state.recordIAMIntent(bucket: "shared-archive", actionID: ActionID("set_bucket_iam", "shared-archive"),
                                              previous: before, new: intended, serial: serial)
        if putTookEffect { _ = try await f.store.setBucketIAMPolicy("shared-archive", intended, ifMatchEtag: before.etag) }
        try await f.state.finishRun(serial: serial, status: .interrupted, summary: [:])

        let rollback = try await f.rollbackPlan(to: 0)
        let restore = try #require(rollback.rollback?.accessRestores.first)
        #expect(restore.recordOnly == !putTookEffect)
        #expect(try await f.rollback(rollback).status == .succeeded)
        #expect(try await f.store.bucketIAMPolicy("shared-archive").grantsEqual(before))
        #expect(try await f.state.iamChanges().first?.restoredSerial != nil)
    }
}
