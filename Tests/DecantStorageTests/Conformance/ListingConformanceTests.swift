import DecantCore
import DecantStorage
import Foundation
import Testing
import TestSupport

/// Listing: order, pages, prefix, delimiter, offsets and globs, on every store.
@Suite struct ListingConformanceTests {
    static let names = [
        "a.txt", "data/2025-01-30/part-0.parquet", "data/2025-01-30/part-1.parquet", "data/2025-01-31/part-0.parquet",
        "data/2025-01-31/part-1.csv", "data/readme.md", "logs/x.log", "logs/y.log", "z", "\u{e9}t\u{e9}/caf\u{e9}",
    ] + (0..<15).map { "many/\(String(format: "%03d", $0))" }

    /// A bucket holding `names` (uploaded concurrently).
    static func populated(_ harness: StoreHarness) async throws -> String {
        let bucket = try await harness.bucket()
        let store = harness.store
        try await forEachConcurrently(names, width: 8) { name in
            _ = try await store.upload(bucket, name, data: Data(name.utf8), ifGenerationMatch: nil, contentType: "text/plain",
                                       metadata: nil)
        }
        return bucket
    }

    static func sortedByBytes(_ names: [String]) -> [String] {
        names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    @Test(arguments: StoreKind.allCases)
    func everythingInByteOrder(_ kind: StoreKind) async throws {
        let harness = try StoreHarness.make(kind)
        defer { harness.tearDown() }
        let bucket = try await ListingConformanceTests.populated(harness)
        let listed = try await harness.store.listObjects(bucket, ListOptions()).all()
        #expect(listed.map(\.name) == ListingConformanceTests.sortedByBytes(ListingConformanceTests.names))
        for object in listed {
            #expect(object.size == Int64(object.name.utf8.count))
            #expect(object.crc32c == CRC32C.base64(CRC32C.checksum(Data(object.name.utf8))))
            #expect(object.generation > 0)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func pagesAreCapped(_ kind: StoreKind) async throws {
        let harness = try StoreHarness.make(kind)
        defer { harness.tearDown() }
        try harness.require(\.pagination, "paginate listings")
        let bucket = try await ListingConformanceTests.populated(harness)
        var pages: [[String]] = []
        for try await page in harness.store.listObjects(bucket, ListOptions(pageSize: 4)) {
            #expect(page.objects.count <= 4)
            pages.append(page.objects.map(\.name))
        }
        #expect(pages.count >= 7)
        #expect(pages.flatMap { $0 } == ListingConformanceTests.sortedByBytes(ListingConformanceTests.names))
    }

    @Test(arguments: StoreKind.allCases)
    func prefixAndDelimiter(_ kind: StoreKind) async throws {
        let harness = try StoreHarness.make(kind)
        defer { harness.tearDown() }
        let bucket = try await ListingConformanceTests.populated(harness)
        let store = harness.store
        let data = try await store.listObjects(bucket, ListOptions(prefix: "data/")).all().map(\.name)
        #expect(data == ListingConformanceTests.names.filter { $0.hasPrefix("data/") }.sorted())

        var objects: [String] = [], prefixes: [String] = []
        for try await page in store.listObjects(bucket, ListOptions(prefix: "data/", delimiter: "/", pageSize: 2)) {
            objects += page.objects.map(\.name)
            prefixes += page.prefixes
        }
        #expect(objects == ["data/readme.md"])
        #expect(Set(prefixes) == ["data/2025-01-30/", "data/2025-01-31/"])

        var top: [String] = []
        for try await page in store.listObjects(bucket, ListOptions(delimiter: "/")) { top += page.prefixes }
        #expect(Set(top) == ["data/", "logs/", "many/", "\u{e9}t\u{e9}/"])
    }

    @Test(arguments: StoreKind.allCases)
    func offsetsAndGlobs(_ kind: StoreKind) async throws {
        let harness = try StoreHarness.make(kind)
        defer { harness.tearDown() }
        let bucket = try await ListingConformanceTests.populated(harness)
        let store = harness.store
        let window = try await store.listObjects(bucket, ListOptions(startOffset: "data/2025-01-31/", endOffset: "logs/y.log"))
            .all().map(\.name)
        #expect(window == ["data/2025-01-31/part-0.parquet", "data/2025-01-31/part-1.csv", "data/readme.md", "logs/x.log"])

        let parquet = try await store.listObjects(bucket, ListOptions(glob: "data/**/*.parquet")).all().map(\.name)
        #expect(parquet == ["data/2025-01-30/part-0.parquet", "data/2025-01-30/part-1.parquet",
                            "data/2025-01-31/part-0.parquet"])
        let shallow = try await store.listObjects(bucket, ListOptions(glob: "logs/*.log")).all().map(\.name)
        #expect(shallow == ["logs/x.log", "logs/y.log"])
        let braces = try await store.listObjects(bucket, ListOptions(prefix: "many/", glob: "many/00{1,3}")).all()
        #expect(braces.map(\.name) == ["many/001", "many/003"])
    }

    @Test(arguments: StoreKind.allCases)
    func listingAMissingBucketIsNotFound(_ kind: StoreKind) async throws {
        let harness = try StoreHarness.make(kind)
        defer { harness.tearDown() }
        let name = UniqueName.bucket()
        await #expect { _ = try await harness.store.listObjects(name, ListOptions()).all() } throws: {
            guard case StoreError.notFound(name, nil) = $0 else { return false }
            return true
        }
    }
}
