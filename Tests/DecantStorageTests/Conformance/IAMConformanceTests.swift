import DecantCore
import DecantStorage
import Foundation
import Testing
import TestSupport

/// Bucket IAM policies (`b/{bucket}/iam`), on every store that keeps them.
@Suite struct IAMConformanceTests {
    static let reader = IAMMember(rawValue: "serviceAccount:airflow@data-dev-1.iam.gserviceaccount.com")
    static let weekdays = IAMCondition(title: "weekdays", description: "office hours",
                                       expression: "request.time.getDayOfWeek(\"Europe/Paris\") < 5")
    static let policy = IAMPolicy(bindings: [
        IAMBinding(role: .objectViewer, members: [reader, IAMMember(rawValue: "group:Data-Eng@example.com")]),
        IAMBinding(role: .objectAdmin, members: [IAMMember(rawValue: "projectOwner:data-dev-1")]),
        IAMBinding(role: .objectViewer, members: [IAMMember(rawValue: "group:auditors@example.com")], condition: weekdays),
    ])

    /// A store that keeps IAM policies; skips (saying why) on one that does not.
    static func harness(_ kind: StoreKind) throws -> StoreHarness {
        let harness = try StoreHarness.make(kind)
        try harness.require(\.iamPolicies, "keep bucket IAM policies (b/{bucket}/iam answers 404)")
        return harness
    }

    @Test(arguments: StoreKind.allCases)
    func setAndGetKeepBindingsAndConditions(_ kind: StoreKind) async throws {
        let harness = try Self.harness(kind)
        defer { harness.tearDown() }
        let bucket = try await harness.bucket()
        let set = try await harness.store.setBucketIAMPolicy(bucket, Self.policy, ifMatchEtag: nil)
        #expect(set.grantsEqual(Self.policy))
        #expect(set.version == 3)
        let read = try await harness.store.bucketIAMPolicy(bucket)
        #expect(read.grantsEqual(Self.policy))
        #expect(read.bindings.first { $0.condition != nil }?.condition == Self.weekdays)
        #expect(read.version == 3)

        // Without conditions the policy is version 1 again, and an empty one has no bindings.
        let plain = IAMPolicy(bindings: [IAMBinding(role: .objectViewer, members: [Self.reader])])
        let back = try await harness.store.setBucketIAMPolicy(bucket, plain, ifMatchEtag: nil)
        #expect(back.version == 1)
        #expect(try await harness.store.bucketIAMPolicy(bucket).grantsEqual(plain))
        _ = try await harness.store.setBucketIAMPolicy(bucket, IAMPolicy(), ifMatchEtag: nil)
        #expect(try await harness.store.bucketIAMPolicy(bucket).bindings == [])

        if let endpoint = harness.endpoint {
            _ = try await harness.store.setBucketIAMPolicy(bucket, Self.policy, ifMatchEtag: nil)
            let seen = try await PythonIAM.read(try Emulators.requirePython(), endpoint: endpoint, bucket: bucket)
            #expect(seen.grantsEqual(Self.policy))
        }
    }

    /// GCS's read-modify-write: the etag changes with every set, and a set carrying a
    /// stale one is refused and changes nothing.
    @Test(arguments: StoreKind.allCases)
    func theEtagGuardsEverySet(_ kind: StoreKind) async throws {
        let harness = try Self.harness(kind)
        defer { harness.tearDown() }
        try harness.require(\.iamEtags, "check IAM etags (it stores the etag the client sends)")
        let store = harness.store
        let bucket = try await harness.bucket()
        let first = try await store.bucketIAMPolicy(bucket)
        let firstEtag = try #require(first.etag)
        let second = try await store.setBucketIAMPolicy(bucket, Self.policy, ifMatchEtag: firstEtag)
        let secondEtag = try #require(second.etag)
        #expect(secondEtag != firstEtag)
        #expect(try await store.bucketIAMPolicy(bucket).etag == secondEtag)
        // A set that changes nothing still moves the etag.
        let third = try await store.setBucketIAMPolicy(bucket, Self.policy, ifMatchEtag: secondEtag)
        #expect(third.etag != secondEtag)

        // Changed behind our back: the stale etag is refused and nothing changes.
        await #expect { _ = try await store.setBucketIAMPolicy(bucket, first, ifMatchEtag: firstEtag) } throws: {
            guard case StoreError.preconditionFailed(bucket, nil, _) = $0 else { return false }
            return true
        }
        let after = try await store.bucketIAMPolicy(bucket)
        #expect(after.etag == third.etag)
        #expect(after.grantsEqual(Self.policy))

