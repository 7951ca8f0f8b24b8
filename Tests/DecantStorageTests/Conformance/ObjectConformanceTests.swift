import DecantCore
import DecantStorage
import Foundation
import Testing
import TestSupport

/// The object half of the `ObjectStore` contract, on every store.
@Suite struct ObjectConformanceTests {
    static func bytes(_ seed: Int, count: Int = 3000) -> Data {
        Data((0..<count).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ seed) })
    }

    @Test(arguments: StoreKind.allCases)
    func uploadHeadAndDownload(_ kind: StoreKind) async throws {
        let harness = try StoreHarness.make(kind)
        defer { harness.tearDown() }
        let store = harness.store
        let bucket = try await harness.bucket()
        let data = ObjectConformanceTests.bytes(1)
        let name = "historization/tracking/2025-01-31/part 1 é.parquet"
        let written = try await store.upload(bucket, name, data: data, ifGenerationMatch: 0,
                                             contentType: "application/octet-stream", metadata: ["origin": "test"])
        #expect(written.name == name)
        #expect(written.size == Int64(data.count))
        #expect(written.crc32c == CRC32C.base64(CRC32C.checksum(data)))
        #expect(written.md5 == Data(Digest.md5(data)).base64EncodedString())
        #expect(written.generation > 0)

        let head = try #require(try await store.headObject(bucket, name, generation: nil))
        #expect(head.generation == written.generation)
        #expect(head.hasSameContent(as: written))
        #expect(head.metadata == ["origin": "test"])
        #expect(try await store.headObject(bucket, name, generation: written.generation) != nil)
        #expect(try await store.headObject(bucket, name, generation: written.generation + 1) == nil)
        #expect(try await store.headObject(bucket, "absent", generation: nil) == nil)

        let (read, record) = try await store.download(bucket, name, generation: nil)
        #expect(read == data)
        #expect(record.generation == written.generation)
        await #expect(throws: StoreError.notFound(bucket: bucket, object: "absent")) {
            _ = try await store.download(bucket, "absent", generation: nil)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func overwritingMakesALaterGeneration(_ kind: StoreKind) async throws {
        let harness = try StoreHarness.make(kind)
        defer { harness.tearDown() }
        let bucket = try await harness.bucket()
        let first = try await harness.store.upload(bucket, "state.db", data: Data("one".utf8), ifGenerationMatch: nil,
                                                   contentType: nil, metadata: nil)
        let second = try await harness.store.upload(bucket, "state.db", data: Data("two!".utf8), ifGenerationMatch: nil,
                                                    contentType: nil, metadata: nil)
        #expect(second.generation > first.generation)
        let (data, _) = try await harness.store.download(bucket, "state.db", generation: nil)
        #expect(data == Data("two!".utf8))
    }

    @Test(arguments: StoreKind.allCases)
    func uploadPreconditions(_ kind: StoreKind) async throws {
        let harness = try StoreHarness.make(kind)
        defer { harness.tearDown() }
        try harness.require(\.preconditions, "enforce preconditions")
        let store = harness.store
        let bucket = try await harness.bucket()
        await #expect { _ = try await store.upload(bucket, "lock", data: Data("a".utf8), ifGenerationMatch: 42,
                                                   contentType: nil, metadata: nil) } throws: {
            guard case StoreError.preconditionFailed(bucket, "lock", _) = $0 else { return false }
            return true
        }
        #expect(try await store.headObject(bucket, "lock", generation: nil) == nil)
        let lock = try await store.upload(bucket, "lock", data: Data("a".utf8), ifGenerationMatch: 0, contentType: nil,
                                          metadata: nil)
        await #expect { _ = try await store.upload(bucket, "lock", data: Data("b".utf8), ifGenerationMatch: 0,
                                                   contentType: nil, metadata: nil) } throws: {
            guard case StoreError.preconditionFailed(bucket, "lock", _) = $0 else { return false }
            return true
        }
        await #expect(throws: StoreError.self) {
            _ = try await store.upload(bucket, "lock", data: Data("b".utf8), ifGenerationMatch: lock.generation + 1,
                                       contentType: nil, metadata: nil)
        }
        let (unchanged, _) = try await store.download(bucket, "lock", generation: nil)
        #expect(unchanged == Data("a".utf8))
        let replaced = try await store.upload(bucket, "lock", data: Data("c".utf8), ifGenerationMatch: lock.generation,
                                              contentType: nil, metadata: nil)
        #expect(replaced.generation > lock.generation)
    }

    @Test(arguments: StoreKind.allCases)
    func deleteWithAndWithoutGeneration(_ kind: StoreKind) async throws {
        let harness = try StoreHarness.make(kind)
        defer { harness.tearDown() }
        let store = harness.store
        let bucket = try await harness.bucket()
        let a = try await store.upload(bucket, "a/x", data: Data("1".utf8), ifGenerationMatch: nil, contentType: nil,
                                       metadata: nil)
        _ = try await store.upload(bucket, "a/y", data: Data("2".utf8), ifGenerationMatch: nil, contentType: nil,
                                   metadata: nil)
        try await store.deleteObject(bucket, "a/x", ifGenerationMatch: a.generation)
        try await store.deleteObject(bucket, "a/y", ifGenerationMatch: nil)
        #expect(try await store.headObject(bucket, "a/x", generation: nil) == nil)
        #expect(try await store.listObjects(bucket, ListOptions()).all().isEmpty)
        await #expect(throws: StoreError.notFound(bucket: bucket, object: "a/x")) {
            try await store.deleteObject(bucket, "a/x", ifGenerationMatch: nil)
        }

        try harness.require(\.preconditions, "enforce preconditions")
        let b = try await store.upload(bucket, "b", data: Data("3".utf8), ifGenerationMatch: nil, contentType: nil,
                                       metadata: nil)
        await #expect { try await store.deleteObject(bucket, "b", ifGenerationMatch: b.generation + 1) } throws: {
            guard case StoreError.preconditionFailed(bucket, "b", _) = $0 else { return false }
            return true
        }
        #expect(try await store.headObject(bucket, "b", generation: nil)?.generation == b.generation)
    }

    @Test(arguments: StoreKind.allCases)
    func writingToAMissingBucketIsNotFound(_ kind: StoreKind) async throws {
        let harness = try StoreHarness.make(kind)
        defer { harness.tearDown() }
        let missing = UniqueName.bucket()
        await #expect { _ = try await harness.store.upload(missing, "o", data: Data("x".utf8), ifGenerationMatch: 0,
                                                           contentType: nil, metadata: nil) } throws: {
            guard case StoreError.notFound(missing, _) = $0 else { return false }
            return true
        }
        #expect(try await harness.store.headObject(missing, "o", generation: nil) == nil)
        await #expect { try await harness.store.deleteObject(missing, "o", ifGenerationMatch: nil) } throws: {
            guard case StoreError.notFound(missing, _) = $0 else { return false }
            return true
        }
    }

    @Test(arguments: StoreKind.allCases)
    func unsafeNamesAreNeverWritten(_ kind: StoreKind) async throws {
        let harness = try StoreHarness.make(kind)
        defer { harness.tearDown() }
        let bucket = try await harness.bucket()
        let source = try await harness.store.upload(bucket, "ok", data: Data("x".utf8), ifGenerationMatch: nil,
                                                    contentType: nil, metadata: nil)
        for name in ["../escape", "a/../../escape", "/abs", "a//b", "a/./b", "line\nbreak", "nul\u{0}",
                     String(repeating: "x", count: 1025)] {
            await #expect { _ = try await harness.store.upload(bucket, name, data: Data("x".utf8), ifGenerationMatch: nil,
                                                               contentType: nil, metadata: nil) } throws: {
                guard case StoreError.invalid = $0 else { return false }
                return true
            }
            await #expect(throws: StoreError.self) {
                _ = try await harness.store.copyObject(CopyRequest(sourceBucket: bucket, sourceName: "ok",
                                                                   sourceGeneration: source.generation,
                                                                   targetBucket: bucket, targetName: name))
            }
        }
        #expect(try await harness.store.listObjects(bucket, ListOptions()).all().map(\.name) == ["ok"])
    }
}
