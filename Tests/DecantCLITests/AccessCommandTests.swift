import DecantCLI
import DecantCore
import DecantStorage
import Foundation
import TestSupport
import Testing

/// Access as part of the plan, end to end through `DecantCLI.main`: the roles a
/// bucket declares are planned, applied before the code reads the bucket, in sync
/// on the next plan, and rolled back. gcp-storage-emulator keeps policies without
/// etags (apply compares grants instead); fake-gcs-server keeps none, and the plan
/// says so.
@Suite struct AccessCommandTests {
    static let reader = "serviceAccount:airflow@test.iam.gserviceaccount.com"

    /// The repository's archive bucket with `iam:` (and, on the source, a reader the plan does not carry).
    func repo(_ kind: StoreKind) async throws -> CLIRepo {
        let repo = try await CLIRepo(kind)
        let file = repo.directory.url.appendingPathComponent("plans/plan.yaml")
        let text = try String(contentsOf: file, encoding: .utf8)
        let access = "labels: { use_case: historization }, iam: { roles/storage.objectViewer: [\"serviceAccount:airflow@${project}.iam.gserviceaccount.com\"] } }"
        try repo.directory.write("plans/plan.yaml", text
            .replacingOccurrences(of: "labels: { use_case: historization } }", with: access)
            .replacingOccurrences(of: "environments:\n  dev: {}", with: "environments:\n  dev: { project: test }"))
        return repo
    }

    @Test(arguments: [StoreKind.local, .gcpStorageEmulator])
    func rolesArePlannedAppliedBeforeTheCodeAndRolledBack(_ kind: StoreKind) async throws {
        let repo = try await repo(kind)
        defer { repo.remove() }
        let plan = await repo.run(["plan", "--env", "dev", "--now", "2026-11-20"])
        #expect(plan.code == 0, "\(plan.err)")
        #expect(plan.out.contains("        + roles/storage.objectViewer \(Self.reader)"), "\(plan.out)")
        #expect(plan.out.contains("Access: roles granted on the project"))
        let json = await repo.run(["plan", "--env", "dev", "--now", "2026-11-20", "--format", "json"])
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any])
        let actions = try #require(document["actions"] as? [[String: Any]])
        let rewrite = try #require(actions.first { $0["kind"] as? String == "rewrite_code" })
        #expect((rewrite["depends_on"] as? [String])?.contains("set_bucket_iam:\(repo.target)") == true, "\(rewrite)")
        #expect(actions.first { $0["kind"] as? String == "set_bucket_iam" }?["reason_code"] as? String == "access_differs")
        #expect((document["summary"] as? [String: Any])?["policies_to_set"] as? Int == 1)

        let apply = await repo.run(["apply", "--env", "dev", "--auto-approve", "--now", "2026-11-20"])
        #expect(apply.code == 0, "\(apply.err)")
        #expect(apply.out.contains("~ access set"), "\(apply.out)")
        let policy = try await repo.store.bucketIAMPolicy(repo.target)
        #expect(policy.unconditionalMembers(of: .objectViewer) == [IAMMember(rawValue: Self.reader)])

        let again = await repo.run(["plan", "--env", "dev", "--now", "2026-11-20"])
        #expect(again.out.contains("access: in sync with the plan"), "\(again.out)")
        #expect(!again.out.contains("set_bucket_iam"))

        let rollback = await repo.run(["rollback", "--env", "dev", "--to", "0", "--auto-approve"])
        #expect(rollback.code == 0, "\(rollback.err)\n\(rollback.out)")
        #expect(rollback.out.contains("Restore bucket IAM policies"), "\(rollback.out)")
        #expect(try await repo.store.getBucket(repo.target) == nil, "the bucket decant created is gone")
        let history = await repo.run(["state", "history", "--env", "dev"])
        #expect(history.out.contains("1 bucket IAM policy set"), "\(history.out)")
        #expect(history.out.contains("1 bucket IAM policy restored"), "\(history.out)")
    }

    @Test func aPolicyChangedBehindDecantsBackIsLeftAloneByTheRollback() async throws {
        let repo = try await repo(.local)
        defer { repo.remove() }
        let apply = await repo.run(["apply", "--env", "dev", "--auto-approve", "--now", "2026-11-20"])
        #expect(apply.code == 0, "\(apply.err)")
        var theirs = try await repo.store.bucketIAMPolicy(repo.target)
        theirs.bindings.append(IAMBinding(role: .objectCreator, members: [IAMMember(rawValue: "group:ops@example.com")]))
        _ = try await repo.store.setBucketIAMPolicy(repo.target, theirs, ifMatchEtag: theirs.etag)

        // The next plan takes nothing from them: objectCreator is not declared.
        let plan = await repo.run(["plan", "--env", "dev", "--now", "2026-11-20"])
        #expect(plan.out.contains("access: in sync with the plan"), "\(plan.out)")

        let rollback = await repo.run(["rollback", "--env", "dev", "--to", "0", "--auto-approve"])
        #expect(rollback.out.contains("restore_bucket_iam: the IAM policy changed since decant set it; left as it is (never overwritten): 1"),
                "\(rollback.out)")
        #expect(rollback.out.contains("delete_bucket: the IAM policy changed since decant set it; left as it is (never overwritten): 1"))
        // The bucket someone granted access to since stays, with their policy; decant's copies are gone.
        let after = try await repo.store.bucketIAMPolicy(repo.target)
        #expect(after.grantsEqual(theirs))
        #expect(try await repo.records(repo.target).isEmpty)
    }

    @Test func fakeGCSServerKeepsNoPoliciesAndThePlanSaysSo() async throws {
        let repo = try await repo(.fakeGCS)
        defer { repo.remove() }
        let plan = await repo.run(["plan", "--env", "dev", "--now", "2026-11-20"])
        #expect(plan.code == 0, "\(plan.err)")
        #expect(plan.out.contains("access: not planned: this store keeps no IAM policies"), "\(plan.out)")
        #expect(plan.out.contains("declares `iam:` but this store keeps no IAM policies"))
        #expect(plan.out.contains("Access: this store keeps no IAM policies"))
        #expect(!plan.out.contains("set_bucket_iam"))
    }
}
