import DecantCore
import Foundation

/// Object storage as decant uses it. Implementations: `LocalStore` (a directory,
/// the embedded default) and `GCSStore` (the GCS JSON API, or an emulator).
///
/// Every precondition behaves as GCS documents it: a failed one throws
/// `StoreError.preconditionFailed` and changes nothing.
public protocol ObjectStore: Sendable {
    /// What this store really implements (emulators leave things out).
    var capabilities: StoreCapabilities { get }

    /// Nil when the bucket does not exist.
    func getBucket(_ name: String) async throws(StoreError) -> BucketInfo?
    func createBucket(_ name: String, project: String?, settings: BucketSettings) async throws(StoreError) -> BucketInfo
    /// `ifMetagenerationMatch`: only if the bucket's metadata is still at that metageneration.
    func patchBucket(_ name: String, _ patch: BucketPatch, ifMetagenerationMatch: Int64?) async throws(StoreError) -> BucketInfo
    /// Deletes an empty bucket (GCS refuses a non-empty one with 409).
    func deleteBucket(_ name: String) async throws(StoreError)

    /// Objects in lexicographic order of name, one page at a time; pages may be short.
    func listObjects(_ bucket: String, _ options: ListOptions) -> ObjectPages

    /// Nil when the object (or that generation of it) does not exist.
    func headObject(_ bucket: String, _ name: String, generation: Int64?) async throws(StoreError) -> ObjectRecord?

    /// Server-side copy (GCS `rewriteTo`, looping on the rewrite token until done).
    /// With `ifTargetGenerationMatch: 0` a `preconditionFailed` may come from the
    /// store's own retry of a first attempt that did succeed (GCSStore says "on
    /// attempt N" in the detail): the caller heads the target and compares it with
    /// the source before treating it as a conflict.
    func copyObject(_ request: CopyRequest) async throws(StoreError) -> ObjectRecord

    /// Deletes the live object; with `ifGenerationMatch`, only if that generation is still live.
    func deleteObject(_ bucket: String, _ name: String, ifGenerationMatch: Int64?) async throws(StoreError)

    /// Writes an object (state files, tests). `ifGenerationMatch: 0` means "only if absent".
    func upload(_ bucket: String, _ name: String, data: Data, ifGenerationMatch: Int64?,
                contentType: String?, metadata: [String: String]?) async throws(StoreError) -> ObjectRecord

    /// Reads an object's bytes and metadata (the live generation, or a given one).
    func download(_ bucket: String, _ name: String, generation: Int64?) async throws(StoreError) -> (Data, ObjectRecord)

    /// The bucket's IAM policy, conditional bindings included (GCS: version 3 requested).
    func bucketIAMPolicy(_ bucket: String) async throws(StoreError) -> IAMPolicy

    /// Replaces the bucket's IAM policy with `policy.normalized` (its version is the
    /// one the bindings need; its own `etag` is ignored) and returns what the store
    /// now holds, with its new etag. A role or member IAM would refuse is `invalid`. With `ifMatchEtag`, only if
    /// the policy is still at that etag: else `preconditionFailed`, nothing changed.
    /// GCSStore retries this call; a `preconditionFailed` "on attempt N" may be its own
    /// first attempt having succeeded, so the caller reads the policy back and compares
    /// grants (`IAMPolicy.grantsEqual`) before calling it a conflict.
    func setBucketIAMPolicy(_ bucket: String, _ policy: IAMPolicy, ifMatchEtag: String?) async throws(StoreError) -> IAMPolicy

    /// Set once the store's endpoint is judged down (`EndpointHealth`): every call
    /// fails from then on, and a run stops starting work. Nil for a local store.
    var unavailable: StoreError? { get }
}

extension ObjectStore {
    public var unavailable: StoreError? { nil }
}

/// Listing options (GCS.md §Objects).
public struct ListOptions: Hashable, Sendable {
    public var prefix: String
    /// With `/`, objects below the next `/` are folded into `prefixes`.
    public var delimiter: String?
    /// Inclusive lower bound on names.
    public var startOffset: String?
    /// Exclusive upper bound on names.
    public var endOffset: String?
    /// A server-side `matchGlob`; stores without it filter on the client.
    public var glob: String?
    /// Page size hint (≤ 1000 on GCS).
    public var pageSize: Int

    public init(prefix: String = "", delimiter: String? = nil, startOffset: String? = nil, endOffset: String? = nil,
                glob: String? = nil, pageSize: Int = 1000) {
        self.prefix = prefix
        self.delimiter = delimiter
        self.startOffset = startOffset
        self.endOffset = endOffset
        self.glob = glob
        self.pageSize = pageSize
    }
}

/// One page of a listing.
public struct ObjectPage: Sendable {
    public var objects: [ObjectRecord]
    /// With a delimiter: the "folders" at this level (`historization/tracking/`).
    public var prefixes: [String]

