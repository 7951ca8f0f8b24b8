import DecantCore
import DecantSQLite
import Foundation

extension LocalBucket {
    /// The bucket's metadata, or nil when it does not exist.
    func info() throws(StoreError) -> BucketInfo? {
        guard let database = try index() else { return nil }
        return try settings(database)
    }

    func settings(_ database: SQLiteDatabase) throws(StoreError) -> BucketInfo {
        let rows = try sql { () throws -> [BucketInfo] in
            try database.query("SELECT name, project, settings, metageneration, time_created FROM bucket") { row in
                let settings = try JSONDecoder().decode(BucketSettings.self, from: Data((row.text(2) ?? "{}").utf8))
                return BucketInfo(name: row.text(0) ?? name, settings: settings, metageneration: row.int(3) ?? 1,
                                  timeCreated: row.int(4).map(Timestamp.date(micros:)), project: row.text(1))
            }
        }
        guard let info = rows.first else {
            throw .transient(bucket: name, object: nil, detail: "the local index has no bucket row")
        }
        return info
    }

    /// Applies a patch if `ifMetagenerationMatch` allows, bumping the metageneration.
    func patch(_ patch: BucketPatch, ifMetagenerationMatch: Int64?) throws(StoreError) -> BucketInfo {
        try transaction { database throws(StoreError) in
            var info = try settings(database)
            if let expected = ifMetagenerationMatch, expected != info.metageneration {
                throw .preconditionFailed(bucket: name, object: nil,
                                          detail: "ifMetagenerationMatch=\(expected), metageneration is \(info.metageneration)")
            }
            info.settings = LocalBucket.normalized(patch.applied(to: info.settings))
            info.metageneration += 1
            let encoded = try LocalBucket.encode(info.settings, bucket: name)
            let now = Timestamp.micros(options.clock.now())
            try sql {
                try database.run("UPDATE bucket SET settings = ?, metageneration = ?, updated = ?",
                                 encoded, info.metageneration, now)
            }
            return info
        }
    }

    /// Deletes the bucket if it holds no object: its folder is moved to the store's
    /// trash by one rename (under the write lock, so no writer can slip in), then removed.
    func deleteBucket() throws(StoreError) {
        let trash = StoreLayout.trash(layout.root) + "/" + UUID().uuidString
        try transaction { database throws(StoreError) in
            let count = try sql { () throws -> Int64 in try database.scalarInt("SELECT COUNT(*) FROM objects") ?? 0 }
            guard count == 0 else {
                throw .conflict(bucket: name, object: nil, detail: "the bucket is not empty (\(count) objects)")
            }
            do throws(FileError) {
                try FileSystem.makeDirectories(StoreLayout.trash(layout.root))
                try FileSystem.move(layout.directory, trash)
            } catch {
                throw StoreError.file(error, bucket: name, object: nil)
            }
        }
        closeIndex()
        FileSystem.removeTree(trash)
    }

    /// What GCS itself fills in: an empty label map or rule list is reported as absent.
    static func normalized(_ settings: BucketSettings) -> BucketSettings {
        var settings = settings
        if settings.labels?.isEmpty == true { settings.labels = nil }
        if settings.lifecycle?.isEmpty == true { settings.lifecycle = nil }
        return settings
    }

    static func encode(_ settings: BucketSettings, bucket: String) throws(StoreError) -> String {
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            return String(decoding: try encoder.encode(settings), as: UTF8.self)
        } catch {
            throw .invalid(bucket: bucket, object: nil, detail: "cannot encode the bucket settings: \(error)")
        }
    }
}
