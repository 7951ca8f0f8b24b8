import DecantCore
import DecantStorage
import Foundation
import Testing
import TestSupport

/// The fake the GCS backend is tested against must itself behave like GCS.
@Suite struct MemoryObjectStoreTests {
    @Test func generationPreconditionsHoldLikeGCS() async throws {
        let store = MemoryObjectStore(buckets: ["b"])
        let first = try await store.upload("b", "o", data: Data("1".utf8), ifGenerationMatch: 0, contentType: nil, metadata: nil)
        await #expect(throws: StoreError.self) {
            _ = try await store.upload("b", "o", data: Data("2".utf8), ifGenerationMatch: 0, contentType: nil, metadata: nil)
        }
        await #expect(throws: StoreError.self) {
            _ = try await store.upload("b", "o", data: Data("2".utf8), ifGenerationMatch: first.generation + 1, contentType: nil, metadata: nil)
        }
        let second = try await store.upload("b", "o", data: Data("2".utf8), ifGenerationMatch: first.generation, contentType: nil, metadata: nil)
        #expect(second.generation > first.generation)
        #expect(try await store.download("b", "o", generation: nil).0 == Data("2".utf8))
        #expect(try await store.headObject("b", "o", generation: first.generation) == nil)
        await #expect(throws: StoreError.self) { try await store.deleteObject("b", "o", ifGenerationMatch: first.generation) }
        try await store.deleteObject("b", "o", ifGenerationMatch: second.generation)
        await #expect(throws: StoreError.notFound(bucket: "b", object: "o")) { try await store.deleteObject("b", "o", ifGenerationMatch: nil) }
        await #expect(throws: StoreError.notFound(bucket: "b", object: "o")) { _ = try await store.download("b", "o", generation: nil) }
    }

    @Test func checksumsAreThoseGCSReports() async throws {
        let store = MemoryObjectStore(buckets: ["b"])
        let record = try await store.upload("b", "o", data: Data("hello world".utf8), ifGenerationMatch: nil, contentType: nil, metadata: nil)
        #expect(record.crc32c == "yZRlqg==")
        #expect(record.md5 == "XrY7u+Ae7tCTyyK7j1rNww==")
        #expect(record.size == 11)
    }

    @Test func copiesAndBucketsHonourPreconditions() async throws {
        let store = MemoryObjectStore(buckets: ["src"])
        _ = try await store.createBucket("dst", project: "p", settings: BucketSettings(labels: ["a": "1"]))
        await #expect(throws: StoreError.self) { _ = try await store.createBucket("dst", project: "p", settings: BucketSettings()) }
        let source = try await store.upload("src", "a", data: Data("x".utf8), ifGenerationMatch: 0, contentType: nil, metadata: nil)
        let copy = try await store.copyObject(CopyRequest(sourceBucket: "src", sourceName: "a", sourceGeneration: source.generation,
                                                          targetBucket: "dst", targetName: "a"))
        #expect(copy.hasSameContent(as: source))
        await #expect(throws: StoreError.self) {
            _ = try await store.copyObject(CopyRequest(sourceBucket: "src", sourceName: "a", targetBucket: "dst", targetName: "a"))
        }
        await #expect(throws: StoreError.self) {
            _ = try await store.copyObject(CopyRequest(sourceBucket: "src", sourceName: "a", sourceGeneration: 1,
                                                       targetBucket: "dst", targetName: "b"))
        }
        let patched = try await store.patchBucket("dst", BucketPatch(labels: ["a": nil, "b": "2"]), ifMetagenerationMatch: 1)
        #expect(patched.settings.labels == ["b": "2"])
        #expect(patched.metageneration == 2)
        await #expect(throws: StoreError.self) { _ = try await store.patchBucket("dst", BucketPatch(versioning: true), ifMetagenerationMatch: 1) }
        await #expect(throws: StoreError.self) { try await store.deleteBucket("dst") }
        try await store.deleteObject("dst", "a", ifGenerationMatch: copy.generation)
        try await store.deleteBucket("dst")
        #expect(try await store.getBucket("dst") == nil)
    }

    @Test func listingsArePagedSortedByBytesAndFolded() async throws {
        let store = MemoryObjectStore(buckets: ["b"])
        for name in ["p/b", "p/a", "p/é", "p/Z", "p/d/1", "p/d/2", "q/x", "p/c"] {
            _ = try await store.upload("b", name, data: Data(), ifGenerationMatch: 0, contentType: nil, metadata: nil)
        }
        let all = try await store.listObjects("b", ListOptions(prefix: "p/", pageSize: 2)).all().map(\.name)
        #expect(all == ["p/Z", "p/a", "p/b", "p/c", "p/d/1", "p/d/2", "p/é"])
        var prefixes: [String] = []
        var names: [String] = []
        for try await page in store.listObjects("b", ListOptions(prefix: "p/", delimiter: "/", pageSize: 2)) {
            prefixes += page.prefixes
            names += page.objects.map(\.name)
        }
        #expect(prefixes == ["p/d/"])
        #expect(names == ["p/Z", "p/a", "p/b", "p/c", "p/é"])
        let window = try await store.listObjects("b", ListOptions(prefix: "p/", startOffset: "p/b", endOffset: "p/d")).all()
        #expect(window.map(\.name) == ["p/b", "p/c"])
    }
}
