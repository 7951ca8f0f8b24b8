import DecantCore
import Foundation

/// An int64 that GCS sends as a JSON string (some emulators send a number).
struct FlexibleInt64: Decodable, Sendable {
    var value: Int64?

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
struct GCSObjectJSON: Decodable, Sendable {
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
struct GCSObjectListJSON: Decodable, Sendable {
    var items: [GCSObjectJSON]?
    var prefixes: [String]?
    var nextPageToken: String?
}

/// `objects.rewrite`.
struct GCSRewriteJSON: Decodable, Sendable {
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
