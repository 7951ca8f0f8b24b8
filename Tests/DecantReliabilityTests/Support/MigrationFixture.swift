import DecantCore
import DecantStorage
import Foundation
import TestSupport

/// The migration the reliability tests apply: a shared source bucket of `count`
/// objects, half copied with a subfolder rename and kept, half moved (copied,
/// verified, then deleted from the source by a `cleanup` whose validation period
/// has passed at `--now`). Names and bytes are a pure function of the index, so
/// every check knows what must be where.
struct MigrationFixture: Sendable {
    /// One source object and where it must end.
    struct Item: Sendable {
        var source: String
        var targetBucket: String
        var target: String
        var data: Data
        var crc32c: String
        /// Whether cleanup deletes the source (the `move` migration).
        var moved: Bool
    }

    /// Unique per scenario, so emulator buckets never collide.
    let run: String
    private(set) var storageLine: String
    let items: [Item]
    var sourceBucket: String { "src-\(run)" }
    var keepBucket: String { "keep-\(run)" }
    var movedBucket: String { "moved-\(run)" }

    /// Every apply runs on the real clock, as in production: the `move` cleanup has
    /// no validation period (`after: 0d`), so a source goes once its copy is verified.
    /// (A `--now` ahead of the real clock would not delete it: see PinnedNow.)
    static let applyArguments = ["apply", "--env", "dev", "--auto-approve", "--max-delete", "100000"]

    init(run: String = "c" + String(UUID().uuidString.lowercased().prefix(8)), storage: String, count: Int = 3000) {
        self.run = run
        storageLine = storage
        var items: [Item] = []
        for i in 0..<count {
            let moved = i % 2 == 1
            // Sizes from 64 B to ~2 KB; bytes that differ per object.
            var generator = SplitMix64(seed: UInt64(i) &* 7919 &+ 17)
            let size = 64 + Int(generator.next() % 2000)
            let data = Data((0..<size).map { _ in UInt8(truncatingIfNeeded: generator.next()) })
            let source: String, targetBucket: String, target: String
            if moved {
                let relative = String(format: "p-%02d/obj-%05d.bin", i % 20, i)
                source = "move/" + relative
                targetBucket = "moved-\(run)"
                target = "moved/" + relative
            } else {
                let folder = i % 4 == 0 ? "a" : "b"
                let file = String(format: "obj-%05d.bin", i)
                source = "keep/\(folder)/\(file)"
                targetBucket = "keep-\(run)"
                target = "copied/\(folder == "a" ? "renamed_a" : "b")/\(file)"
            }
            items.append(Item(source: source, targetBucket: targetBucket, target: target, data: data,
                              crc32c: CRC32C.base64(data), moved: moved))
        }
        self.items = items
    }

    /// The same objects, reached through another `storage:` line (an endpoint that moved).
    func with(storage: String) -> MigrationFixture {
        var copy = self
        copy.storageLine = storage
        return copy
    }

    func planYAML() -> String {
        """
        decant: 1
        environments:
          dev: { project: test }
        storage: \(storageLine)
        state: { backend: local, path: "state/${env}.db" }
        buckets:
          keep:  { name: "\(keepBucket)" }
          moved: { name: "\(movedBucket)" }
        migrations:
          keep:
            source: "\(sourceBucket)/keep/"
            target: "keep/copied/"
            subfolders: { a/: renamed_a/ }
            verify: checksum
          move:
            source: "\(sourceBucket)/move/"
            target: "moved/moved/"
            verify: checksum
            cleanup: { delete_source: true, after: 0d }

        """
    }

    /// Creates the source bucket and writes every source object.
    func fill(_ store: any ObjectStore, width: Int = 32) async throws {
        _ = try await store.createBucket(sourceBucket, project: "test", settings: BucketSettings())
        if let local = store as? LocalStore {
            for start in stride(from: 0, to: items.count, by: 1000) {
                let batch = items[start..<min(start + 1000, items.count)].map { (name: $0.source, data: $0.data) }
                _ = try await local.importObjects(sourceBucket, Array(batch))
            }
            return
        }
        try await forEachConcurrently(items, width: width) { item in
            _ = try await store.upload(sourceBucket, item.source, data: item.data, ifGenerationMatch: 0,
                                       contentType: nil, metadata: nil)
        }
    }

    /// Every object of `bucket`, by name.
    static func list(_ store: any ObjectStore, _ bucket: String) async throws -> [String: ObjectRecord] {
        guard try await store.getBucket(bucket) != nil else { return [:] }
        var objects: [String: ObjectRecord] = [:]
        for try await page in store.listObjects(bucket, ListOptions(prefix: "")) {
            for object in page.objects { objects[object.name] = object }
        }
        return objects
    }
}
