/// What a set_bucket_iam action carries: the policy it was planned against (with
/// its etag) and the whole policy to `PUT`. The etag is the guard: a policy changed
/// since planning is a conflict, never overwritten.
public struct BucketIAMChange: Hashable, Sendable, Codable {
    public var bucket: String
    /// The policy observed when planning, etag included. For a bucket this plan
    /// creates, the policy the store gives a new bucket, without an etag: apply
    /// then reads it after the creation and requires the same grants.
    public var observed: IAMPolicy
    /// The policy to set: `observed` with each declared role replaced.
    public var policy: IAMPolicy
    /// Per role, who is added and who is removed (for review and the ledger).
    public var changes: [IAMRoleChange]

    public init(bucket: String, observed: IAMPolicy, policy: IAMPolicy, changes: [IAMRoleChange]) {
        self.bucket = bucket
        self.observed = observed
        self.policy = policy
        self.changes = changes
    }
}

/// Who may use one bucket, as the plan shows it: the roles that change, the
/// conditional bindings left alone, or why decant could not look.
public struct BucketAccessPlan: Hashable, Sendable, Codable {
    public enum Status: String, Hashable, Sendable, Codable {
        /// The policy differs from the declared roles: a set_bucket_iam action.
        case change
        /// The policy already grants what the plan declares.
        case inSync = "in_sync"
        /// The store keeps no IAM policies (fake-gcs-server): nothing is planned or applied.
        case notObservable = "not_observable"
    }

    public var status: Status
    public var changes: [IAMRoleChange]
    /// Observed conditional bindings the plan does not declare: shown, never touched.
    public var untouchedConditional: [IAMBinding]
    /// `iam_from_source`: conditional bindings of the source buckets, not carried.
    public var sourceConditional: [IAMBinding]
    /// `iam_from_source`: `deleted:` members of the source buckets, dropped.
    public var sourceDeleted: [IAMMember]
    /// The etag the change was planned against (nil for a bucket this plan creates).
    public var etag: String?

    public init(status: Status, changes: [IAMRoleChange] = [], untouchedConditional: [IAMBinding] = [],
                sourceConditional: [IAMBinding] = [], sourceDeleted: [IAMMember] = [], etag: String? = nil) {
        self.status = status
        self.changes = changes
        self.untouchedConditional = untouchedConditional
        self.sourceConditional = sourceConditional
        self.sourceDeleted = sourceDeleted
        self.etag = etag
    }
}
