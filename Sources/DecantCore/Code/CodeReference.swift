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

    /// How decant followed the bucket to this place.
    public enum Via: String, Hashable, Sendable, Codable, CaseIterable {
        /// The bucket is written out where the path is (`gs://data-bucket-dev/x/`, `data-bucket-{ENV}/x/`).
        case literal
        /// A constant of this file, or one of `code.source_refs`.
        case constant
        /// A constant imported from another module.
        case imported
        /// Variables of a function (`base = f"gs://{BUCKET}/x"; path = base + "/y"`).
        case local
        /// A parameter: an Airflow `Param`, or a function's parameter given the bucket by its callers.
        case parameter
        /// A job script given the bucket on its command line by a launcher (a DAG).
        case launcher
        /// A path alone whose first folder is one of the bucket's (analysis only; never rewritten).
        case mention
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
    /// The source bucket of the planned environment this reference names (nil for
    /// another environment's bucket and for mentions).
    public var bucket: String?
    /// How decant followed the bucket here (nil in documents written before it was recorded).
    public var via: Via?
    /// Where the bucket or the path came from, when not from this line
    /// (`SNAPSHOT_ROOT, conf/settings.py:8`; `launched by dags/export_rows.py:16 with --bucket-name`).
    public var through: String?
    /// The file that launches this job script with the bucket (via `launcher`).
    public var launcher: String?
    /// A warning about what the reference reaches (`deletes under outbox/feeds, which also
    /// reaches outbox/feeds_archive/`).
    public var note: String?

    public init(path: String, line: Int, column: Int, form: Form, direction: Direction, bucketText: String,
                objectPath: String, migration: String? = nil, excerpt: String, unrewritableReason: String? = nil,
                bucket: String? = nil, via: Via? = nil, through: String? = nil, note: String? = nil) {
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
        self.bucket = bucket
        self.via = via
        self.through = through
        self.note = note
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
