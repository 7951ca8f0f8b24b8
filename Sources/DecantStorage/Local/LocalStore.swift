import DecantCore
import DecantSQLite
import Foundation

/// The embedded store: buckets are folders under `root`, objects are files at
/// `<root>/<bucket>/<name>` (browsable), and what GCS would report about them
/// lives in one SQLite index per bucket, `<root>/<bucket>/.decant/index.db`.
///
/// Behaves as GCS does where decant depends on it: generations that only grow,
/// every precondition, 409 on an existing or non-empty bucket, lexicographic
/// listing in pages of at most 1000. Safe for many tasks and several processes at
/// once, and consistent after a process is killed at any point (see `LocalBucket`).
public final class LocalStore: ObjectStore {
    public struct Options: Sendable {
        /// Flush object bytes to disk before committing them (survives power loss,
        /// not only a killed process); slower.
        public var syncWrites: Bool
        /// Times and generations come from here.
        public var clock: any Clock

        public init(syncWrites: Bool = false, clock: any Clock = SystemClock()) {
            self.syncWrites = syncWrites
            self.clock = clock
        }
    }

    public let root: String
    public let options: Options
    let registry: LocalBucketRegistry

    public var capabilities: StoreCapabilities { .full }

    public init(root: String, options: Options = Options()) {
        let root = URL(fileURLWithPath: root).standardizedFileURL.path
        self.root = root
        self.options = options
        registry = LocalBucketRegistry(root: root, options: options)
    }

    // MARK: - Buckets

    public func getBucket(_ name: String) async throws(StoreError) -> BucketInfo? {
        try LocalStore.validate(bucket: name)
        return try await registry.bucket(name).info()
    }

    public func createBucket(_ name: String, project: String?, settings: BucketSettings) async throws(StoreError) -> BucketInfo {
        try LocalStore.validate(bucket: name)
        var settings = LocalBucket.normalized(settings)
        settings.location = (settings.location ?? "US").uppercased()
        if settings.storageClass == nil { settings.storageClass = .standard }
        if settings.versioning == nil { settings.versioning = false }
        let info = BucketInfo(name: name, settings: settings, metageneration: 1, timeCreated: options.clock.now(),
                              project: project)
        try BucketCreation(root: root, info: info).run()
        return try await registry.bucket(name).info() ?? info
    }

    public func patchBucket(_ name: String, _ patch: BucketPatch, ifMetagenerationMatch: Int64?) async throws(StoreError) -> BucketInfo {
        try LocalStore.validate(bucket: name)
        return try await registry.bucket(name).patch(patch, ifMetagenerationMatch: ifMetagenerationMatch)
    }

    public func deleteBucket(_ name: String) async throws(StoreError) {
        try LocalStore.validate(bucket: name)
        try await registry.bucket(name).deleteBucket()
    }

    // MARK: - Objects

    public func listObjects(_ bucket: String, _ options: ListOptions) -> ObjectPages {
        let registry = registry
        return ObjectPages {
            let cursor = LocalListCursor()
            return { () async throws(StoreError) -> ObjectPage? in
                try await cursor.next { () async throws(StoreError) -> LocalListing in
                    try LocalStore.validate(bucket: bucket)
                    return LocalListing(bucket: await registry.bucket(bucket), plan: try LocalListPlan(options, bucket: bucket))
                }
            }
        }
    }

    public func headObject(_ bucket: String, _ name: String, generation: Int64?) async throws(StoreError) -> ObjectRecord? {
        try LocalStore.validate(bucket: bucket, object: name)
        return try await registry.bucket(bucket).head(name, generation: generation)?.record
    }

    public func copyObject(_ request: CopyRequest) async throws(StoreError) -> ObjectRecord {
        try LocalStore.validate(bucket: request.sourceBucket, object: request.sourceName)
        try LocalStore.validate(bucket: request.targetBucket, object: request.targetName)
        let target = await registry.bucket(request.targetBucket)
        let source = await registry.bucket(request.sourceBucket)
        let temporary = try await target.temporaryPath()
        let row: StoredObject
        do {
            row = try await source.linkSource(request.sourceName, ifGenerationMatch: request.sourceGeneration,
                                              into: temporary)
        } catch {
            try? FileSystem.remove(temporary)
            throw error
        }
        let object = NewObject(
            name: request.targetName, size: row.size, crc32c: row.crc32c, md5: row.md5,
            customTime: request.customTime ?? row.customTime.map(Timestamp.date(micros:)),
            storageClass: request.storageClass, contentType: row.contentType,
            metadata: request.metadata ?? row.metadata)
        return try await target.commitWrite(object, temporary: temporary, ifGenerationMatch: request.ifTargetGenerationMatch)
    }

    public func deleteObject(_ bucket: String, _ name: String, ifGenerationMatch: Int64?) async throws(StoreError) {
        try LocalStore.validate(bucket: bucket, object: name)
        try await registry.bucket(bucket).delete(name, ifGenerationMatch: ifGenerationMatch)
    }

