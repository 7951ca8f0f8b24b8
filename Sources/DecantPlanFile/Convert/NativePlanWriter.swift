import DecantCore

/// Writes converted use cases as one native plan file, deterministically: the
/// same input gives the same bytes.
struct NativePlanWriter {
    /// A target bucket of the seed, as a `buckets:` entry.
    struct Bucket {
        var key: String
        /// Nil when the default `<key>-bucket-${env}` is the name.
        var name: String?
        var lifecycle: String?
    }

    var sourceFile: String
    var buckets: [Bucket]
    var useCases: [(useCase: SeedUseCase, bucketKey: String, phase: Int)]

    private var lines: [String] = []

    init(sourceFile: String, buckets: [Bucket], useCases: [(useCase: SeedUseCase, bucketKey: String, phase: Int)]) {
        self.sourceFile = sourceFile
        self.buckets = buckets
        self.useCases = useCases
    }

    mutating func write() -> String {
        lines = []
        header()
        policies()
        bucketSection()
        migrations()
        return lines.joined(separator: "\n") + "\n"
    }

    private mutating func emit(_ line: String = "") { lines.append(line) }

    private mutating func header() {
        emit("# Converted by `decant convert` from \(sourceFile).")
        emit("# Review it before use: give each environment its project, check the buckets'")
        emit("# settings, and the validation periods (`after:`) of the cleanups.")
        emit("decant: 1")
        emit()
        emit("# The seed's scripts took --env dev|stg|prod. Add variables here, e.g.")
        emit("# `dev: { project: my-project }`, and use them as \"${project}\".")
        emit("environments:")
        emit("  dev: {}")
        emit("  stg: {}")
        emit("  prod: {}")
        emit()
        emit("storage: { provider: gcs }  # uses the credentials' project; or { provider: gcs, project: \"${project}\" }")
    }

    private mutating func policies() {
        let used = Set(buckets.compactMap(\.lifecycle))
        guard !used.isEmpty else { return }
        emit()
        emit("lifecycle_policies:")
        for name in used.sorted() {
            emit("  \(YAMLWriter.scalar(name)):")
            for rule in SeedRoadmap.policies[name] ?? [] { emit("    - \(rule)") }
        }
    }

    private mutating func bucketSection() {
        emit()
        emit("# The seed's target buckets. A bucket's name defaults to `<key>-bucket-${env}`.")
        emit("buckets:")
        for bucket in buckets {
            var fields: [String] = []
            if let name = bucket.name { fields.append("name: \(YAMLWriter.scalar(name))") }
            if let lifecycle = bucket.lifecycle { fields.append("lifecycle: \(YAMLWriter.scalar(lifecycle))") }
            if fields.isEmpty {
                emit("  \(YAMLWriter.scalar(bucket.key)): {}")
            } else {
                emit("  \(YAMLWriter.scalar(bucket.key)):")
                for field in fields { emit("    \(field)") }
            }
        }
    }

    private mutating func migrations() {
        emit()
        emit("migrations:")
        for (index, entry) in useCases.enumerated() {
            if index > 0 { emit() }
            migration(entry.useCase, bucketKey: entry.bucketKey, phase: entry.phase)
        }
    }

    private static func folder(_ path: String) -> String {
        path.isEmpty || path.hasSuffix("/") ? path : path + "/"
    }

    private mutating func migration(_ u: SeedUseCase, bucketKey: String, phase: Int) {
        emit("  \(YAMLWriter.scalar(u.key)):")
        emit("    # seed pattern: \(u.pattern.rawValue)")
        emit("    phase: \(phase)")
        emit("    source: \(YAMLWriter.quoted(u.sourceBucket + "/" + Self.folder(u.sourcePath)))")
        emit("    target: \(YAMLWriter.quoted(bucketKey + "/" + Self.folder(u.targetPath)))")
        if !u.subfolders.isEmpty {
            emit("    subfolders:")
            for (from, to) in u.subfolders { emit("      \(YAMLWriter.scalar(from)): \(YAMLWriter.scalar(to))") }
        }
        if !u.filePatterns.isEmpty {
            emit("    include: \(YAMLWriter.list(u.filePatterns))  # the seed's file_patterns, matched on the file name")
        }
        if !u.fileTypes.isEmpty { emit("    file_types: \(YAMLWriter.list(u.fileTypes))") }
        switch (u.pattern, u.includeSubfolders) {
        case (.filePattern, _):
            emit("    recursive: false  # file_pattern lists the folder itself only")
        case (.singleFolder, nil):
            emit("    recursive: false  # single_folder without include_subfolders takes the folder itself only")
        case (_, false?):
            emit("    recursive: false")
        default:
            break
        }
        if let pattern = u.partitionPattern {
            emit("    partitions:")
            emit("      pattern: \(YAMLWriter.quoted(pattern))")
            emit("      range: \(YAMLWriter.scalar((u.dateRange ?? .all).description))")
        }
        var verify = u.verify
        if u.cleanup, let level = verify, level < .checksum {
            emit("    # The seed checked \(level.rawValue) only; deleting a source needs a checksum-verified copy.")
            verify = .checksum
        }
        if let verify {
            emit("    verify: \(verify.rawValue)")
        } else {
            emit("    # The seed did not validate copies; decant verifies checksums by default.")
        }
        if let batch = u.batchSize { emit("    batch_size: \(batch)") }
        cleanup(u)
    }

    private mutating func cleanup(_ u: SeedUseCase) {
        if u.cleanup {
            var retention = u.retentionDays
            if retention == nil, u.pattern == .datePartitioned {
                emit("    # The seed's date_partitioned cleanup kept 30 days of partitions when retention_days was not set.")
                retention = 30
            }
            emit("    # cleanup_after_migration: the seed deleted right after copying; decant waits")
            emit("    # a validation period (`after:`) and until no code refers to the source.")
            var fields = ["delete_source: true", "after: 14d"]
            if let retention { fields.append("retention: \(retention)d") }
            emit("    cleanup: { \(fields.joined(separator: ", ")) }")
        } else if let retention = u.retentionDays {
            emit("    # retention_days: \(retention) in the seed, without cleanup_after_migration: it does")
            emit("    # nothing until delete_source is enabled.")
            emit("    cleanup: { delete_source: false, retention: \(retention)d }")
        }
    }
}
