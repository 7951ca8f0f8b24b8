import DecantCore
import DecantEngine
import DecantStorage
import Foundation
import Testing
import TestSupport

/// The analysis reads a bucket of two million objects from a store that
/// makes each page when asked and keeps none: it counts everything, lists each
/// folder once, and never lists the whole bucket flat.
@Suite struct StreamingTests {
    /// `folder-K/part-NNNNNNN` for K < folders and N < perFolder, made page by page.
    final class SyntheticStore: ObjectStore, @unchecked Sendable {
        // Safe: `calls` is only touched under `lock`.
        let folders: Int
        let perFolder: Int
        let start = Date(timeIntervalSince1970: 1_700_000_000)
        private let lock = NSLock()
        private var calls: [ListOptions] = []

        init(folders: Int, perFolder: Int) {
            self.folders = folders
            self.perFolder = perFolder
        }

        var listings: [ListOptions] { lock.withLock { calls } }
        var capabilities: StoreCapabilities { .full }

        func getBucket(_ name: String) async throws(StoreError) -> BucketInfo? {
            BucketInfo(name: name, settings: BucketSettings())
        }

        func listObjects(_ bucket: String, _ options: ListOptions) -> ObjectPages {
            lock.withLock { calls.append(options) }
            let folders = self.folders, perFolder = self.perFolder, start = self.start
            return ObjectPages {
                let cursor = Locked(0)
                return { () async throws(StoreError) -> ObjectPage? in
                    let position = cursor.withLock { p -> Int in defer { p += 1 }; return p }
                    if options.prefix.isEmpty {
                        // The root, with a delimiter: only the folders.
                        guard options.delimiter == "/", position == 0 else { return nil }
                        return ObjectPage(objects: [], prefixes: (0..<folders).map { "folder-\($0)/" })
                    }
                    let first = position * options.pageSize
                    guard first < perFolder else { return nil }
                    let objects = (first..<min(first + options.pageSize, perFolder)).map { n in
                        ObjectRecord(name: options.prefix + "part-\(n)", size: 10, generation: 1,
                                     timeCreated: start.addingTimeInterval(Double(n)))
                    }
                    return ObjectPage(objects: objects)
                }
            }
        }

        func createBucket(_ name: String, project: String?, settings: BucketSettings) async throws(StoreError) -> BucketInfo { throw unused }
        func patchBucket(_ name: String, _ patch: BucketPatch, ifMetagenerationMatch: Int64?) async throws(StoreError) -> BucketInfo { throw unused }
        func deleteBucket(_ name: String) async throws(StoreError) { throw unused }
        func headObject(_ bucket: String, _ name: String, generation: Int64?) async throws(StoreError) -> ObjectRecord? { throw unused }
        func copyObject(_ request: CopyRequest) async throws(StoreError) -> ObjectRecord { throw unused }
        func deleteObject(_ bucket: String, _ name: String, ifGenerationMatch: Int64?) async throws(StoreError) { throw unused }
        func upload(_ bucket: String, _ name: String, data: Data, ifGenerationMatch: Int64?, contentType: String?,
                    metadata: [String: String]?) async throws(StoreError) -> ObjectRecord { throw unused }
        func download(_ bucket: String, _ name: String, generation: Int64?) async throws(StoreError) -> (Data, ObjectRecord) { throw unused }
        func bucketIAMPolicy(_ bucket: String) async throws(StoreError) -> IAMPolicy { throw unused }
        func setBucketIAMPolicy(_ bucket: String, _ policy: IAMPolicy, ifMatchEtag: String?) async throws(StoreError) -> IAMPolicy { throw unused }
        var unused: StoreError { .invalid(bucket: nil, object: nil, detail: "not used by the analysis") }
    }

    @Test func twoMillionObjectsAreCountedFolderByFolder() async throws {
        let store = SyntheticStore(folders: 5, perFolder: 400_000)
        let now = FixedClock(store.start.addingTimeInterval(400_000 + 86_400 * 3))
        let analysis = try await BucketAnalyzer(store: store, clock: now)
            .analyze(AnalysisOptions(environment: "dev", bucket: "big-bucket-dev"))
        #expect(analysis.folders.map(\.path) == (0..<5).map { "folder-\($0)/" })
        for folder in analysis.folders {
            #expect(folder.stats.objects == 400_000)
            #expect(folder.stats.bytes == 4_000_000)
            #expect(folder.stats.oldest == store.start)
            #expect(folder.stats.newest == store.start.addingTimeInterval(399_999))
            #expect(folder.temperature == .hot)
        }
        let listings = store.listings
        #expect(listings.count == 6)
        #expect(!listings.contains { $0.prefix.isEmpty && $0.delimiter == nil }, "the whole bucket was listed flat")
        #expect(listings.allSatisfy { $0.pageSize <= 1000 })
    }
}
