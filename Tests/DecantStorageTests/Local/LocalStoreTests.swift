import DecantCore
import Foundation
import Testing
import TestSupport
@testable import DecantStorage

/// What only the local store promises: browsable files, the hidden index, names
/// a file system cannot hold, hard-linked copies, many writers at once.
@Suite struct LocalStoreTests {
    let directory: TemporaryDirectory
    let store: LocalStore

    init() throws {
        directory = try TemporaryDirectory("decant-local")
        store = LocalStore(root: directory.path)
    }

    @Test func objectsAreFilesAtTheirNamesAndTheIndexIsHidden() async throws {
        defer { directory.remove() }
        _ = try await store.createBucket("data-bucket-dev", project: nil, settings: BucketSettings())
        _ = try await store.upload("data-bucket-dev", "QPI_exports/2025/a.csv", data: Data("a,b\n".utf8),
                                   ifGenerationMatch: 0, contentType: "text/csv", metadata: nil)
        let file = directory.path + "/data-bucket-dev/QPI_exports/2025/a.csv"
        #expect(FileManager.default.contents(atPath: file) == Data("a,b\n".utf8))
        #expect(FileManager.default.fileExists(atPath: directory.path + "/data-bucket-dev/.decant/index.db"))
        let names = try await store.listObjects("data-bucket-dev", ListOptions()).all().map(\.name)
        #expect(names == ["QPI_exports/2025/a.csv"])
        await #expect { _ = try await store.upload("data-bucket-dev", ".decant/index.db", data: Data(), ifGenerationMatch: nil,
                                                   contentType: nil, metadata: nil) } throws: {
            guard case StoreError.invalid = $0 else { return false }
            return true
        }
        try await store.deleteObject("data-bucket-dev", "QPI_exports/2025/a.csv", ifGenerationMatch: nil)
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/data-bucket-dev/QPI_exports"))
    }

    @Test func namesAFileSystemCannotHoldStillWork() async throws {
        defer { directory.remove() }
        _ = try await store.createBucket("b-names", project: nil, settings: BucketSettings())
        let objects: [(String, String)] = [("a", "file a"), ("a/b", "below a"), ("folder/", ""), ("folder/x", "x"),
                                           ("c/d", "d"), ("c", "c itself")]
        for (name, text) in objects {
            _ = try await store.upload("b-names", name, data: Data(text.utf8), ifGenerationMatch: 0, contentType: nil,
                                       metadata: nil)
        }
        for (name, text) in objects {
            #expect(try await store.download("b-names", name, generation: nil).0 == Data(text.utf8), "\(name)")
        }
        let listed = try await store.listObjects("b-names", ListOptions()).all().map(\.name)
        #expect(listed == ["a", "a/b", "c", "c/d", "folder/", "folder/x"])
        for (name, _) in objects { try await store.deleteObject("b-names", name, ifGenerationMatch: nil) }
        try await store.deleteBucket("b-names")
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/b-names"))
    }

    @Test func serverSideCopiesAreHardLinks() async throws {
        defer { directory.remove() }
        _ = try await store.createBucket("src-bucket", project: nil, settings: BucketSettings())
        _ = try await store.createBucket("dst-bucket", project: nil, settings: BucketSettings(storageClass: .coldline))
        let source = try await store.upload("src-bucket", "big.bin", data: Data(repeating: 7, count: 1 << 20),
                                            ifGenerationMatch: nil, contentType: nil, metadata: ["m": "1"])
        let copy = try await store.copyObject(CopyRequest(sourceBucket: "src-bucket", sourceName: "big.bin",
                                                          targetBucket: "dst-bucket", targetName: "archive/big.bin"))
        #expect(copy.storageClass == .coldline)
        #expect(copy.metadata == ["m": "1"])
        #expect(copy.generation != source.generation)
        let a = try #require(FileSystem.status(directory.path + "/src-bucket/big.bin"))
        let b = try #require(FileSystem.status(directory.path + "/dst-bucket/archive/big.bin"))
        #expect(a.identity == b.identity)
        // Objects are immutable: replacing the source leaves the copy as it was.
        _ = try await store.upload("src-bucket", "big.bin", data: Data("new".utf8), ifGenerationMatch: nil,
                                   contentType: nil, metadata: nil)
        #expect(try await store.download("dst-bucket", "archive/big.bin", generation: nil).0.count == 1 << 20)
    }

    @Test func concurrentCreatesOfOneNameHaveOneWinner() async throws {
        defer { directory.remove() }
        _ = try await store.createBucket("race", project: nil, settings: BucketSettings())
        let store = self.store
        let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
            for i in 0..<60 {
                group.addTask {
                    do {
                        _ = try await store.upload("race", "state.lock", data: Data("\(i)".utf8), ifGenerationMatch: 0,
                                                   contentType: nil, metadata: nil)
                        return true
                    } catch StoreError.preconditionFailed {
                        return false
                    }
                }
            }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 }.count == 1)
        let generations = try await withThrowingTaskGroup(of: Int64.self) { group in
            for i in 0..<40 {
                group.addTask {
                    try await store.upload("race", "g/\(i % 5)", data: Data("\(i)".utf8), ifGenerationMatch: nil,
                                           contentType: nil, metadata: nil).generation
                }
            }
            return try await group.reduce(into: [Int64]()) { $0.append($1) }
        }
        #expect(Set(generations).count == 40, "generations are unique within a bucket")
    }

    @Test func generationsGrowEvenWhenTheClockStandsStill() async throws {
        defer { directory.remove() }
        let frozen = LocalStore(root: directory.path, options: .init(clock: FixedClock(Date(timeIntervalSince1970: 1_700_000_000))))
        _ = try await frozen.createBucket("frozen", project: nil, settings: BucketSettings())
        var last: Int64 = 0
        for i in 0..<5 {
            let record = try await frozen.upload("frozen", "x", data: Data("\(i)".utf8), ifGenerationMatch: nil,
                                                 contentType: nil, metadata: nil)
            #expect(record.generation > last)
            #expect(record.timeCreated == Date(timeIntervalSince1970: 1_700_000_000))
            last = record.generation
        }
    }

    @Test func twoStoresOnOneRootShareEverything() async throws {
        defer { directory.remove() }
        let other = LocalStore(root: directory.path)
        _ = try await store.createBucket("shared", project: nil, settings: BucketSettings())
        #expect(try await other.getBucket("shared") != nil)
        let store = self.store
        try await forEachConcurrently(Array(0..<80), width: 16) { i in
            let writer = i % 2 == 0 ? store : other
            _ = try await writer.upload("shared", "o/\(i)", data: Data("\(i)".utf8), ifGenerationMatch: 0,
                                        contentType: nil, metadata: nil)
        }
        #expect(try await store.listObjects("shared", ListOptions()).all().count == 80)
        #expect(try await other.listObjects("shared", ListOptions()).all().count == 80)
        for i in 0..<80 { try await other.deleteObject("shared", "o/\(i)", ifGenerationMatch: nil) }
        try await other.deleteBucket("shared")
        #expect(try await store.getBucket("shared") == nil)
        await #expect(throws: StoreError.notFound(bucket: "shared", object: nil)) {
            _ = try await store.upload("shared", "late", data: Data(), ifGenerationMatch: nil, contentType: nil, metadata: nil)
        }
        // The name is free again.
        _ = try await store.createBucket("shared", project: nil, settings: BucketSettings())
        #expect(try await other.listObjects("shared", ListOptions()).all().isEmpty)
    }

    @Test func bucketSettingsPersistAndDefaultsAreFilled() async throws {
        defer { directory.remove() }
        let created = try await store.createBucket("settings", project: "p", settings: BucketSettings(location: "europe-west1"))
        #expect(created.settings.location == "EUROPE-WEST1")
        #expect(created.settings.storageClass == .standard)
        #expect(created.settings.versioning == false)
        #expect(created.project == "p")
        #expect(created.metageneration == 1)
        let reopened = LocalStore(root: directory.path)
        #expect(try await reopened.getBucket("settings") == created)
    }
}
