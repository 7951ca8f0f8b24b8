import DecantCore
import DecantSQLite
import Foundation

/// One row of a bucket index: everything GCS reports about a live object, plus
/// where its bytes are (`blob` nil means the file at `<bucket>/<name>`).
struct StoredObject: Codable, Equatable, Sendable {
    var name: String
    var generation: Int64
    var metageneration: Int64
    var size: Int64
    var crc32c: String
    var md5: String?
    var timeCreated: Int64
    var updated: Int64
    var customTime: Int64?
    var storageClass: String
    var contentType: String?
    var metadata: [String: String]?
    /// Relative to the bucket directory, when the bytes cannot live at the name.
    var blob: String?

    static let columns = """
        name, generation, metageneration, size, crc32c, md5, time_created, updated, custom_time,
        storage_class, content_type, metadata, blob
        """

    init(name: String, generation: Int64, metageneration: Int64 = 1, size: Int64, crc32c: String, md5: String?,
         timeCreated: Int64, updated: Int64, customTime: Int64?, storageClass: String, contentType: String?,
         metadata: [String: String]?, blob: String?) {
        self.name = name
        self.generation = generation
        self.metageneration = metageneration
        self.size = size
        self.crc32c = crc32c
        self.md5 = md5
        self.timeCreated = timeCreated
        self.updated = updated
        self.customTime = customTime
        self.storageClass = storageClass
        self.contentType = contentType
        self.metadata = metadata
        self.blob = blob
    }

    /// Reads the columns in the order of `columns`.
    init(row: SQLiteRow) {
        name = row.text(0) ?? ""
        generation = row.int(1) ?? 0
        metageneration = row.int(2) ?? 1
        size = row.int(3) ?? 0
        crc32c = row.text(4) ?? ""
        md5 = row.text(5)
        timeCreated = row.int(6) ?? 0
        updated = row.int(7) ?? 0
        customTime = row.int(8)
        storageClass = row.text(9) ?? StorageClass.standard.rawValue
        contentType = row.text(10)
        metadata = row.text(11).flatMap { text in
            try? JSONDecoder().decode([String: String].self, from: Data(text.utf8))
        }
        blob = row.text(12)
    }

    var bindings: [any SQLiteBindable] {
        let metadataText = metadata.flatMap { try? JSONEncoder().encode($0) }.map { String(decoding: $0, as: UTF8.self) }
        return [name, generation, metageneration, size, crc32c, md5, timeCreated, updated, customTime, storageClass,
                contentType, metadataText, blob]
    }

    var record: ObjectRecord {
        ObjectRecord(name: name, size: size, generation: generation, metageneration: metageneration, crc32c: crc32c,
                     md5: md5, timeCreated: Timestamp.date(micros: timeCreated), updated: Timestamp.date(micros: updated),
                     customTime: customTime.map(Timestamp.date(micros:)), storageClass: StorageClass(rawValue: storageClass),
                     contentType: contentType, metadata: metadata)
    }
}

/// The bucket index schema, applied as numbered migrations.
enum IndexSchema {
    static let migrations: [(version: Int, sql: String)] = [
        (1, """
            CREATE TABLE bucket (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                name TEXT NOT NULL,
                project TEXT,
                settings TEXT NOT NULL,
                metageneration INTEGER NOT NULL,
                time_created INTEGER NOT NULL,
                updated INTEGER NOT NULL,
                last_generation INTEGER NOT NULL
            );
            CREATE TABLE objects (
                name TEXT PRIMARY KEY,
                generation INTEGER NOT NULL,
                metageneration INTEGER NOT NULL,
                size INTEGER NOT NULL,
                crc32c TEXT NOT NULL,
                md5 TEXT,
                time_created INTEGER NOT NULL,
                updated INTEGER NOT NULL,
                custom_time INTEGER,
                storage_class TEXT NOT NULL,
                content_type TEXT,
                metadata TEXT,
                blob TEXT
            ) WITHOUT ROWID;
            """),
        // The bucket's IAM policy (JSON, without etag) and the serial its etag is made
        // from. No row: the policy the bucket was given at creation (see `LocalBucket.iamPolicy`).
        (2, """
            CREATE TABLE iam (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                policy TEXT NOT NULL,
                serial INTEGER NOT NULL
            );
            """),
    ]
}

/// A write or delete in progress, written to `.decant/pending/` (atomically, by
/// rename) before the first file-system change, so that a process killed between
/// moving bytes and committing the index is repaired by the next writer.
struct PendingChange: Codable, Equatable {
    enum Kind: String, Codable { case write, delete }
    var kind: Kind
    var name: String
    var generation: Int64
    /// For a write: the temporary file (relative to the bucket) that is renamed into place.
    var temp: String?
    /// For a write: the new row.
    var row: StoredObject?
}
