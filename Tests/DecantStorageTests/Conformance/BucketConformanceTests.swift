import DecantCore
import DecantStorage
import Foundation
import Testing
import TestSupport

/// The bucket half of the `ObjectStore` contract, on every store.
@Suite struct BucketConformanceTests {
    @Test(arguments: StoreKind.allCases)
    func createGetAndDelete(_ kind: StoreKind) async throws {
        let harness = try StoreHarness.make(kind)
        defer { harness.tearDown() }
        let store = harness.store
        let name = UniqueName.bucket()
        #expect(try await store.getBucket(name) == nil)
        let created = try await store.createBucket(name, project: "test", settings: BucketSettings(location: "europe-west1"))
        #expect(created.name == name)
        let got = try #require(try await store.getBucket(name))
        #expect(got.name == name)
        #expect(got.metageneration >= 1)

        await #expect { _ = try await store.createBucket(name, project: "test", settings: BucketSettings()) } throws: {
            guard case StoreError.conflict(name, nil, _) = $0 else { return false }
            return true
        }
        try await store.deleteBucket(name)
        #expect(try await store.getBucket(name) == nil)
        await #expect(throws: StoreError.notFound(bucket: name, object: nil)) { try await store.deleteBucket(name) }
    }

    @Test(arguments: StoreKind.allCases)
    func deletingANonEmptyBucketIsAConflict(_ kind: StoreKind) async throws {
        let harness = try StoreHarness.make(kind)
        defer { harness.tearDown() }
        let bucket = try await harness.bucket()
        _ = try await harness.store.upload(bucket, "keep/me", data: Data("x".utf8), ifGenerationMatch: nil,
                                           contentType: nil, metadata: nil)
        await #expect { try await harness.store.deleteBucket(bucket) } throws: {
            guard case StoreError.conflict(bucket, nil, _) = $0 else { return false }
            return true
        }
        #expect(try await harness.store.headObject(bucket, "keep/me", generation: nil) != nil)
    }

    @Test(arguments: StoreKind.allCases)
    func patchKeepsLabelsAndRemovesOnesSetToNil(_ kind: StoreKind) async throws {
        let harness = try StoreHarness.make(kind)
        defer { harness.tearDown() }
        try harness.require(\.bucketLabels, "keep bucket labels")
        let bucket = try await harness.bucket()
        let first = try await harness.store.patchBucket(bucket, BucketPatch(labels: ["team": "data", "env": "dev"]),
                                                        ifMetagenerationMatch: nil)
        #expect(first.settings.labels == ["team": "data", "env": "dev"])
        try harness.require(\.labelMerge, "merge labels on PATCH")
        let second = try await harness.store.patchBucket(bucket, BucketPatch(labels: ["env": String?.none, "tier": "cold"]),
                                                         ifMetagenerationMatch: nil)
        #expect(second.settings.labels == ["team": "data", "tier": "cold"])
        #expect(try await harness.store.getBucket(bucket)?.settings.labels == ["team": "data", "tier": "cold"])
    }

    @Test(arguments: StoreKind.allCases)
    func lifecycleRulesRoundTrip(_ kind: StoreKind) async throws {
        let harness = try StoreHarness.make(kind)
        defer { harness.tearDown() }
        try harness.require(\.lifecycle, "keep lifecycle rules")
        let bucket = try await harness.bucket()
        let rules = [
            LifecycleRule(action: .setStorageClass(.coldline),
                          condition: .init(age: 30, matchesPrefix: ["archives/"], matchesStorageClass: [.standard])),
            LifecycleRule(action: .delete, condition: .init(createdBefore: CalendarDay("2025-01-31"), isLive: true,
                                                            matchesSuffix: [".tmp"], numNewerVersions: 2)),
            LifecycleRule(action: .setStorageClass(.archive),
                          condition: .init(customTimeBefore: CalendarDay("2024-06-01"), daysSinceCustomTime: 365)),
            LifecycleRule(action: .abortIncompleteMultipartUpload, condition: .init(age: 7)),
            LifecycleRule(action: .delete, condition: .init(daysSinceNoncurrentTime: 10,
                                                            noncurrentTimeBefore: CalendarDay("2025-03-01"))),
        ]
        let patched = try await harness.store.patchBucket(bucket, BucketPatch(lifecycle: rules), ifMetagenerationMatch: nil)
        #expect(patched.settings.lifecycle?.isEquivalent(to: rules) == true)
        let read = try #require(try await harness.store.getBucket(bucket))
        #expect(read.settings.lifecycle?.isEquivalent(to: rules) == true)
        let cleared = try await harness.store.patchBucket(bucket, BucketPatch(lifecycle: []), ifMetagenerationMatch: nil)
        #expect(cleared.settings.lifecycle == nil)
    }

    @Test(arguments: StoreKind.allCases)
    func metagenerationGrowsAndGuardsPatches(_ kind: StoreKind) async throws {
        let harness = try StoreHarness.make(kind)
        defer { harness.tearDown() }
        try harness.require(\.metageneration, "count metagenerations")
        let bucket = try await harness.bucket()
        let before = try #require(try await harness.store.getBucket(bucket))
        let after = try await harness.store.patchBucket(bucket, BucketPatch(versioning: true),
                                                        ifMetagenerationMatch: harness.store.capabilities.preconditions
                                                            ? before.metageneration : nil)
        #expect(after.metageneration > before.metageneration)
        #expect(after.settings.versioning == true)

        try harness.require(\.preconditions, "enforce preconditions")
        await #expect { _ = try await harness.store.patchBucket(bucket, BucketPatch(versioning: false),
                                                                ifMetagenerationMatch: before.metageneration) } throws: {
            guard case StoreError.preconditionFailed(bucket, nil, _) = $0 else { return false }
            return true
        }
        #expect(try await harness.store.getBucket(bucket)?.settings.versioning == true)
    }

    @Test(arguments: StoreKind.allCases)
    func insertKeepsEverySetting(_ kind: StoreKind) async throws {
        let harness = try StoreHarness.make(kind)
        defer { harness.tearDown() }
        try harness.require(\.settingsOnCreate, "keep settings given at creation")
        let settings = BucketSettings(
            location: "EUROPE-WEST1", storageClass: .nearline, labels: ["use_case": "historization"], versioning: true,
            uniformAccess: true, publicAccessPrevention: "enforced", retentionPeriodSeconds: 86_400,
            softDeleteSeconds: 604_800, autoclass: false,
            lifecycle: [LifecycleRule(action: .setStorageClass(.coldline), condition: .init(age: 0))])
        let bucket = try await harness.bucket(settings)
        let read = try #require(try await harness.store.getBucket(bucket))
        var expected = settings
        expected.lifecycle = nil
        var actual = read.settings
        #expect(actual.lifecycle?.isEquivalent(to: settings.lifecycle ?? []) == true)
        actual.lifecycle = nil
        #expect(actual == expected)
    }

    @Test(arguments: StoreKind.allCases)
    func invalidBucketNamesAreRefusedByTheLocalStore(_ kind: StoreKind) async throws {
        let harness = try StoreHarness.make(kind)
        defer { harness.tearDown() }
        guard kind == .local else { try skip("only the local store maps bucket names onto a file system") }
        for name in ["..", "a", "Upper", "../escape", "goog-bucket", "a/b"] {
            await #expect(throws: StoreError.self) {
                _ = try await harness.store.createBucket(name, project: nil, settings: BucketSettings())
            }
        }
    }
}