        // Without an etag, a set is unconditional.
        let blind = try await store.setBucketIAMPolicy(bucket, first, ifMatchEtag: nil)
        #expect(blind.grantsEqual(first))
    }

    @Test(arguments: StoreKind.allCases)
    func aNewBucketHasThePolicyGCSGivesIt(_ kind: StoreKind) async throws {
        let harness = try Self.harness(kind)
        defer { harness.tearDown() }
        try harness.require(\.iamNewBucketPolicy, "give new buckets GCS's policy (a new bucket has no bindings)")
        for uniform in [false, true] {
            let bucket = try await harness.bucket(BucketSettings(uniformAccess: uniform))
            let policy = try await harness.store.bucketIAMPolicy(bucket)
            #expect(policy == IAMPolicy.newBucket(project: "test", uniformAccess: uniform))
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aMissingBucketAndAPolicyIAMWouldRefuse(_ kind: StoreKind) async throws {
        let harness = try Self.harness(kind)
        defer { harness.tearDown() }
        let missing = UniqueName.bucket()
        await #expect(throws: StoreError.notFound(bucket: missing, object: nil)) {
            _ = try await harness.store.bucketIAMPolicy(missing)
        }
        await #expect(throws: StoreError.notFound(bucket: missing, object: nil)) {
            _ = try await harness.store.setBucketIAMPolicy(missing, Self.policy, ifMatchEtag: nil)
        }
        let bucket = try await harness.bucket()
        let before = try await harness.store.bucketIAMPolicy(bucket)
        let wrong = IAMPolicy(bindings: [IAMBinding(role: .objectViewer, members: [IAMMember(rawValue: "ana@example.com")])])
        await #expect { _ = try await harness.store.setBucketIAMPolicy(bucket, wrong, ifMatchEtag: nil) } throws: {
            guard case StoreError.invalid(bucket, nil, let detail) = $0 else { return false }
            return detail == "`ana@example.com` is not an IAM member"
        }
        #expect(try await harness.store.bucketIAMPolicy(bucket) == before)
    }

    /// A store without IAM says so, rather than "the bucket does not exist".
    @Test(arguments: StoreKind.allCases)
    func aStoreWithoutIAMSaysSo(_ kind: StoreKind) async throws {
        let harness = try StoreHarness.make(kind)
        defer { harness.tearDown() }
        guard !harness.store.capabilities.iamPolicies else { try skip("\(kind.rawValue) keeps bucket IAM policies") }
        let bucket = try await harness.bucket()
        await #expect { _ = try await harness.store.bucketIAMPolicy(bucket) } throws: {
            guard case StoreError.invalid(bucket, nil, let detail) = $0 else { return false }
            return detail == "\(kind.rawValue) does not implement bucket IAM policies"
        }
    }
}

/// The official Python client's view of a bucket's IAM policy.
enum PythonIAM {
    static let script = #"""
    import json, os, sys
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import storage

    client = storage.Client(project="test", credentials=AnonymousCredentials(),
                            client_options={"api_endpoint": os.environ["STORAGE_EMULATOR_HOST"]})
    policy = client.bucket(sys.argv[1]).get_iam_policy(requested_policy_version=3)
    json.dump({"version": policy.version, "etag": policy.etag,
               "bindings": [{"role": b["role"], "members": sorted(b["members"]), "condition": b.get("condition")}
                            for b in policy.bindings]}, sys.stdout)
    """#

    struct Seen: Decodable {
        struct Binding: Decodable {
            var role: String
            var members: [String]
            var condition: IAMCondition?
        }
        var version: Int
        var etag: String?
        var bindings: [Binding]
    }

    static func read(_ python: PythonClient, endpoint: URL, bucket: String) async throws -> IAMPolicy {
        let seen = try JSONDecoder().decode(Seen.self, from: try await python.run(script, [bucket], emulator: endpoint))
        return IAMPolicy(version: seen.version, bindings: seen.bindings.map {
            IAMBinding(role: IAMRole(rawValue: $0.role), members: $0.members.map(IAMMember.init(rawValue:)), condition: $0.condition)
        }, etag: seen.etag)
    }
}
