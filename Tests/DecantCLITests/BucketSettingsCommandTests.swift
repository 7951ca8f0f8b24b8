import DecantCLI
import DecantCore
import DecantStorage
import Foundation
import TestSupport
import Testing

/// Every bucket setting a plan sets reaches the bucket decant creates.
@Suite struct BucketSettingsCommandTests {
    /// gcp-storage-emulator keeps only the name of a bucket on insert: decant patches
    /// the rest at once, every setting of the plan (it carried four of them by hand,
    /// so the next plan wanted to change `uniform_access` and `public_access_prevention`).
    /// fake-gcs-server is left out: it drops these settings on patch too.
    @Test(arguments: [StoreKind.local, .gcpStorageEmulator])
    func aNewBucketHasEverySettingThePlanSets(_ kind: StoreKind) async throws {
        let repo = try await CLIRepo(kind)
        defer { repo.remove() }
        let file = repo.directory.url.appendingPathComponent("plans/plan.yaml")
        let text = try String(contentsOf: file, encoding: .utf8)
        let settings = "labels: { use_case: historization }, versioning: true, uniform_access: true, public_access_prevention: enforced, soft_delete: 7d }"
        #expect(text.contains("labels: { use_case: historization } }"))
        try repo.directory.write("plans/plan.yaml", text.replacingOccurrences(of: "labels: { use_case: historization } }", with: settings))

        let apply = await repo.run(["apply", "--env", "dev", "--auto-approve", "--now", "2026-11-20"])
        #expect(apply.code == 0, "\(apply.err)")
        let bucket = try #require(try await repo.store.getBucket(repo.target)).settings
        #expect(bucket.labels == ["use_case": "historization"] && bucket.versioning == true, "\(bucket)")
        #expect(bucket.uniformAccess == true && bucket.publicAccessPrevention == "enforced" && bucket.softDeleteSeconds == 604_800, "\(bucket)")
        let again = await repo.run(["plan", "--env", "dev", "--now", "2026-11-20", "--detailed-exitcode"])
        #expect(again.code == 0, "the next plan changes the new bucket again:\n\(again.out)")
    }
}
