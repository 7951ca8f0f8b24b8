import DecantCore
import DecantStorage
import Foundation
import TestSupport
import Testing

@Suite struct LocalImportTests {
    @Test func importsFreeNamesInOneBatchAndSkipsTakenOnes() async throws {
        let dir = try TemporaryDirectory("decant-import")
        defer { dir.remove() }
        let store = LocalStore(root: dir.path)
        _ = try await store.createBucket("bucket-a", project: nil, settings: BucketSettings())
        _ = try await store.upload("bucket-a", "taken.txt", data: Data("old".utf8), ifGenerationMatch: 0, contentType: nil, metadata: nil)
        let batch = [(name: "x/one.txt", data: Data("one".utf8)), (name: "taken.txt", data: Data("new".utf8)),
                     (name: "x/two.txt", data: Data("two".utf8))]
        let records = try await store.importObjects("bucket-a", batch)
        #expect(records.map { $0?.name } == ["x/one.txt", nil, "x/two.txt"])
        #expect(records[0]?.crc32c == CRC32C.base64(Data("one".utf8)))
        let (data, _) = try await store.download("bucket-a", "taken.txt", generation: nil)
        #expect(String(decoding: data, as: UTF8.self) == "old")
        let listed = try await store.listObjects("bucket-a", ListOptions()).all()
        #expect(listed.map(\.name) == ["taken.txt", "x/one.txt", "x/two.txt"])
        #expect(try await store.download("bucket-a", "x/two.txt", generation: nil).0 == Data("two".utf8))
        await #expect(throws: StoreError.self) { _ = try await store.importObjects("bucket-a", [(name: "../escape", data: Data())]) }
    }
}
