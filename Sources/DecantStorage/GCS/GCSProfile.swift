/// What kind of server a `GCSStore` talks to. The emulators leave out parts of the
/// API (GCS.md §The emulators); the profile says which, so tests skip only what
/// is really absent and the store filters on the client what the server ignores.
/// decant never relies on a server to enforce preconditions it has not promised.
public enum GCSProfile: String, Sendable, CaseIterable {
    case gcs
    case fakeGCSServer = "fake-gcs-server"
    case gcpStorageEmulator = "gcp-storage-emulator"

    public var capabilities: StoreCapabilities {
        switch self {
        case .gcs:
            return .full
        case .fakeGCSServer:
            // No `b/{bucket}/iam` route at all: it answers 404 for a bucket that exists.
            return StoreCapabilities(preconditions: false, bucketLabels: false, lifecycle: false, settingsOnCreate: false,
                                     storageClasses: false, metageneration: false, pagination: true, offsets: true,
                                     matchGlob: false, customTime: false, iamPolicies: false, iamEtags: false,
                                     iamNewBucketPolicy: false)
        case .gcpStorageEmulator:
            // A PATCH replaces the whole label map (keeping `null` values), a copy
            // ignores the destination's metadata, and a GET ignores `generation`
            // (GCSStore checks the generation it gets back). `b/{bucket}/iam` stores the
            // policy as sent, etag included: a new bucket has no bindings and etag
            // `CAE=`, a set keeps the client's etag (`CAI=` when none) and checks none.
            return StoreCapabilities(preconditions: false, bucketLabels: true, lifecycle: true, settingsOnCreate: false,
                                     storageClasses: false, metageneration: true, pagination: false, offsets: false,
                                     matchGlob: false, customTime: false, copyMetadata: false, labelMerge: false,
                                     iamPolicies: true, iamEtags: false, iamNewBucketPolicy: false)
        }
    }
}

/// Something a `GCSStore` did that an observer may count or log (never a secret).
public enum GCSEvent: Sendable {
    /// A call failed with a retryable error and is tried again after `delay` seconds:
    /// attempt `attempt` (1-based) of at most `maxAttempts` failed with `error`.
    case retrying(method: String, attempt: Int, maxAttempts: Int, delay: Double, error: StoreError)
}
