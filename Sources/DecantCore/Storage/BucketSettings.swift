import Foundation

/// The managed settings of a bucket. Used both for what a plan wants (a `nil`
/// field is not managed by decant and never changed) and for what a store reports.
public struct BucketSettings: Hashable, Sendable, Codable {
    public var location: String?
    public var storageClass: StorageClass?
    public var labels: [String: String]?
    public var versioning: Bool?
    public var uniformAccess: Bool?
    /// `inherited` or `enforced`.
    public var publicAccessPrevention: String?
    public var retentionPeriodSeconds: Int64?
    public var softDeleteSeconds: Int64?
    public var autoclass: Bool?
    public var lifecycle: [LifecycleRule]?

    public init(location: String? = nil, storageClass: StorageClass? = nil, labels: [String: String]? = nil,
                versioning: Bool? = nil, uniformAccess: Bool? = nil, publicAccessPrevention: String? = nil,
                retentionPeriodSeconds: Int64? = nil, softDeleteSeconds: Int64? = nil, autoclass: Bool? = nil,
                lifecycle: [LifecycleRule]? = nil) {
        self.location = location
        self.storageClass = storageClass
        self.labels = labels
        self.versioning = versioning
        self.uniformAccess = uniformAccess
        self.publicAccessPrevention = publicAccessPrevention
        self.retentionPeriodSeconds = retentionPeriodSeconds
        self.softDeleteSeconds = softDeleteSeconds
        self.autoclass = autoclass
        self.lifecycle = lifecycle
    }

    /// Names of the settings, in the order plans print them.
    public enum Field: String, Sendable, Codable, CaseIterable {
        case location, storageClass = "storage_class", labels, versioning, uniformAccess = "uniform_access"
        case publicAccessPrevention = "public_access_prevention", retentionPeriod = "retention_period"
        case softDelete = "soft_delete", autoclass, lifecycle

        /// Fixed at creation: a difference cannot be patched.
        public var isImmutable: Bool { self == .location }
    }
}

/// A bucket as a store reports it.
public struct BucketInfo: Hashable, Sendable, Codable {
    public var name: String
    public var settings: BucketSettings
    public var metageneration: Int64
    public var timeCreated: Date?
    public var project: String?

    public init(name: String, settings: BucketSettings = BucketSettings(), metageneration: Int64 = 1,
                timeCreated: Date? = nil, project: String? = nil) {
        self.name = name
        self.settings = settings
        self.metageneration = metageneration
        self.timeCreated = timeCreated
        self.project = project
    }
}

/// A partial update of a bucket: only non-nil fields are sent. A label set to `nil`
/// inside `labels` removes it, as a GCS PATCH does.
public struct BucketPatch: Hashable, Sendable, Codable {
    public var storageClass: StorageClass?
    public var labels: [String: String?]?
    public var versioning: Bool?
    public var uniformAccess: Bool?
    public var publicAccessPrevention: String?
    public var retentionPeriodSeconds: Int64?
    public var softDeleteSeconds: Int64?
    public var autoclass: Bool?
    public var lifecycle: [LifecycleRule]?

    public init(storageClass: StorageClass? = nil, labels: [String: String?]? = nil, versioning: Bool? = nil,
                uniformAccess: Bool? = nil, publicAccessPrevention: String? = nil,
                retentionPeriodSeconds: Int64? = nil, softDeleteSeconds: Int64? = nil, autoclass: Bool? = nil,
                lifecycle: [LifecycleRule]? = nil) {
        self.storageClass = storageClass
        self.labels = labels
        self.versioning = versioning
        self.uniformAccess = uniformAccess
        self.publicAccessPrevention = publicAccessPrevention
        self.retentionPeriodSeconds = retentionPeriodSeconds
        self.softDeleteSeconds = softDeleteSeconds
        self.autoclass = autoclass
        self.lifecycle = lifecycle
    }

    public var isEmpty: Bool { self == BucketPatch() }

    /// The settings after applying this patch.
    public func applied(to settings: BucketSettings) -> BucketSettings {
        var s = settings
        if let storageClass { s.storageClass = storageClass }
        if let labels {
            var merged = s.labels ?? [:]
            for (key, value) in labels { merged[key] = value }
            s.labels = merged
        }
        if let versioning { s.versioning = versioning }
        if let uniformAccess { s.uniformAccess = uniformAccess }
        if let publicAccessPrevention { s.publicAccessPrevention = publicAccessPrevention }
        if let retentionPeriodSeconds { s.retentionPeriodSeconds = retentionPeriodSeconds }
        if let softDeleteSeconds { s.softDeleteSeconds = softDeleteSeconds }
        if let autoclass { s.autoclass = autoclass }
        if let lifecycle { s.lifecycle = lifecycle }
        return s
    }
}