    public init(objects: [ObjectRecord], prefixes: [String] = []) {
        self.objects = objects
        self.prefixes = prefixes
    }
}

/// An async sequence of listing pages, built from a closure that fetches the next
/// page so that each store keeps its own paging state and no listing is ever held
/// in memory whole.
public struct ObjectPages: AsyncSequence, Sendable {
    public typealias Element = ObjectPage
    public typealias Failure = StoreError

    /// Returns the next page, or nil at the end.
    public typealias Next = @Sendable () async throws(StoreError) -> ObjectPage?
    private let makeNext: @Sendable () -> Next

    /// `makeNext` is called once per iteration and returns the page fetcher for it.
    public init(_ makeNext: @escaping @Sendable () -> Next) {
        self.makeNext = makeNext
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        let next: Next
        public func next() async throws(StoreError) -> ObjectPage? { try await next() }
        public func next(isolation actor: isolated (any Actor)?) async throws(StoreError) -> ObjectPage? {
            try await next()
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(next: makeNext()) }

    /// Every object, page by page, into one array (tests and small listings only).
    public func all() async throws(StoreError) -> [ObjectRecord] {
        var out: [ObjectRecord] = []
        let iterator = makeAsyncIterator()
        while let page = try await iterator.next() { out += page.objects }
        return out
    }
}

/// A server-side copy.
public struct CopyRequest: Hashable, Sendable {
    public var sourceBucket: String
    public var sourceName: String
    /// `ifSourceGenerationMatch`: copy only that generation.
    public var sourceGeneration: Int64?
    public var targetBucket: String
    public var targetName: String
    /// `ifGenerationMatch` on the destination: 0 means it must not exist; a generation
    /// means it must still be that one (an allowed overwrite); nil means no precondition.
    public var ifTargetGenerationMatch: Int64?
    public var storageClass: StorageClass?
    public var customTime: Date?
    public var metadata: [String: String]?
    /// Bytes per rewrite call when data really moves (a multiple of 1 MiB); nil lets the service choose.
    public var maxBytesPerCall: Int64?

    public init(sourceBucket: String, sourceName: String, sourceGeneration: Int64? = nil, targetBucket: String,
                targetName: String, ifTargetGenerationMatch: Int64? = 0, storageClass: StorageClass? = nil,
                customTime: Date? = nil, metadata: [String: String]? = nil, maxBytesPerCall: Int64? = nil) {
        self.sourceBucket = sourceBucket
        self.sourceName = sourceName
        self.sourceGeneration = sourceGeneration
        self.targetBucket = targetBucket
        self.targetName = targetName
        self.ifTargetGenerationMatch = ifTargetGenerationMatch
        self.storageClass = storageClass
        self.customTime = customTime
        self.metadata = metadata
        self.maxBytesPerCall = maxBytesPerCall
    }
}

/// What a store implements; conformance tests skip a case only where a capability is absent.
public struct StoreCapabilities: Hashable, Sendable {
    /// Preconditions (`ifGenerationMatch`, `ifMetagenerationMatch`, `ifSourceGenerationMatch`) are enforced.
    public var preconditions: Bool
    /// `labels` are kept on create and patch.
    public var bucketLabels: Bool
    /// `lifecycle` is kept on patch.
    public var lifecycle: Bool
    /// `lifecycle`, `labels`, `storageClass` … are kept by buckets.insert itself.
    public var settingsOnCreate: Bool
    /// `storageClass` of buckets and copies is kept.
    public var storageClasses: Bool
    /// `metageneration` grows with each bucket patch.
    public var metageneration: Bool
    /// Listing pages are capped and paginated.
    public var pagination: Bool
    /// `startOffset` and `endOffset` are honoured server-side.
    public var offsets: Bool
    /// `matchGlob` is honoured server-side.
    public var matchGlob: Bool
    /// `customTime` is kept on copies.
    public var customTime: Bool
    /// `metadata` set by a copy replaces the source's on the new object.
    public var copyMetadata: Bool
    /// A PATCH of `labels` merges into the existing ones, and a label set to `null` is removed.
    public var labelMerge: Bool
    /// `b/{bucket}/iam` keeps the policy set (bindings, conditions, version).
    public var iamPolicies: Bool
    /// The IAM etag changes with every set, and a set with a stale one is refused.
    public var iamEtags: Bool
    /// A new bucket's IAM policy is the one GCS gives (`IAMPolicy.newBucket`).
    public var iamNewBucketPolicy: Bool

