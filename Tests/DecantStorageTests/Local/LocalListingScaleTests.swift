import DecantCore
import DecantSQLite
import Foundation
import Testing
import TestSupport
@testable import DecantStorage

/// Listing a large bucket page by page: the index is queried a page at a time,
/// so memory does not grow with the bucket.
@Suite struct LocalListingScaleTests {
    @Test func hundredThousandObjectsInPagesOfAThousand() async throws {
        let directory = try TemporaryDirectory("decant-scale")
        defer { directory.remove() }
        let store = LocalStore(root: directory.path)
        _ = try await store.createBucket("big", project: nil, settings: BucketSettings())
        // Rows are written straight into the index: listing never touches the files.
        let database = try SQLiteDatabase(path: directory.path + "/big/.decant/index.db")
        let count = 100_000
        try database.transaction {
            for i in 0..<count {
                let row = StoredObject(name: String(format: "part-%02d/file-%06d.parquet", i % 50, i), generation: Int64(i + 1),
                                       size: 10, crc32c: "AAAAAA==", md5: nil, timeCreated: 0, updated: 0, customTime: nil,
                                       storageClass: "STANDARD", contentType: nil, metadata: nil, blob: nil)
                let statement = try database.prepare(
                    "INSERT INTO objects (\(StoredObject.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                try statement.bind(row.bindings)
                try statement.runToEnd()
            }
        }
        database.close()

        let start = DispatchTime.now().uptimeNanoseconds
        var pages = 0, seen = 0
        var previous = ""
        for try await page in store.listObjects("big", ListOptions()) {
            #expect(page.objects.count <= 1000)
            pages += 1
            for object in page.objects {
                #expect(ByteOrder.less(previous, object.name))
                previous = object.name
            }
            seen += page.objects.count
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        #expect(seen == count)
        #expect(pages == count / 1000 || pages == count / 1000 + 1, "a last page may be empty")
        print("local listing: \(count) objects in \(pages) pages, \(Int(Double(count) / seconds)) objects/s")

        var folders: [String] = []
        for try await page in store.listObjects("big", ListOptions(delimiter: "/", pageSize: 7)) {
            #expect(page.objects.count + page.prefixes.count <= 7)
            folders += page.prefixes
        }
        #expect(folders.count == 50)
        #expect(folders.first == "part-00/")
        let one = try await store.listObjects("big", ListOptions(prefix: "part-07/", glob: "**/file-0000*")).all()
        #expect(one.map(\.name) == ["part-07/file-000007.parquet", "part-07/file-000057.parquet"])
    }
}
