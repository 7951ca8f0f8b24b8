import DecantCore

/// One use case of the seed's `migration_configs.yaml`, read with the meaning the
/// seed's pattern classes give each key.
struct SeedUseCase {
    enum Pattern: String, CaseIterable {
        case singleFolder = "single_folder", multiFolder = "multi_folder"
        case filePattern = "file_pattern", datePartitioned = "date_partitioned"
    }

    var key: String
    var location: SourceLocation
    var pattern: Pattern
    var sourceBucket: String
    var targetBucket: String
    var sourcePath: String
    var targetPath: String
    /// Nil when the seed's pattern default applies.
    var includeSubfolders: Bool?
    var fileTypes: [String] = []
    var filePatterns: [String] = []
    var subfolders: [(String, String)] = []
    var partitionPattern: String?
    var dateRange: DateRange?
    var verify: VerifyLevel?
    var lifecyclePolicy: (name: String, location: SourceLocation)?
    var cleanup = false
    var retentionDays: Int?
    var batchSize: Int?

    static let keys = ["pattern", "source_bucket", "target_bucket", "source_path", "target_path", "include_subfolders",
                       "file_types", "file_patterns", "subfolder_mapping", "partition_pattern", "date_range", "validation",
                       "lifecycle_policy", "cleanup_after_migration", "retention_days", "batch_size"]
    static let validationKeys = ["check_file_count", "verify_file_sizes", "verify_checksums"]

    /// The seed's `{env}` becomes `${env}`; a literal `$` is escaped for the native format.
    static func template(_ text: String, at location: SourceLocation, bag: DiagnosticBag) -> String? {
        let escaped = text.replacingOccurrences(of: "$", with: "$$").replacingOccurrences(of: "{env}", with: "${env}")
        var rest = Substring(escaped)
        while let open = rest.firstIndex(of: "{") {
            let before = rest[..<open]
            let close = rest[open...].firstIndex(of: "}")
            if before.hasSuffix("$"), let close {
                rest = rest[rest.index(after: close)...]
                continue
            }
            let token = close.map { String(rest[open...$0]) } ?? String(rest[open...])
            if !PartitionPattern.tokens.contains(token) {
                bag.error("unknown placeholder `\(token)` in `\(text)`; the seed's format knows only `{env}`", at: location)
                return nil
            }
            rest = rest[rest.index(after: close ?? open)...]
        }
        return escaped
    }

