import DecantCore
import DecantStorage
import Foundation

/// An in-memory `ObjectStore` for tests, enforcing every precondition exactly as
/// GCS documents it (`ifGenerationMatch` 0 or a generation, `ifSourceGenerationMatch`,
/// `ifMetagenerationMatch`, non-empty buckets refuse deletion). Generations grow
/// with every write across the whole store, as GCS's do.
public actor MemoryObjectStore: ObjectStore {
    public nonisolated let capabilities: StoreCapabilities

    private struct StoredObject {
        var data: Data
        var record: ObjectRecord
    }

    private struct StoredBucket {
        var info: BucketInfo
        var objects: [String: StoredObject] = [:]
        /// Without etag; the etag is `IAMEtag.make(iamSerial)`, and the serial grows with every set.
        var iam: IAMPolicy
        var iamSerial: UInt64 = 1

        init(info: BucketInfo) {
            self.info = info
            iam = IAMPolicy.newBucket(project: info.project, uniformAccess: info.settings.uniformAccess == true)
            iam.etag = nil
        }
    }

    private var buckets: [String: StoredBucket] = [:]
    private var lastGeneration: Int64 = 1_700_000_000_000_000
    private let clock: any Clock

    /// `capabilities` without `iamPolicies` makes it answer IAM calls as
    /// fake-gcs-server does (404), for the plans of stores that keep no policies.
    public init(clock: any Clock = SystemClock(), buckets: [String] = [], capabilities: StoreCapabilities = .full) {
        self.clock = clock
        self.capabilities = capabilities
        for name in buckets { self.buckets[name] = StoredBucket(info: BucketInfo(name: name, timeCreated: clock.now())) }
    }

    /// Names of the live objects of `bucket`, sorted.
    public func objectNames(_ bucket: String) -> [String] {
        (buckets[bucket]?.objects.keys).map { $0.sorted(by: Self.byteOrder) } ?? []
    }

    // MARK: Buckets

    public func getBucket(_ name: String) throws(StoreError) -> BucketInfo? { buckets[name]?.info }

    public func createBucket(_ name: String, project: String?, settings: BucketSettings) throws(StoreError) -> BucketInfo {
        guard buckets[name] == nil else { throw .conflict(bucket: name, object: nil, detail: "the bucket already exists") }
        let info = BucketInfo(name: name, settings: settings, metageneration: 1, timeCreated: clock.now(), project: project)
        buckets[name] = StoredBucket(info: info)
        return info
    }

    public func patchBucket(_ name: String, _ patch: BucketPatch, ifMetagenerationMatch: Int64?) throws(StoreError) -> BucketInfo {
        guard var bucket = buckets[name] else { throw .notFound(bucket: name, object: nil) }
        if let expected = ifMetagenerationMatch, expected != bucket.info.metageneration {
            throw .preconditionFailed(bucket: name, object: nil,
                                      detail: "metageneration is \(bucket.info.metageneration), not \(expected)")
        }
        bucket.info.settings = patch.applied(to: bucket.info.settings)
        bucket.info.metageneration += 1
        buckets[name] = bucket
        return bucket.info
    }

    public func deleteBucket(_ name: String) throws(StoreError) {
        guard let bucket = buckets[name] else { throw .notFound(bucket: name, object: nil) }
        guard bucket.objects.isEmpty else { throw .conflict(bucket: name, object: nil, detail: "the bucket is not empty") }
        buckets[name] = nil
    }

    // MARK: IAM

    public func bucketIAMPolicy(_ bucket: String) throws(StoreError) -> IAMPolicy {
        guard capabilities.iamPolicies, let stored = buckets[bucket] else { throw .notFound(bucket: bucket, object: nil) }
        var policy = stored.iam
        policy.etag = IAMEtag.make(stored.iamSerial)
        return policy
    }

    /// Replaces the policy if `ifMatchEtag` is still the current etag, as GCS does.
    public func setBucketIAMPolicy(_ bucket: String, _ policy: IAMPolicy, ifMatchEtag: String?) throws(StoreError) -> IAMPolicy {
        guard capabilities.iamPolicies, var stored = buckets[bucket] else { throw .notFound(bucket: bucket, object: nil) }
        if let refusal = policy.refusal { throw .invalid(bucket: bucket, object: nil, detail: refusal) }
        let current = IAMEtag.make(stored.iamSerial)
        if let expected = ifMatchEtag, expected != current {
            throw .preconditionFailed(bucket: bucket, object: nil, detail: "the IAM policy's etag is \(current), not \(expected)")
        }
        stored.iam = policy.normalized
        stored.iam.etag = nil
        stored.iamSerial += 1
        buckets[bucket] = stored
        return try bucketIAMPolicy(bucket)
    }

    // MARK: Objects

    public nonisolated func listObjects(_ bucket: String, _ options: ListOptions) -> ObjectPages {
        ObjectPages {
            let cursor = ListingCursor()
            return { () async throws(StoreError) -> ObjectPage? in
                guard let after = await cursor.position() else { return nil }
                let (page, last) = try await self.page(bucket, options, after: after.isEmpty ? nil : after)
                await cursor.move(to: last)
                return page.objects.isEmpty && page.prefixes.isEmpty ? nil : page
            }
        }
    }

    /// One page of entries (objects and, with a delimiter, folded prefixes) whose
    /// sort key is after `after`; returns the last key, nil when the listing is done.
    private func page(_ name: String, _ options: ListOptions, after: String?) throws(StoreError) -> (ObjectPage, String?) {
        guard let bucket = buckets[name] else { throw .notFound(bucket: name, object: nil) }
        let glob = try options.glob.map { pattern throws(StoreError) in
            do { return try Glob(pattern) } catch { throw .invalid(bucket: name, object: nil, detail: "\(error)") }
        }
        var entries: [(key: String, record: ObjectRecord?)] = []
        var seenPrefixes = Set<String>()
        for objectName in bucket.objects.keys.sorted(by: Self.byteOrder) {
            guard objectName.utf8.starts(with: options.prefix.utf8) else { continue }
            if let start = options.startOffset, Self.byteOrder(objectName, start) { continue }
            if let end = options.endOffset, !Self.byteOrder(objectName, end) { continue }
            if let glob, !glob.matches(objectName) { continue }
            if let delimiter = options.delimiter, !delimiter.isEmpty {
                let rest = objectName.utf8.dropFirst(options.prefix.utf8.count)
                if let range = String(decoding: rest, as: UTF8.self).range(of: delimiter) {
                    let folded = options.prefix + String(String(decoding: rest, as: UTF8.self)[..<range.upperBound])
                    if seenPrefixes.insert(folded).inserted { entries.append((folded, nil)) }
                    continue
                }
            }
            entries.append((objectName, bucket.objects[objectName]?.record))
        }
        let remaining = entries.filter { after == nil || Self.byteOrder(after ?? "", $0.key) }
        let slice = remaining.prefix(max(1, options.pageSize))
        let page = ObjectPage(objects: slice.compactMap(\.record), prefixes: slice.filter { $0.record == nil }.map(\.key))
        let done = remaining.count <= slice.count
        return (page, done ? nil : slice.last?.key)
    }

    public func headObject(_ bucket: String, _ name: String, generation: Int64?) throws(StoreError) -> ObjectRecord? {
        guard let stored = buckets[bucket] else { throw .notFound(bucket: bucket, object: nil) }
        guard let object = stored.objects[name] else { return nil }
        if let generation, generation != object.record.generation { return nil }
        return object.record
    }

    public func copyObject(_ request: CopyRequest) throws(StoreError) -> ObjectRecord {
        guard let source = buckets[request.sourceBucket]?.objects[request.sourceName] else {
            throw .notFound(bucket: request.sourceBucket, object: request.sourceName)
        }
        if let generation = request.sourceGeneration, generation != source.record.generation {
            throw .preconditionFailed(bucket: request.sourceBucket, object: request.sourceName,
                                      detail: "source generation is \(source.record.generation), not \(generation)")
        }
        var record = source.record
        record.storageClass = request.storageClass ?? record.storageClass
        record.customTime = request.customTime ?? record.customTime
        record.metadata = request.metadata ?? record.metadata
        return try write(request.targetBucket, request.targetName, data: source.data, record: record,
                         ifGenerationMatch: request.ifTargetGenerationMatch)
    }

    public func deleteObject(_ bucket: String, _ name: String, ifGenerationMatch: Int64?) throws(StoreError) {
        guard let object = buckets[bucket]?.objects[name] else { throw .notFound(bucket: bucket, object: name) }
        if let expected = ifGenerationMatch, expected != object.record.generation {
            throw .preconditionFailed(bucket: bucket, object: name, detail: "generation is \(object.record.generation), not \(expected)")
        }
        buckets[bucket]?.objects[name] = nil
    }

    public func upload(_ bucket: String, _ name: String, data: Data, ifGenerationMatch: Int64?, contentType: String?,
                       metadata: [String: String]?) throws(StoreError) -> ObjectRecord {
        let record = ObjectRecord(name: name, size: Int64(data.count), generation: 0,
                                  crc32c: CRC32C.base64(data), md5: Data(Digest.md5(data)).base64EncodedString(),
                                  contentType: contentType, metadata: metadata)
        return try write(bucket, name, data: data, record: record, ifGenerationMatch: ifGenerationMatch)
    }

    public func download(_ bucket: String, _ name: String, generation: Int64?) throws(StoreError) -> (Data, ObjectRecord) {
        guard let object = buckets[bucket]?.objects[name], generation == nil || generation == object.record.generation else {
            throw .notFound(bucket: bucket, object: name)
        }
        return (object.data, object.record)
    }

    /// Stores `data` under a new generation if the precondition holds.
    private func write(_ bucket: String, _ name: String, data: Data, record: ObjectRecord,
                       ifGenerationMatch: Int64?) throws(StoreError) -> ObjectRecord {
        guard buckets[bucket] != nil else { throw .notFound(bucket: bucket, object: nil) }
        let current = buckets[bucket]?.objects[name]?.record.generation ?? 0
        if let expected = ifGenerationMatch, expected != current {
            throw .preconditionFailed(bucket: bucket, object: name,
                                      detail: current == 0 ? "the object does not exist" : "generation is \(current), not \(expected)")
        }
        lastGeneration += 1
        let now = clock.now()
        var stored = record
        stored.name = name
        stored.generation = lastGeneration
        stored.metageneration = 1
        stored.timeCreated = now
        stored.updated = now
        buckets[bucket]?.objects[name] = StoredObject(data: data, record: stored)
        return stored
    }

    /// GCS orders names by their UTF-8 bytes.
    static func byteOrder(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }
}

/// Where one iteration of a listing stands ("" before the first page, nil when done).
private actor ListingCursor {
    private var last: String? = ""
    func position() -> String? { last }
    func move(to key: String?) { last = key }
}
