import DecantCore
import DecantStorage
import Foundation
import Testing
import TestSupport

/// What each emulator really does with `b/{bucket}/iam`, asked with the profile of
/// real GCS (which assumes everything): these pin the IAM entries of the
/// capability list (`GCSProfile.capabilities`) to the emulators' behaviour, so that
/// an emulator release that changes it fails here rather than skipping silently.
@Suite struct IAMEmulatorFactsTests {
    @Test func fakeGCSServerHasNoIAMRoute() async throws {
        let harness = try StoreHarness.make(.fakeGCS, profile: .gcs)
        let bucket = try await harness.bucket()
        #expect(try await harness.store.getBucket(bucket) != nil)
        await #expect(throws: StoreError.notFound(bucket: bucket, object: nil)) {
            _ = try await harness.store.bucketIAMPolicy(bucket)
        }
        #expect(GCSProfile.fakeGCSServer.capabilities.iamPolicies == false)
    }

    @Test func gcpStorageEmulatorKeepsPoliciesButNotEtags() async throws {
        let harness = try StoreHarness.make(.gcpStorageEmulator, profile: .gcs)
        let store = harness.store
        let bucket = try await harness.bucket()
        // A new bucket: no bindings (GCS gives the project's legacy roles).
        let fresh = try await store.bucketIAMPolicy(bucket)
        #expect(fresh == IAMPolicy(version: 1, bindings: [], etag: "CAE="))
        // A stale etag is taken, and stored as sent: the etag neither guards nor moves.
        let policy = IAMPolicy(bindings: [IAMBinding(role: .objectViewer, members: [IAMConformanceTests.reader])])
        let set = try await store.setBucketIAMPolicy(bucket, policy, ifMatchEtag: "BwXXXXXXXXX=")
        #expect(set.etag == "BwXXXXXXXXX=")
        #expect(set.grantsEqual(policy))
        let again = try await store.setBucketIAMPolicy(bucket, policy, ifMatchEtag: nil)
        #expect(again.etag == "CAI=")
        let capabilities = GCSProfile.gcpStorageEmulator.capabilities
        #expect(capabilities.iamPolicies && !capabilities.iamEtags && !capabilities.iamNewBucketPolicy)
    }
}