    public func upload(_ bucket: String, _ name: String, data: Data, ifGenerationMatch: Int64?, contentType: String?,
                       metadata: [String: String]?) async throws(StoreError) -> ObjectRecord {
        try LocalStore.validate(bucket: bucket, object: name)
        let target = await registry.bucket(bucket)
        let (object, temporary) = try await stage(name, data, in: target, bucket: bucket, contentType: contentType, metadata: metadata)
        return try await target.commitWrite(object, temporary: temporary, ifGenerationMatch: ifGenerationMatch)
    }

    /// Writes `data` to a temporary file of `target` and describes the object it becomes.
    private func stage(_ name: String, _ data: Data, in target: LocalBucket, bucket: String, contentType: String?,
                       metadata: [String: String]?) async throws(StoreError) -> (object: NewObject, temporary: String) {
        let temporary = try await target.temporaryPath()
        do throws(FileError) {
            try FileSystem.createFile(temporary, data, sync: options.syncWrites)
        } catch {
            throw StoreError.file(error, bucket: bucket, object: name)
        }
        var crc = CRC32C()
        crc.update(data)
        return (NewObject(name: name, size: Int64(data.count), crc32c: crc.base64,
                          md5: Data(Digest.md5(data)).base64EncodedString(), customTime: nil, storageClass: nil,
                          contentType: contentType, metadata: metadata), temporary)
    }

    /// Creates many objects at once, in one transaction: those whose name is free
    /// (the others are skipped: nil in the result). For seeding a store from a local
    /// tree (`decant store import`) and for large fixtures.
    public func importObjects(_ bucket: String, _ objects: [(name: String, data: Data)]) async throws(StoreError) -> [ObjectRecord?] {
        try LocalStore.validate(bucket: bucket)
        let target = await registry.bucket(bucket)
        var prepared: [(object: NewObject, temporary: String)] = []
        prepared.reserveCapacity(objects.count)
        for (name, data) in objects {
            try LocalStore.validate(bucket: bucket, object: name)
            prepared.append(try await stage(name, data, in: target, bucket: bucket, contentType: nil, metadata: nil))
        }
        return try await target.importNew(prepared)
    }

    public func download(_ bucket: String, _ name: String, generation: Int64?) async throws(StoreError) -> (Data, ObjectRecord) {
        try LocalStore.validate(bucket: bucket, object: name)
        let handle = await registry.bucket(bucket)
        guard let row = try await handle.head(name, generation: generation) else {
            throw .notFound(bucket: bucket, object: name)
        }
        // Read without the lock; bytes that do not match the row raced a writer.
        if let data = try? FileSystem.readAll(handle.layout.path(of: row)), Int64(data.count) == row.size,
           CRC32C.checksum(data) == CRC32C.decode(row.crc32c) {
            return (data, row.record)
        }
        let (data, locked) = try await handle.readLocked(name, generation: generation)
        return (data, locked.record)
    }

    // MARK: - Validation

    static func validate(bucket: String) throws(StoreError) {
        let problems = BucketName.problems(bucket)
        guard problems.isEmpty else {
            throw .invalid(bucket: bucket, object: nil, detail: "bucket name " + problems.joined(separator: "; "))
        }
    }

    static func validate(bucket: String, object: String) throws(StoreError) {
        try validate(bucket: bucket)
        if let problem = ObjectName.problem(object) {
            throw .invalid(bucket: bucket, object: object, detail: "object name \(problem)")
        }
        if object == BucketLayout.controlName || object.hasPrefix(BucketLayout.controlName + "/") {
            throw .invalid(bucket: bucket, object: object,
                           detail: "names under '\(BucketLayout.controlName)/' are reserved by the local store")
        }
    }
}

/// One `LocalBucket` per bucket name for the life of a store.
actor LocalBucketRegistry {
    let root: String
    let options: LocalStore.Options
    private var buckets: [String: LocalBucket] = [:]

    init(root: String, options: LocalStore.Options) {
        self.root = root
        self.options = options
    }

    func bucket(_ name: String) -> LocalBucket {
        if let bucket = buckets[name] { return bucket }
        let bucket = LocalBucket(layout: BucketLayout(root: root, name: name), options: options)
        buckets[name] = bucket
        return bucket
    }
}

/// A listing in progress: the bucket, the resolved options and the position.
struct LocalListing: Sendable {
    var bucket: LocalBucket
    var plan: LocalListPlan
}

/// The paging state of one iteration over a local listing.
actor LocalListCursor {
    private var listing: LocalListing?
    private var position: LocalListPosition?
    private var finished = false

    func next(_ start: () async throws(StoreError) -> LocalListing) async throws(StoreError) -> ObjectPage? {
        if finished { return nil }
        if listing == nil {
            let listing = try await start()
            self.listing = listing
            position = listing.plan.start
        }
        guard let listing, let at = position else {
            finished = true
            return listing == nil ? nil : ObjectPage(objects: [])
        }
        let (page, next) = try await listing.bucket.page(listing.plan, at: at)
        position = next
        if next == nil { finished = true }
        return page
    }
}
