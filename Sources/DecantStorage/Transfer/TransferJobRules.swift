import DecantCore
import Foundation

/// What the Storage Transfer Service reference requires of a job, checked before
/// any request so that a plan can say what is wrong with every mapping at once.
///
/// From the reference (REST v1, `TransferJob.name`, `GcsData.path`, `ObjectConditions`,
/// `TransferOptions`, `TransferManifest`):
/// - a job name is `transferJobs/` followed by `[A-Za-z0-9-._~]*` ending in a letter or
///   digit, at most 128 characters in all (taken here for the whole name, the stricter
///   reading), and must not start with `transferJobs/OPI` (reserved for POSIX transfers);
/// - a bucket path is empty or ends in `/`, and does not begin with `/`;
/// - `includePrefixes` and `excludePrefixes`: at most 1,000 entries each; each one not
///   empty, at most 1,024 bytes of UTF-8, without a leading `/`, without CR or LF
///   (wildcards are not special: they match literally); within a list none is a prefix
///   of another; with includes, every exclude starts with one of them. Prefixes are
///   relative to the source path;
/// - `deleteObjectsFromSourceAfterTransfer` and `deleteObjectsUniqueInSink` exclude each
///   other. decant refuses both (it deletes sources itself, behind its gate);
/// - a manifest is a `gs://bucket/object` location.
public enum TransferJobRules {
    public static let maxPrefixes = 1_000
    public static let maxPrefixBytes = 1_024
    public static let maxJobNameLength = 128
    public static let jobNamePrefix = "transferJobs/"

    /// Every problem of `job` as decant would send it to `transferJobs.create`; empty when none.
    public static func problems(in job: TransferJob) -> [String] {
        var problems: [String] = []
        if let name = job.name {
            if let problem = jobNameProblem(name) { problems.append(problem) }
        } else {
            problems.append("the job has no name (decant names its jobs so that a resumed apply finds them)")
        }
        if job.projectId?.isEmpty ?? true { problems.append("the job has no projectId") }
        if let status = job.status, status != .enabled, status != .disabled {
            problems.append("a job is created ENABLED or DISABLED, not \(status.rawValue)")
        }
        guard let spec = job.transferSpec else { return problems + ["the job has no transferSpec"] }
        problems += specProblems(spec)
        if let schedule = job.schedule { problems += scheduleProblems(schedule) }
        return problems
    }

    /// The problems of a transfer spec (source, sink, conditions, options, manifest).
    public static func specProblems(_ spec: TransferSpec) -> [String] {
        var problems: [String] = []
        for (role, data) in [("gcsDataSource", spec.gcsDataSource), ("gcsDataSink", spec.gcsDataSink)] {
            guard let data else {
                problems.append("transferSpec.\(role) is missing (decant copies GCS to GCS)")
                continue
            }
            if let problem = BucketName.problems(data.bucketName).first {
                problems.append("transferSpec.\(role).bucketName '\(data.bucketName)' \(problem)")
            }
            if let problem = pathProblem(data.path ?? "") { problems.append("transferSpec.\(role).path \(problem)") }
        }
        if let conditions = spec.objectConditions {
            problems += conditionProblems(conditions).map { "transferSpec.objectConditions: " + $0 }
        }
        if let options = spec.transferOptions {
            if options.deleteObjectsFromSourceAfterTransfer == true {
                problems.append("transferSpec.transferOptions.deleteObjectsFromSourceAfterTransfer is set: decant "
                                + "deletes sources itself, only after verifying the copies")
            }
            if options.deleteObjectsUniqueInSink == true {
                problems.append("transferSpec.transferOptions.deleteObjectsUniqueInSink is set: decant never deletes "
                                + "what is already in a target")
            }
        }
        if let manifest = spec.transferManifest, let problem = manifestProblem(manifest.location) {
            problems.append("transferSpec.transferManifest.location \(problem)")
        }
        return problems
    }

    /// Problems of `objectConditions` as the reference states them.
    public static func conditionProblems(_ conditions: ObjectConditions) -> [String] {
        let include = conditions.includePrefixes ?? []
        let exclude = conditions.excludePrefixes ?? []
        var problems = listProblems(include, "includePrefixes") + listProblems(exclude, "excludePrefixes")
        if !include.isEmpty {
            for prefix in exclude where !include.contains(where: { prefix.utf8.starts(with: $0.utf8) }) {
                problems.append("excludePrefixes '\(prefix)' does not start with any of the includePrefixes")
            }
        }
        return problems
    }

