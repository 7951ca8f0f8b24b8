import DecantCore
import Foundation

/// An int64 that GCS sends as a JSON string (some emulators send a number).
struct FlexibleInt64: Decodable, Sendable, Equatable {
    var value: Int64?

    init(value: Int64?) {
        self.value = value
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            value = nil
        } else if let text = try? container.decode(String.self) {
            value = Int64(text)
        } else {
            value = try container.decode(Int64.self)
        }
    }
}

/// The fields of a GCS object resource decant reads.
struct GCSObjectJSON: Decodable, Sendable, Equatable {
    /// What to ask for (`fields=`) where an object resource is the answer: what
    /// `ObjectRecord` holds, not the links, ids, etags and ACLs GCS sends by default.
    static let fields = "name,size,generation,metageneration,md5Hash,crc32c,timeCreated,updated,customTime,storageClass,contentType,metadata"

    var name: String
    var size: FlexibleInt64?
    var generation: FlexibleInt64?
    var metageneration: FlexibleInt64?
    var md5Hash: String?
    var crc32c: String?
    var timeCreated: String?
    var updated: String?
    var customTime: String?
    var storageClass: String?
    var contentType: String?
    /// Values may be null in some emulators' answers; those keys are dropped.
    var metadata: [String: String?]?

    var record: ObjectRecord {
        let metadata = self.metadata.map { $0.compactMapValues { $0 } }
        return ObjectRecord(
            name: name, size: size?.value ?? 0, generation: generation?.value ?? 0,
            metageneration: metageneration?.value ?? 1, crc32c: crc32c, md5: md5Hash,
            timeCreated: timeCreated.flatMap(Timestamp.parse), updated: updated.flatMap(Timestamp.parse),
            customTime: customTime.flatMap(Timestamp.parse), storageClass: storageClass.flatMap(StorageClass.init(rawValue:)),
            contentType: contentType, metadata: metadata?.isEmpty == true ? nil : metadata)
    }
}

/// `objects.list`.
struct GCSObjectListJSON: Decodable, Sendable, Equatable {
    var items: [GCSObjectJSON]?
    var prefixes: [String]?
    var nextPageToken: String?
}

/// `objects.rewrite`.
struct GCSRewriteJSON: Decodable, Sendable, Equatable {
    /// What `copyObject` reads of an answer (`fields=`): whether it is done, the token
    /// to continue with, and the new object.
    static let fields = "done,rewriteToken,resource(\(GCSObjectJSON.fields))"

    var done: Bool?
    var rewriteToken: String?
    var totalBytesRewritten: FlexibleInt64?
    var objectSize: FlexibleInt64?
    var resource: GCSObjectJSON?
}

/// The error document of any failed call.
struct GCSErrorJSON: Decodable, Sendable {
    struct Body: Decodable, Sendable {
        struct Item: Decodable, Sendable {
            var reason: String?
            var message: String?
        }
        var code: Int?
        var message: String?
        var errors: [Item]?
    }
    var error: Body?
}
