import Foundation

/// A bucket and a prefix inside it (`data-bucket-dev/historization/`). The prefix
/// is empty or ends with `/`.
public struct BucketPath: Hashable, Sendable, Codable, CustomStringConvertible {
    public var bucket: String
    public var prefix: String

    public init(bucket: String, prefix: String) {
        self.bucket = bucket
        self.prefix = prefix
    }

    /// Parses `bucket/prefix/` (a `gs://` scheme is accepted); the prefix gains a trailing `/`.
    public init?(parsing text: String) {
        var t = Substring(text)
        if t.hasPrefix("gs://") { t = t.dropFirst(5) }
        guard !t.isEmpty else { return nil }
        let parts = t.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        let bucket = String(parts[0])
        guard !bucket.isEmpty else { return nil }
        var prefix = parts.count > 1 ? String(parts[1]) : ""
        if !prefix.isEmpty, !prefix.hasSuffix("/") { prefix += "/" }
        self.init(bucket: bucket, prefix: prefix)
    }

    /// True when every object under `other` is also under `self`.
    public func contains(_ other: BucketPath) -> Bool {
        bucket == other.bucket && other.prefix.hasPrefix(prefix)
    }

    public func overlaps(_ other: BucketPath) -> Bool { contains(other) || other.contains(self) }

    public var description: String { "\(bucket)/\(prefix)" }
    public var url: String { "gs://\(bucket)/\(prefix)" }
}

/// `tracking/ → firebase_tracking/`: objects under `from` (relative to the source
/// prefix) land under `to` (relative to the target prefix).
public struct SubfolderRename: Hashable, Sendable, Codable {
    public var from: String
    public var to: String
    public var origin: SourceLocation?

    public init(from: String, to: String, origin: SourceLocation? = nil) {
        self.from = from
        self.to = to
        self.origin = origin
    }
}

/// What happens when a target object already exists with different content.
public enum OverwritePolicy: String, Hashable, Sendable, Codable, CaseIterable {
    /// Report it as a conflict and block the migration.
    case never
    /// Copy over it (with its generation as precondition) when the content differs.
    case different
    /// Copy over it even when the content is the same.
    case always
}

/// What verification compares between a source object and its copy. Deleting a
/// source always requires `checksum` (invariant 1).
public enum VerifyLevel: String, Hashable, Sendable, Codable, CaseIterable, Comparable {
    case count, size, checksum

    var rank: Int {
        switch self {
        case .count: return 0
        case .size: return 1
        case .checksum: return 2
        }
    }

    public static func < (a: VerifyLevel, b: VerifyLevel) -> Bool { a.rank < b.rank }
}

/// A length of time written `14d`, `2w`, `12h` or `90m` in a plan file.
public struct DurationSpec: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    public var seconds: Int64
    public var text: String

    public init(seconds: Int64, text: String? = nil) {
        self.seconds = seconds
        self.text = text ?? DurationSpec.format(seconds)
    }

    public init?(parsing raw: String) {
        let t = raw.trimmingCharacters(in: .whitespaces)
        guard let unit = t.last, let n = Int64(t.dropLast()), n >= 0 else { return nil }
        let scale: Int64
        switch unit {
        case "s": scale = 1
        case "m": scale = 60
        case "h": scale = 3600
        case "d": scale = 86_400
        case "w": scale = 7 * 86_400
        default: return nil
        }
        self.init(seconds: n * scale, text: t)
    }

    public static func days(_ n: Int) -> DurationSpec { DurationSpec(seconds: Int64(n) * 86_400, text: "\(n)d") }

    public var days: Double { Double(seconds) / 86_400 }

    public static func < (a: DurationSpec, b: DurationSpec) -> Bool { a.seconds < b.seconds }
    public var description: String { text }

    static func format(_ s: Int64) -> String {
        if s % 86_400 == 0 { return "\(s / 86_400)d" }
        if s % 3600 == 0 { return "\(s / 3600)h" }
        if s % 60 == 0 { return "\(s / 60)m" }
        return "\(s)s"
    }
}

/// When and whether source copies are deleted after a verified migration.
public struct CleanupPolicy: Hashable, Sendable, Codable {
    /// Delete the source objects once their copies are verified and the waits below have passed.
    public var deleteSource: Bool
    /// The validation period: how long after its verified copy a source object is kept.
    public var after: DurationSpec
    /// Keep source objects younger than this (by partition date when the migration is
    /// partitioned, else by creation time), whatever the validation period says.
    public var retention: DurationSpec?

    public init(deleteSource: Bool, after: DurationSpec = .days(0), retention: DurationSpec? = nil) {
        self.deleteSource = deleteSource
        self.after = after
        self.retention = retention
    }
}

