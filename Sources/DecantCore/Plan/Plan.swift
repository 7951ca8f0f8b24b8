/// The desired state for one environment: every plan file loaded, interpolated
/// and validated. Buckets are sorted by key and migrations by phase then key,
/// so everything computed from a Plan is deterministic.
public struct Plan: Hashable, Sendable, Codable {
    public var environment: String
    /// The environment's variables (`env`, `project`, …) after interpolation.
    public var variables: [String: String]
    public var storage: StorageConfig
    public var state: StateConfig
    public var code: CodeConfig?
    public var buckets: [BucketSpec]
    public var migrations: [Migration]
    /// SHA-256 over the plan files' paths and bytes: a saved plan made from other
    /// inputs is stale.
    public var inputDigest: String
    /// `pricing:`: the price table and the company's terms; nil: the built-in list prices.
    public var pricing: PricingConfig?
    /// `engines:`: when `engine: auto` copies with Storage Transfer Service.
    public var engines: EngineThresholds
    /// `promotion.<environment>`: the environment that must apply each migration first.
    public var promotion: Promotion?

    public init(environment: String, variables: [String: String] = [:], storage: StorageConfig,
                state: StateConfig, code: CodeConfig? = nil, buckets: [BucketSpec] = [],
                migrations: [Migration] = [], inputDigest: String = "", pricing: PricingConfig? = nil,
                engines: EngineThresholds = EngineThresholds(), promotion: Promotion? = nil) {
        self.promotion = promotion
        self.environment = environment
        self.variables = variables
        self.storage = storage
        self.state = state
        self.code = code
        self.buckets = buckets.sorted { $0.key < $1.key }
        self.migrations = migrations.sorted { ($0.phase, $0.key) < ($1.phase, $1.key) }
        self.inputDigest = inputDigest
        self.pricing = pricing
        self.engines = engines
    }

    public func bucket(key: String) -> BucketSpec? { buckets.first { $0.key == key } }
    public func bucket(named name: String) -> BucketSpec? { buckets.first { $0.name == name } }
    public func migration(key: String) -> Migration? { migrations.first { $0.key == key } }
}

/// Where objects live.
public enum StorageConfig: Hashable, Sendable, Codable {
    /// Google Cloud Storage; `endpoint` overrides the API base, and `emulator`
    /// (`fake-gcs-server`, `gcp-storage-emulator`) names an emulator whose gaps
    /// decant must work around.
    case gcs(project: String?, endpoint: String?, emulator: String? = nil)
    /// The embedded store: a directory, one folder per bucket.
    case local(root: String)
}

/// Where decant keeps its record of what it did.
public enum StateConfig: Hashable, Sendable, Codable {
    case local(path: String)
    case gcs(bucket: String, prefix: String)
}

/// The code repository scanned for references to the source bucket.
public struct CodeConfig: Hashable, Sendable, Codable {
    public var root: String
    public var include: [String]
    public var exclude: [String]
    /// How code names the source bucket: literal names (`data-bucket-dev`),
    /// templates (`data-bucket-{ENV_SHORT_NAME}`) and constants (`DATA_GCS_BUCKET_NAME`).
    public var sourceRefs: [String]
    /// References decant cannot place that a person has looked at (`code.acknowledged`):
    /// they no longer hold the deletions out of their bucket.
    public var acknowledged: [CodeAcknowledgement]

    public init(root: String, include: [String] = [], exclude: [String] = [], sourceRefs: [String] = [],
                acknowledged: [CodeAcknowledgement] = []) {
        self.root = root
        self.include = include
        self.exclude = exclude
        self.sourceRefs = sourceRefs
        self.acknowledged = acknowledged
    }
}

/// `{ path: "jobs/report/hooks.py", contains: "bucket_name=", reason: "writes run logs only" }`:
/// the references decant cannot place in `path` whose line contains `contains`
/// (every one in the file when it is empty) are known not to reach the sources
/// being moved, for `reason`.
public struct CodeAcknowledgement: Hashable, Sendable, Codable {
    public var path: String
    public var contains: String
    public var reason: String
    public var origin: SourceLocation?

    public init(path: String, contains: String = "", reason: String, origin: SourceLocation? = nil) {
        self.path = path
        self.contains = contains
        self.reason = reason
        self.origin = origin
    }

    /// True when this acknowledgement covers `reference`.
    public func covers(_ reference: CodeReference) -> Bool {
        reference.path == path && (contains.isEmpty || reference.excerpt.contains(contains))
    }
}

/// A bucket decant manages, resolved for one environment.
public struct BucketSpec: Hashable, Sendable, Codable {
    public var key: String
    public var name: String
    /// The desired settings; `nil` fields are left as they are.
    public var settings: BucketSettings
    /// The name of the lifecycle policy the rules came from, when they came from one.
    public var lifecyclePolicy: String?
    /// With age-based lifecycle rules: copies get the source's creation time as
    /// `customTime` and the rules are written with `daysSinceCustomTime`.
    public var preserveAge: Bool
    /// How code names this bucket after a rewrite (a constant such as `ARCHIVE_BUCKET_NAME`).
    public var codeRef: String?
    /// The project to create the bucket in (defaults to the storage project).
    public var project: String?
    /// Who may use the bucket (`iam:`, `iam_from_source:`); nil leaves its IAM policy alone.
    /// Its own resource with its own etag, not one of the `settings`.
    public var access: BucketAccess?
    public var origin: SourceLocation?

    public init(key: String, name: String, settings: BucketSettings = BucketSettings(), lifecyclePolicy: String? = nil,
                preserveAge: Bool = false, codeRef: String? = nil, project: String? = nil,
                access: BucketAccess? = nil, origin: SourceLocation? = nil) {
        self.key = key
        self.name = name
        self.settings = settings
        self.lifecyclePolicy = lifecyclePolicy
        self.preserveAge = preserveAge
        self.codeRef = codeRef
        self.project = project
        self.access = access
        self.origin = origin
    }

    /// The lifecycle rules as they are written to the bucket. With `preserve_age`,
    /// each age-based rule gets a twin on `customTime`: copies (which carry the
    /// source's creation time as `customTime`) age from their original creation,
    /// while objects written to the bucket later, without `customTime`, still match
    /// the original rule. Replacing the rule instead would leave them unmanaged.
    public var effectiveSettings: BucketSettings {
        var s = settings
        if preserveAge, let rules = s.lifecycle {
            s.lifecycle = rules + rules.filter(\.condition.dependsOnCreationTime).map(\.onCustomTime)
        }
        return s
    }
}