    private static func listProblems(_ prefixes: [String], _ field: String) -> [String] {
        var problems: [String] = []
        if prefixes.count > maxPrefixes {
            problems.append("\(field) has \(prefixes.count) entries, at most \(maxPrefixes) are allowed")
        }
        for prefix in prefixes {
            if prefix.isEmpty {
                problems.append("\(field) has an empty entry")
            } else if prefix.utf8.count > maxPrefixBytes {
                problems.append("\(field) '\(prefix.prefix(40))…' is \(prefix.utf8.count) bytes, at most \(maxPrefixBytes)")
            } else if prefix.hasPrefix("/") {
                problems.append("\(field) '\(prefix)' starts with '/'")
            } else if prefix.utf8.contains(UInt8(ascii: "\n")) || prefix.utf8.contains(UInt8(ascii: "\r")) {
                problems.append("\(field) '\(prefix)' contains a line break")
            }
        }
        // Sorted by bytes, a prefix of another (or a duplicate) sits right before one
        // that starts with it, or before a run of such entries.
        let sorted = prefixes.filter { !$0.isEmpty }.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        var index = 0
        while index < sorted.count {
            let shorter = sorted[index]
            var next = index + 1
            while next < sorted.count, sorted[next].utf8.starts(with: shorter.utf8) {
                problems.append(sorted[next] == shorter ? "\(field) lists '\(shorter)' twice"
                                : "\(field) '\(shorter)' is a prefix of '\(sorted[next])'")
                next += 1
            }
            index = next
        }
        return problems
    }

    /// Nil when `path` is a valid bucket path (empty, or ending in `/`, not starting with `/`).
    public static func pathProblem(_ path: String) -> String? {
        if path.isEmpty { return nil }
        if !path.hasSuffix("/") { return "'\(path)' does not end with '/'" }
        if path.hasPrefix("/") { return "'\(path)' starts with '/'" }
        if path.utf8.count > ObjectName.maxBytes { return "is longer than \(ObjectName.maxBytes) bytes" }
        return nil
    }

    /// Nil when `name` is a job name decant may choose.
    public static func jobNameProblem(_ name: String) -> String? {
        guard name.hasPrefix(jobNamePrefix) else { return "job name '\(name)' does not start with '\(jobNamePrefix)'" }
        let id = name.dropFirst(jobNamePrefix.count)
        if id.isEmpty { return "job name '\(name)' has nothing after '\(jobNamePrefix)'" }
        if name.count > maxJobNameLength { return "job name '\(name)' is longer than \(maxJobNameLength) characters" }
        if id.hasPrefix("OPI") { return "job name '\(name)' starts with 'OPI' (reserved for POSIX file system transfers)" }
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")
        if let bad = id.first(where: { !allowed.contains($0) }) {
            return "job name '\(name)' contains '\(bad)' (only letters, digits and - . _ ~)"
        }
        if let last = id.last, !(last.isASCII && (last.isLetter || last.isNumber)) {
            return "job name '\(name)' does not end with a letter or digit"
        }
        return nil
    }

    /// Nil when `location` is `gs://bucket/object`.
    public static func manifestProblem(_ location: String) -> String? {
        guard let (bucket, object) = splitGCSURL(location) else { return "'\(location)' is not gs://bucket/object" }
        if let problem = BucketName.problems(bucket).first { return "bucket '\(bucket)' \(problem)" }
        if let problem = ObjectName.problem(object) { return "object name \(problem)" }
        return nil
    }

    /// `gs://bucket/a/b` as (`bucket`, `a/b`); nil when it is not of that form.
    public static func splitGCSURL(_ location: String) -> (bucket: String, object: String)? {
        guard location.hasPrefix("gs://") else { return nil }
        let rest = location.dropFirst("gs://".count)
        guard let slash = rest.firstIndex(of: "/") else { return nil }
        let bucket = String(rest[..<slash]), object = String(rest[rest.index(after: slash)...])
        return bucket.isEmpty || object.isEmpty ? nil : (bucket, object)
    }

    static func scheduleProblems(_ schedule: TransferSchedule) -> [String] {
        guard let start = schedule.scheduleStartDate else { return ["schedule.scheduleStartDate is missing"] }
        if let end = schedule.scheduleEndDate, end < start {
            return ["schedule.scheduleEndDate \(end) is before scheduleStartDate \(start)"]
        }
        return []
    }
}

/// Deterministic job names: the same state lineage, migration and mapping always
/// give the same name, so an apply killed after `transferJobs.create` finds its job
/// again (409 on create, then `transferJobs.get`) instead of starting a second copy.
public enum TransferJobName {
    /// `transferJobs/decant-<migration>-m<index>-<hash>`: the migration's name in
    /// lowercase letters, digits and `-` (cut to 48 characters) for people reading the
    /// console, and 16 hex digits of SHA-256 over (lineage, migration, mapping) so
    /// that two lineages, two migrations whose names read alike (`a_b`, `a-b`) or two
    /// mappings never share a name. Always valid (`TransferJobRules.jobNameProblem`).
    public static func make(lineage: String, migration: String, mapping: Int) -> String {
        var slug = ""
        for character in migration.lowercased() {
            if character.isASCII, character.isLetter || character.isNumber {
                slug.append(character)
            } else if !slug.isEmpty, !slug.hasSuffix("-") {
                slug.append("-")
            }
        }
        slug = String(slug.prefix(48))
        while slug.hasSuffix("-") { slug.removeLast() }
        if slug.isEmpty { slug = "migration" }
        let hash = Digest.sha256Hex([lineage, migration, String(mapping)].joined(separator: "\u{0}")).prefix(16)
        return "\(TransferJobRules.jobNamePrefix)decant-\(slug)-m\(mapping)-\(hash)"
    }
}
