import Foundation

/// One object as a listing or a head reports it. int64 fields arrive as JSON
/// strings from GCS; stores convert them. Checksums are base64, as GCS gives them.
public struct ObjectRecord: Hashable, Sendable, Codable {
    public var name: String
    public var size: Int64
    public var generation: Int64
    public var metageneration: Int64
    /// Base64 of the big-endian CRC-32C; always present on GCS.
    public var crc32c: String?
    /// Base64 MD5; absent on composite objects.
    public var md5: String?
    public var timeCreated: Date?
    public var updated: Date?
    public var customTime: Date?
    public var storageClass: StorageClass?
    public var contentType: String?
    public var metadata: [String: String]?

    public init(name: String, size: Int64, generation: Int64, metageneration: Int64 = 1, crc32c: String? = nil,
                md5: String? = nil, timeCreated: Date? = nil, updated: Date? = nil, customTime: Date? = nil,
                storageClass: StorageClass? = nil, contentType: String? = nil, metadata: [String: String]? = nil) {
        self.name = name
        self.size = size
        self.generation = generation
        self.metageneration = metageneration
        self.crc32c = crc32c
        self.md5 = md5
        self.timeCreated = timeCreated
        self.updated = updated
        self.customTime = customTime
        self.storageClass = storageClass
        self.contentType = contentType
        self.metadata = metadata
    }

    /// Same content as far as size and checksums can tell (GCS.md: crc32c and size
    /// always, md5 when both sides have it). Without a crc32c on either side the
    /// content is unknown and this is false.
    public func hasSameContent(as other: ObjectRecord) -> Bool {
        ContentIdentity(self).matches(ContentIdentity(other))
    }
}

/// Size and checksums of an object, what verification compares.
public struct ContentIdentity: Hashable, Sendable, Codable {
    public var size: Int64
    public var crc32c: String?
    public var md5: String?

    public init(size: Int64, crc32c: String?, md5: String?) {
        self.size = size
        self.crc32c = crc32c
        self.md5 = md5
    }

    public init(_ record: ObjectRecord) {
        self.init(size: record.size, crc32c: record.crc32c, md5: record.md5)
    }

    public func matches(_ other: ContentIdentity) -> Bool {
        guard size == other.size, let a = crc32c, let b = other.crc32c, a == b else { return false }
        if let m1 = md5, let m2 = other.md5, m1 != m2 { return false }
        return true
    }
}