/// Date-partitioned selection (the seed's `date_partitioned`).
public struct PartitionSpec: Hashable, Sendable, Codable {
    public var pattern: PartitionPattern
    public var range: DateRange

    public init(pattern: PartitionPattern, range: DateRange) {
        self.pattern = pattern
        self.range = range
    }
}


/// One use case moving out of the shared bucket, resolved for one environment.
public struct Migration: Hashable, Sendable, Codable {
    public var key: String
    public var phase: Int
    public var description: String?
    public var source: BucketPath
    public var target: BucketPath
    /// The `buckets:` key the target names, when it names one (else a literal bucket).
    public var targetBucketKey: String?
    public var subfolders: [SubfolderRename]
    /// Globs relative to the source prefix; empty means everything.
    public var include: [String]
    public var exclude: [String]
    /// Globs on the file name alone (`*.parquet`), at any depth.
    public var fileTypes: [String]
    /// False takes only the objects directly under the source prefix (the seed's
    /// `include_subfolders: false`).
    public var recursive: Bool
    public var partitions: PartitionSpec?
    public var overwrite: OverwritePolicy
    public var verify: VerifyLevel
    public var rewriteCode: Bool
    public var cleanup: CleanupPolicy?
    /// Storage class of the copies; nil keeps the target bucket's default.
    public var storageClass: StorageClass?
    /// Objects per copy action (the seed's `batch_size`).
    public var batchSize: Int
    /// What makes the copies (`engine:`); `auto` decides by the plan's `engines:` thresholds.
    public var engine: CopyEngine
    public var origin: SourceLocation?
    /// SHA-256 of the migration's definition as written in the plan files (before
    /// `${…}` are filled in), so it is the same in every environment: promotion
    /// compares it with what the earlier environment applied. Nil in plans built
    /// in code and in saved plans of older decants.
    public var inputsDigest: String?

    public static let defaultBatchSize = 500

    public init(key: String, phase: Int = 1, description: String? = nil, source: BucketPath, target: BucketPath,
                targetBucketKey: String? = nil, subfolders: [SubfolderRename] = [], include: [String] = [],
                exclude: [String] = [], fileTypes: [String] = [], recursive: Bool = true,
                partitions: PartitionSpec? = nil, overwrite: OverwritePolicy = .never,
                verify: VerifyLevel = .checksum, rewriteCode: Bool = false, cleanup: CleanupPolicy? = nil,
                storageClass: StorageClass? = nil, batchSize: Int = Migration.defaultBatchSize,
                engine: CopyEngine = .auto, origin: SourceLocation? = nil) {
        self.key = key
        self.phase = phase
        self.description = description
        self.source = source
        self.target = target
        self.targetBucketKey = targetBucketKey
        self.subfolders = subfolders
        self.include = include
        self.exclude = exclude
        self.fileTypes = fileTypes
        self.recursive = recursive
        self.partitions = partitions
        self.overwrite = overwrite
        self.verify = verify
        self.rewriteCode = rewriteCode
        self.cleanup = cleanup
        self.storageClass = storageClass
        self.batchSize = batchSize
        self.engine = engine
        self.origin = origin
    }

    /// The target name of a source object: strip the source prefix, apply the
    /// longest matching subfolder rename, prepend the target prefix. Nil when the
    /// object is not under the source prefix.
    public func targetName(forSource name: String) -> String? {
        guard let relative = name.droppingPrefix(source.prefix) else { return nil }
        return target.prefix + mapRelative(relative)
    }

    /// The inverse of `targetName(forSource:)`, used by rollback and by the code
    /// rewriter to map paths back; nil when the name is outside the target prefix.
    public func sourceName(forTarget name: String) -> String? {
        guard let relative = name.droppingPrefix(target.prefix) else { return nil }
        let best = subfolders.filter { relative.utf8.starts(with: $0.to.utf8) }.max { $0.to.utf8.count < $1.to.utf8.count }
        guard let best, let rest = relative.droppingPrefix(best.to) else { return source.prefix + relative }
        return source.prefix + best.from + rest
    }

    /// A path relative to the source prefix, through the subfolder renames.
    public func mapRelative(_ relative: String) -> String {
        let best = subfolders.filter { relative.utf8.starts(with: $0.from.utf8) }.max { $0.from.utf8.count < $1.from.utf8.count }
        guard let best, let rest = relative.droppingPrefix(best.from) else { return relative }
        return best.to + rest
    }
}

extension String {
    /// The rest of the string after `prefix`, compared byte by byte (object names
    /// are bytes; Unicode-equivalent spellings are different names), or nil.
    public func droppingPrefix(_ prefix: String) -> String? {
        guard utf8.starts(with: prefix.utf8) else { return nil }
        return String(self[utf8.index(utf8.startIndex, offsetBy: prefix.utf8.count)...])
    }
}
