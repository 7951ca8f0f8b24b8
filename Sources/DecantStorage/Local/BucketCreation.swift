#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import DecantCore
import DecantSQLite
import Foundation

/// Creates a local bucket atomically: the folder with its index is built in
/// `<root>/.decant-staging/` and moved into place by one `rename`, which fails when
/// a bucket (a folder that is never empty: it holds `.decant/`) already has the
/// name. A killed process leaves only a staging folder, never half a bucket.
struct BucketCreation {
    var root: String
    var info: BucketInfo

    func run() throws(StoreError) {
        let name = info.name
        let staging = StoreLayout.staging(root) + "/" + UUID().uuidString
        let layout = BucketLayout(root: staging, name: "bucket")
        do {
            for folder in [layout.temp, layout.pending, layout.blobs] { try FileSystem.makeDirectories(folder) }
            try initializeIndex(layout.index)
        } catch {
            FileSystem.removeTree(staging)
            throw StoreError.index(error, bucket: name, object: nil)
        }
        defer { FileSystem.removeTree(staging) }
        let target = root + "/" + name
        if let existing = FileSystem.status(target) {
            throw .conflict(bucket: name, object: nil, detail: existing.isDirectory && FileSystem.exists(target + "/.decant/index.db")
                ? "the bucket already exists" : "\(target) exists and is not a bucket of this store")
        }
        do throws(FileError) {
            try FileSystem.move(layout.directory, target)
        } catch where error.code == ENOTEMPTY || error.code == EEXIST || error.code == ENOTDIR || error.code == EISDIR {
            throw .conflict(bucket: name, object: nil, detail: "the bucket already exists")
        } catch {
            throw StoreError.file(error, bucket: name, object: nil)
        }
    }

    private func initializeIndex(_ path: String) throws {
        let database = try SQLiteDatabase(path: path)
        defer { database.close() }
        try database.migrate(IndexSchema.migrations)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let settings = String(decoding: try encoder.encode(info.settings), as: UTF8.self)
        let created = Timestamp.micros(info.timeCreated ?? Date())
        try database.run("""
            INSERT INTO bucket (id, name, project, settings, metageneration, time_created, updated, last_generation)
            VALUES (1, ?, ?, ?, 1, ?, ?, 0)
            """, info.name, info.project, settings, created, created)
        let policy = IAMPolicy.newBucket(project: info.project, uniformAccess: info.settings.uniformAccess == true)
        try database.run("INSERT INTO iam (id, policy, serial) VALUES (1, ?, 1)", try LocalBucket.encode(policy))
    }
}
