/// One place in the code repository that names the source bucket.
public struct CodeReference: Hashable, Sendable, Codable {
    /// How the reference is written.
    public enum Form: String, Hashable, Sendable, Codable, CaseIterable {
        /// `gs://data-bucket-dev/QPI_exports/` or `data-bucket-dev/QPI_exports/`.
        case literal
        /// `data-bucket-{ENV_SHORT_NAME}/...`, `data-bucket-${ENV}/...`.
        case templated
        /// A bucket constant inside an f-string or format string: `f"gs://{DATA_GCS_BUCKET_NAME}/historization/"`.
        case constant
        /// Bucket and path as separate arguments of one call: `bucket=DATA_GCS_BUCKET_NAME, source_objects=["QPI_historical/..."]`.
        case split
    }

    /// Whether the code writes to, reads from the location, does both (its uses
    /// disagree), or cannot be told.
    public enum Direction: String, Hashable, Sendable, Codable, CaseIterable {
        case write, read, both, unknown
    }

    /// Path relative to the code root, with `/` separators.
    public var path: String
    public var line: Int
    public var column: Int
    public var form: Form
    public var direction: Direction
    /// The bucket as the code writes it (`data-bucket-dev`, `{DATA_GCS_BUCKET_NAME}`).
    public var bucketText: String
    /// The object path or prefix the code names, relative to the bucket (`historization/tracking/`);
    /// may end inside a template (`QPI_exports/qpi_answers_`).
    public var objectPath: String
    /// The migration whose source prefix is the longest match, nil when unmanaged.
    public var migration: String?
    /// The source line, trimmed, for people to read.
    public var excerpt: String
    /// Why it cannot be rewritten automatically, when it cannot.
    public var unrewritableReason: String?

    public init(path: String, line: Int, column: Int, form: Form, direction: Direction, bucketText: String,
                objectPath: String, migration: String? = nil, excerpt: String, unrewritableReason: String? = nil) {
        self.path = path
        self.line = line
        self.column = column
        self.form = form
        self.direction = direction
        self.bucketText = bucketText
        self.objectPath = objectPath
        self.migration = migration
        self.excerpt = excerpt
        self.unrewritableReason = unrewritableReason
    }

    public var location: String { "\(path):\(line)" }
}

/// An edit of one file, as planned and as recorded in the state: enough to apply
/// it exactly as reviewed and to revert it.
public struct CodeEdit: Hashable, Sendable, Codable {
    /// Path relative to the code root.
    public var path: String
    /// SHA-256 hex of the file before and after the edit.
    public var beforeHash: String
    public var afterHash: String
    /// A unified diff (`--- a/path`, `+++ b/path`) for review.
    public var patch: String
    public var beforeContent: String
    public var afterContent: String
    /// The migrations whose references this edit rewrites.
    public var migrations: [String]

    public init(path: String, beforeContent: String, afterContent: String, patch: String, migrations: [String]) {
        self.path = path
        self.beforeContent = beforeContent
        self.afterContent = afterContent
        self.beforeHash = Digest.sha256Hex(beforeContent)
        self.afterHash = Digest.sha256Hex(afterContent)
        self.patch = patch
        self.migrations = migrations
    }

    /// The edit that undoes this one.
    public var reversed: CodeEdit {
        CodeEdit(path: path, beforeContent: afterContent, afterContent: beforeContent,
                 patch: UnifiedDiff.make(path: path, before: afterContent, after: beforeContent), migrations: migrations)
    }
}