    static func read(_ key: String, _ keyNode: YAMLNode, _ node: YAMLNode, bag: DiagnosticBag) -> SeedUseCase? {
        let reader = ValueReader(bag: bag, interpolator: .verbatim)
        guard let fields = Fields(node, path: key, known: keys, anchor: keyNode.location, bag: bag) else { return nil }
        let errorsBefore = bag.items.errors.count
        let patternNode = fields.required("pattern", bag: bag)
        let pattern = patternNode.flatMap {
            reader.choice($0, fields.child("pattern"), ["single_folder": Pattern.singleFolder, "multi_folder": .multiFolder,
                                                        "file_pattern": .filePattern, "date_partitioned": .datePartitioned])
        }
        func text(_ name: String) -> String? {
            guard let node = fields.required(name, bag: bag), let raw = reader.string(node, fields.child(name)) else { return nil }
            return template(raw, at: node.location, bag: bag)
        }
        func pathText(_ name: String) -> String? {
            guard let node = fields.required(name, bag: bag) else { return nil }
            if node.isNull { return "" }
            guard let raw = reader.string(node, fields.child(name)) else { return nil }
            return template(raw, at: node.location, bag: bag)
        }
        let sourceBucket = text("source_bucket"), targetBucket = text("target_bucket")
        let sourcePath = pathText("source_path"), targetPath = pathText("target_path")
        // Everything else is read even when the above failed, so that all mistakes are reported.
        var useCase = SeedUseCase(key: key, location: keyNode.location, pattern: pattern ?? .singleFolder,
                                  sourceBucket: sourceBucket ?? "", targetBucket: targetBucket ?? "",
                                  sourcePath: sourcePath ?? "", targetPath: targetPath ?? "")

        // Keys a pattern class never reads are reported, not silently given a meaning.
        let onlyFor: [String: Pattern] = ["partition_pattern": .datePartitioned, "date_range": .datePartitioned,
                                          "file_patterns": .filePattern]
        if let pattern {
            for (name, owner) in onlyFor.sorted(by: { $0.key < $1.key }) where fields[name] != nil && owner != pattern {
                bag.error("`\(fields.child(name))` is read only by the `\(owner.rawValue)` pattern, not `\(pattern.rawValue)`",
                          at: fields.keyLocation(name), hint: "remove it, or change `pattern:`")
            }
        }
        if pattern == .filePattern, let location = fields.keyLocation("include_subfolders") {
            bag.warning("`\(fields.child("include_subfolders"))` is ignored: the seed's file_pattern lists the folder itself only",
                        at: location)
        }
        useCase.includeSubfolders = fields["include_subfolders"].flatMap { reader.bool($0, fields.child("include_subfolders")) }
        useCase.fileTypes = fields["file_types"].flatMap { reader.stringList($0, fields.child("file_types"))?.map(\.0) } ?? []
        useCase.filePatterns = fields["file_patterns"].flatMap { reader.stringList($0, fields.child("file_patterns"))?.map(\.0) } ?? []
        if let node = fields["subfolder_mapping"] {
            if let pairs = node.pairs {
                for pair in pairs {
                    if let from = reader.string(pair.key, fields.child("subfolder_mapping")),
                       let to = reader.string(pair.value, "\(fields.child("subfolder_mapping")).\(from)") {
                        useCase.subfolders.append((from, to))
                    }
                }
            } else {
                bag.error("`\(fields.child("subfolder_mapping"))` must be a mapping, got \(node.kindDescription)", at: node.location)
            }
        }
        if pattern == .datePartitioned {
            if let node = fields.required("partition_pattern", bag: bag), let raw = reader.string(node, fields.child("partition_pattern")) {
                useCase.partitionPattern = template(raw, at: node.location, bag: bag)
            }
            if let node = fields["date_range"], let raw = reader.string(node, fields.child("date_range")) {
                if let range = DateRange(parsing: raw) {
                    useCase.dateRange = range
                } else {
                    bag.error("`\(fields.child("date_range"))`: `\(raw)` is not a date range", at: node.location,
                              hint: "the seed's forms are `all`, `last_30_days`, `YYYY-MM-DD:YYYY-MM-DD` and one day")
                }
            }
        }
        if let node = fields["validation"], let checks = Fields(node, path: fields.child("validation"), known: validationKeys, bag: bag) {
            let levels: [(String, VerifyLevel)] = [("check_file_count", .count), ("verify_file_sizes", .size), ("verify_checksums", .checksum)]
            for (name, level) in levels {
                if let value = checks[name].flatMap({ reader.bool($0, checks.child(name)) }), value {
                    useCase.verify = max(useCase.verify ?? level, level)
                }
            }
        }
        if let node = fields["lifecycle_policy"], let name = reader.string(node, fields.child("lifecycle_policy")) {
            if SeedRoadmap.policies[name] != nil {
                useCase.lifecyclePolicy = (name, node.location)
            } else {
                bag.error("`\(fields.child("lifecycle_policy"))`: unknown lifecycle policy `\(name)`", at: node.location,
                          hint: DiagnosticBag.suggestion(for: name, among: SeedRoadmap.policies.keys.sorted(), noun: "known policies"))
            }
        }
        useCase.cleanup = fields["cleanup_after_migration"].flatMap { reader.bool($0, fields.child("cleanup_after_migration")) } ?? false
        useCase.retentionDays = fields["retention_days"].flatMap { reader.int($0, fields.child("retention_days"), atLeast: 0) }
        useCase.batchSize = fields["batch_size"].flatMap { reader.int($0, fields.child("batch_size"), atLeast: 1, atMost: 100_000) }
        return bag.items.errors.count == errorsBefore ? useCase : nil
    }
}
