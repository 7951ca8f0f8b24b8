import DecantCore
import DecantStorage
import Foundation
import Testing
import TestSupport

/// Server-side copies, on every store (checked by the official client on emulators).
@Suite struct CopyConformanceTests {
    @Test(arguments: StoreKind.allCases)
    func copyAcrossBucketsKeepsContent(_ kind: StoreKind) async throws {
        let harness = try StoreHarness.make(kind)
        defer { harness.tearDown() }
        let store = harness.store
        let source = try await harness.bucket()
        let target = try await harness.bucket()
        let data = ObjectConformanceTests.bytes(7, count: 70_000)
        let original = try await store.upload(source, "historization/a.parquet", data: data, ifGenerationMatch: nil,
                                              contentType: "application/x-parquet", metadata: ["k": "v"])
        let copy = try await store.copyObject(CopyRequest(
            sourceBucket: source, sourceName: "historization/a.parquet", sourceGeneration: original.generation,
            targetBucket: target, targetName: "archives/a.parquet"))
        #expect(copy.name == "archives/a.parquet")
        #expect(copy.hasSameContent(as: original))
        #expect(copy.md5 == original.md5)
        let (read, _) = try await store.download(target, "archives/a.parquet", generation: nil)
        #expect(read == data)
        #expect(try await store.headObject(source, "historization/a.parquet", generation: nil) != nil)

        if let endpoint = harness.endpoint {
            let python = try Emulators.requirePython()
            let seen = try await python.list(endpoint: endpoint, bucket: target)
            #expect(seen.map(\.name) == ["archives/a.parquet"])
            #expect(seen.first?.size == Int64(data.count))
            #expect(seen.first?.crc32c == original.crc32c)
            #expect(seen.first?.md5Hash == original.md5)
            #expect(try await python.read(endpoint: endpoint, bucket: target, name: "archives/a.parquet") == data)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func copyCanSetMetadataClassAndCustomTime(_ kind: StoreKind) async throws {
        let harness = try StoreHarness.make(kind)
        defer { harness.tearDown() }
        let store = harness.store
        let bucket = try await harness.bucket()
        let original = try await store.upload(bucket, "src", data: Data("payload".utf8), ifGenerationMatch: nil,
                                              contentType: "text/plain", metadata: ["a": "1"])
        let created = try #require(original.timeCreated)
        let copy = try await store.copyObject(CopyRequest(
            sourceBucket: bucket, sourceName: "src", targetBucket: bucket, targetName: "dst", storageClass: .coldline,
            customTime: created, metadata: ["copied_from": "src"]))
        #expect(copy.hasSameContent(as: original))
        try harness.require(\.copyMetadata, "set metadata on copies")
        #expect(copy.metadata == ["copied_from": "src"])
        try harness.require(\.storageClasses, "keep storage classes")
        #expect(copy.storageClass == .coldline)
        try harness.require(\.customTime, "keep customTime on copies")
        let head = try #require(try await store.headObject(bucket, "dst", generation: nil))
        #expect(abs((head.customTime ?? .distantPast).timeIntervalSince(created)) < 0.001)
    }

    @Test(arguments: StoreKind.allCases)
    func copyPreconditions(_ kind: StoreKind) async throws {
        let harness = try StoreHarness.make(kind)
        defer { harness.tearDown() }
        try harness.require(\.preconditions, "enforce preconditions")
        let store = harness.store
        let bucket = try await harness.bucket()
        let source = try await store.upload(bucket, "src", data: Data("new".utf8), ifGenerationMatch: nil, contentType: nil,
                                            metadata: nil)
        let existing = try await store.upload(bucket, "dst", data: Data("old".utf8), ifGenerationMatch: nil,
                                              contentType: nil, metadata: nil)
        // The target exists: ifGenerationMatch=0 refuses.
        await #expect { _ = try await store.copyObject(CopyRequest(sourceBucket: bucket, sourceName: "src",
                                                                   targetBucket: bucket, targetName: "dst")) } throws: {
            guard case StoreError.preconditionFailed(bucket, "dst", _) = $0 else { return false }
            return true
        }
        // The source is not at that generation any more.
        await #expect(throws: StoreError.self) {
            _ = try await store.copyObject(CopyRequest(sourceBucket: bucket, sourceName: "src",
                                                       sourceGeneration: source.generation - 1, targetBucket: bucket,
                                                       targetName: "dst", ifTargetGenerationMatch: existing.generation))
        }
        // The target changed since it was read.
        await #expect(throws: StoreError.self) {
            _ = try await store.copyObject(CopyRequest(sourceBucket: bucket, sourceName: "src", targetBucket: bucket,
                                                       targetName: "dst", ifTargetGenerationMatch: existing.generation + 1))
        }
        let (unchanged, head) = try await store.download(bucket, "dst", generation: nil)
        #expect(unchanged == Data("old".utf8))
        #expect(head.generation == existing.generation)
        // An allowed overwrite.
        let copy = try await store.copyObject(CopyRequest(sourceBucket: bucket, sourceName: "src",
                                                          sourceGeneration: source.generation, targetBucket: bucket,
                                                          targetName: "dst", ifTargetGenerationMatch: existing.generation))
        #expect(copy.generation > existing.generation)
        #expect(try await store.download(bucket, "dst", generation: nil).0 == Data("new".utf8))
    }

    @Test(arguments: StoreKind.allCases)
    func copyOfAMissingSourceIsNotFound(_ kind: StoreKind) async throws {
        let harness = try StoreHarness.make(kind)
        defer { harness.tearDown() }
        let bucket = try await harness.bucket()
        await #expect { _ = try await harness.store.copyObject(CopyRequest(sourceBucket: bucket, sourceName: "absent",
                                                                           targetBucket: bucket, targetName: "x")) } throws: {
            guard case StoreError.notFound = $0 else { return false }
            return true
        }
        #expect(try await harness.store.headObject(bucket, "x", generation: nil) == nil)
    }
}