    public init(preconditions: Bool, bucketLabels: Bool, lifecycle: Bool, settingsOnCreate: Bool,
                storageClasses: Bool, metageneration: Bool, pagination: Bool, offsets: Bool, matchGlob: Bool,
                customTime: Bool, copyMetadata: Bool = true, labelMerge: Bool = true, iamPolicies: Bool = true,
                iamEtags: Bool = true, iamNewBucketPolicy: Bool = true) {
        self.preconditions = preconditions
        self.bucketLabels = bucketLabels
        self.lifecycle = lifecycle
        self.settingsOnCreate = settingsOnCreate
        self.storageClasses = storageClasses
        self.metageneration = metageneration
        self.pagination = pagination
        self.offsets = offsets
        self.matchGlob = matchGlob
        self.customTime = customTime
        self.copyMetadata = copyMetadata
        self.labelMerge = labelMerge
        self.iamPolicies = iamPolicies
        self.iamEtags = iamEtags
        self.iamNewBucketPolicy = iamNewBucketPolicy
    }

    /// The store keeps and reports `field`, so a plan can compare it (the emulators
    /// drop some settings, which would otherwise be planned again at every run).
    public func keeps(_ field: BucketSettingField) -> Bool {
        switch field {
        case .storageClass: return storageClasses
        case .labels: return bucketLabels
        case .lifecycle: return lifecycle
        default: return true
        }
    }

    /// Everything, as real GCS and LocalStore do.
    public static let full = StoreCapabilities(preconditions: true, bucketLabels: true, lifecycle: true,
                                               settingsOnCreate: true, storageClasses: true, metageneration: true,
                                               pagination: true, offsets: true, matchGlob: true, customTime: true)
}

/// Why a store call failed; every case names what it was about.
public enum StoreError: Error, Hashable, Sendable, LocalizedError {
    case notFound(bucket: String, object: String?)
    case preconditionFailed(bucket: String, object: String?, detail: String)
    case conflict(bucket: String, object: String?, detail: String)
    case rateLimited(bucket: String?, object: String?, detail: String)
    case transient(bucket: String?, object: String?, detail: String)
    case permissionDenied(bucket: String?, object: String?, detail: String)
    case invalid(bucket: String?, object: String?, detail: String)
    /// The endpoint stopped answering (EndpointHealth): every call fails at once from then on.
    case unavailable(endpoint: String, detail: String)
    /// A Storage Transfer Service job or operation (`transferJobs/…`, `transferOperations/…`)
    /// that does not exist in the project.
    case transferNotFound(name: String)
    /// `transferJobs.create` with a name that is taken (by a job of any status).
    case transferJobExists(job: String)
    /// `transferJobs.run` while an operation of the job is still running: a job runs
    /// one operation at a time. `operation` is that one, to watch instead.
    case transferOperationActive(job: String, operation: String)
    /// A job the Storage Transfer Service reference refuses (or decant does), found
    /// before any request or answered 400 by the service.
    case invalidTransferJob(job: String?, problems: [String])

    public var errorDescription: String? {
        func at(_ b: String?, _ o: String?) -> String {
            switch (b, o) {
            case let (b?, o?): return "gs://\(b)/\(o)"
            case let (b?, nil) where !b.isEmpty: return "gs://\(b)"
            default: return "the store"
            }
        }
        switch self {
        case let .notFound(b, o): return "\(at(b, o)) does not exist"
        case let .preconditionFailed(b, o, d): return "\(at(b, o)): precondition failed (\(d))"
        case let .conflict(b, o, d): return "\(at(b, o)): conflict (\(d))"
        case let .rateLimited(b, o, d): return "\(at(b, o)): rate limited (\(d))"
        case let .transient(b, o, d): return "\(at(b, o)): temporary failure (\(d))"
        case let .permissionDenied(b, o, d): return "\(at(b, o)): permission denied (\(d))"
        case let .invalid(b, o, d): return "\(at(b, o)): invalid request (\(d))"
        case let .transferNotFound(name): return "\(name) does not exist in the Storage Transfer Service project"
        case let .transferJobExists(job): return "\(job) already exists"
        case let .transferOperationActive(job, operation):
            return "\(job) is still running \(operation): a job runs one operation at a time"
        case let .invalidTransferJob(job, problems):
            return "\(job ?? "the transfer job") is not valid: " + problems.joined(separator: "; ")
        case let .unavailable(endpoint, d):
            return "the storage endpoint \(endpoint) stopped answering (\(d)); decant stopped: run the command again once it answers"
        }
    }

    /// The call may have been carried out although it failed: no answer came
    /// (a reset, a timeout, a dead endpoint). A refusal (412, 403, 400, 409, 429) means it was not.
    public var mayHaveHappened: Bool {
        switch self {
        case .transient, .unavailable: return true
        default: return false
        }
    }

    /// Worth retrying with backoff (for idempotent calls).
    public var isRetryable: Bool {
        switch self {
        case .rateLimited, .transient: return true
        default: return false
        }
    }
}
