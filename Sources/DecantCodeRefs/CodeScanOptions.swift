import DecantCore

/// What to scan and how code names the source bucket, for one environment.
public struct CodeScanOptions: Hashable, Sendable, Codable {
    /// The code root, absolute.
    public var root: String
    /// GCS-style globs on paths relative to the root; empty includes everything.
    public var include: [String]
    public var exclude: [String]
    /// How code names the source bucket, already interpolated for `environment`:
    /// literal names (`data-bucket-dev`), templates (`data-bucket-{ENV_SHORT_NAME}`),
    /// constants (`DATA_GCS_BUCKET_NAME`, `{DATA_GCS_BUCKET_NAME}`).
    public var sourceRefs: [String]
    /// The environment being planned (`dev`): its value inside a literal name is
    /// what a template placeholder stands for.
    public var environment: String
    /// The other declared environments' literal source buckets (`stg` → `data-bucket-stg`),
    /// so that a hard-coded name of another environment is found and reported as such.
    public var otherEnvironmentBuckets: [String: String]
    /// Files larger than this are skipped (and reported).
    public var maxFileBytes: Int

    public static let defaultMaxFileBytes = 2 * 1024 * 1024

    /// Environment names teams use besides the declared ones: a source bucket's name
    /// with one of them in its environment's place is that environment's bucket.
    public static let usualEnvironments = ["dev", "test", "qa", "uat", "int", "stg", "staging", "preprod", "ehp", "prod", "production",
                                           "sandbox", "local"]

    /// Folders of the analysed bucket (`elementary_reports`): a path-only string in
    /// code that starts with one of them, under a path keyword of a call that names
    /// no bucket, is a mention of that folder (analysis only; never rewritten).
    public var mentionFolders: [String] = []

    public init(root: String, include: [String] = [], exclude: [String] = [], sourceRefs: [String],
                environment: String, otherEnvironmentBuckets: [String: String] = [:],
                maxFileBytes: Int = CodeScanOptions.defaultMaxFileBytes) {
        self.root = root
        self.include = include
        self.exclude = exclude
        self.sourceRefs = sourceRefs
        self.environment = environment
        self.otherEnvironmentBuckets = otherEnvironmentBuckets
        self.maxFileBytes = maxFileBytes
    }

    /// Options from a plan's `code:` section; `root` is the plan's `code.root`
    /// resolved to an absolute path by the caller.
    public init(code: CodeConfig, root: String, environment: String,
                otherEnvironmentBuckets: [String: String] = [:],
                maxFileBytes: Int = CodeScanOptions.defaultMaxFileBytes) {
        self.init(root: root, include: code.include, exclude: code.exclude, sourceRefs: code.sourceRefs,
                  environment: environment, otherEnvironmentBuckets: otherEnvironmentBuckets,
                  maxFileBytes: maxFileBytes)
    }
}
