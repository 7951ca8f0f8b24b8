import DecantCore

/// `migrations:` entries for one environment.
struct MigrationResolver {
    let reader: ValueReader
    let environment: String
    let declaredEnvironments: [String]
    /// The buckets of this environment, by key.
    let buckets: [String: BucketSpec]
    /// Buckets with mistakes (reported already): a target naming one fails quietly.
    let failedBucketKeys: Set<String>
    /// Every bucket key of the plan, in any environment.
    let allBucketKeys: [String]
    /// Plans name few buckets many times: check each name once.
    let bucketNameProblems = BucketNameProblems()
    var bag: DiagnosticBag { reader.bag }

    static let keys = ["phase", "description", "source", "target", "subfolders", "include", "exclude", "file_types",
                       "recursive", "partitions", "overwrite", "verify", "rewrite_code", "cleanup", "storage_class",
                       "batch_size", "engine", "environments"]

    /// A migration as resolved, with the positions the plan-wide checks point at.
    struct Resolved {
        var migration: Migration
        var sourceLocation: SourceLocation
        var targetLocation: SourceLocation
    }

    func resolve(_ entry: PlanDocument.Entry) -> Resolved? {
        let path = "migrations.\(entry.name)"
        guard let fields = Fields(entry.value, path: path, known: Self.keys, anchor: entry.key.location, bag: bag) else { return nil }
        if let only = EnvironmentResolver.restriction(fields["environments"], path: fields.child("environments"),
                                                      declared: declaredEnvironments, reader: reader),
           !only.contains(environment) {
            return nil
        }
        let errorsBefore = bag.items.errors.count
        let sourceNode = fields.required("source", bag: bag)
        let targetNode = fields.required("target", bag: bag)
        let source = sourceNode.flatMap { self.source($0, fields.child("source")) }
        let target = targetNode.flatMap { self.target($0, fields.child("target")) }

        let phase = fields["phase"].flatMap { reader.int($0, fields.child("phase"), atLeast: 1, atMost: 1000) } ?? 1
        let description = fields["description"].flatMap { reader.string($0, fields.child("description")) }
        let subfolders = fields["subfolders"].map { renames($0, fields.child("subfolders")) } ?? []
        let globs = GlobReader(reader: reader)
        let include = fields["include"].map { globs.globs($0, fields.child("include")) } ?? []
        let exclude = fields["exclude"].map { globs.globs($0, fields.child("exclude")) } ?? []
        let fileTypes = fields["file_types"].map { globs.globs($0, fields.child("file_types"), fileNameOnly: true) } ?? []
        let recursive = fields["recursive"].flatMap { reader.bool($0, fields.child("recursive")) } ?? true
        let partitions = fields["partitions"].flatMap { self.partitions($0, fields.child("partitions")) }
        if let partitions, !recursive, partitions.pattern.text.contains("/"), let node = fields["recursive"] {
            bag.error("`\(fields.child("recursive")): false` takes only objects directly under the source prefix, but partition `\(partitions.pattern)` is a folder",
                      at: node.location, hint: "remove `recursive: false`")
        }
        let overwrite = fields["overwrite"].flatMap {
            reader.choice($0, fields.child("overwrite"), ["never": OverwritePolicy.never, "different": .different, "always": .always])
        } ?? .never
        let verify = fields["verify"].flatMap {
            reader.choice($0, fields.child("verify"), ["count": VerifyLevel.count, "size": .size, "checksum": .checksum])
        } ?? .checksum
        let rewriteCode = fields["rewrite_code"].flatMap { reader.bool($0, fields.child("rewrite_code")) } ?? false
        let cleanup = fields["cleanup"].flatMap { self.cleanup($0, fields.child("cleanup"), anchor: fields.keyLocation("cleanup")) }
        if let cleanup, cleanup.deleteSource, verify < .checksum, let node = fields["verify"] {
            bag.error("migration `\(entry.name)` deletes its source (`cleanup.delete_source: true`) but verifies copies only by \(verify.rawValue)",
                      at: node.location,
                      hint: "a source is deleted only after a checksum-verified copy: set `verify: checksum`")
        }
        let storageClass = fields["storage_class"].flatMap { reader.storageClass($0, fields.child("storage_class")) }
        let batchSize = fields["batch_size"].flatMap { reader.int($0, fields.child("batch_size"), atLeast: 1, atMost: 100_000) }
            ?? Migration.defaultBatchSize
        let engine = fields["engine"].flatMap {
            reader.choice($0, fields.child("engine"), ["api": CopyEngine.api, "transfer_service": .transferService, "auto": .auto])
        } ?? .auto

        guard let source, let target, let sourceNode, let targetNode, bag.items.errors.count == errorsBefore else { return nil }
        var migration = Migration(key: entry.name, phase: phase, description: description, source: source, target: target.path,
                                  targetBucketKey: target.key, subfolders: subfolders, include: include, exclude: exclude,
                                  fileTypes: fileTypes, recursive: recursive, partitions: partitions, overwrite: overwrite,
                                  verify: verify, rewriteCode: rewriteCode, cleanup: cleanup, storageClass: storageClass,
                                  batchSize: batchSize, engine: engine, origin: entry.key.location)
        migration.inputsDigest = entry.value.canonicalDigest
        return Resolved(migration: migration, sourceLocation: sourceNode.location, targetLocation: targetNode.location)
    }

    /// A literal bucket and prefix (`data-bucket-${env}/historization/`, `gs://` accepted).
    private func source(_ node: YAMLNode, _ path: String) -> BucketPath? {
        guard let text = reader.string(node, path) else { return nil }
        guard let parsed = BucketPath(parsing: text) else {
            bag.error("`\(path)` must be `bucket/prefix/`, got `\(text)`", at: node.location)
            return nil
        }
        if !text.hasPrefix("gs://"), let managed = buckets[parsed.bucket], managed.name != parsed.bucket {
            bag.warning("`\(path)` reads from a bucket literally named `\(parsed.bucket)`, which is also a key of `buckets:`",
                        at: node.location,
                        hint: "write `gs://\(managed.name)/\(parsed.prefix)` for the managed bucket, or `gs://\(parsed.bucket)/\(parsed.prefix)` to keep this one")
        }
        return checked(parsed, path, node.location, text: text)
    }

    /// A bucket key and prefix (`archive/archives/`), or `gs://name/prefix/` for a bucket the plan does not manage.
    private func target(_ node: YAMLNode, _ path: String) -> (path: BucketPath, key: String?)? {
        guard let text = reader.string(node, path) else { return nil }
        guard let parsed = BucketPath(parsing: text) else {
            bag.error("`\(path)` must be `bucket-key/prefix/` or `gs://bucket/prefix/`, got `\(text)`", at: node.location)
            return nil
        }
        if text.hasPrefix("gs://") {
            guard let checked = checked(parsed, path, node.location, text: text) else { return nil }
            return (checked, buckets.values.first { $0.name == checked.bucket }?.key)
        }
        let key = parsed.bucket
        if let bucket = buckets[key] {
            guard let checked = checked(BucketPath(bucket: bucket.name, prefix: parsed.prefix), path, node.location, text: text) else { return nil }
            return (checked, key)
        }
        if failedBucketKeys.contains(key) { return nil }
        if allBucketKeys.contains(key) {
            bag.error("`\(path)`: bucket `\(key)` does not exist in environment `\(environment)` (see its `environments:`)",
                      at: node.location)
            return nil
        }
        var hint: String
        if let named = buckets.values.first(where: { $0.name == key }) {
            hint = "`\(key)` is the name of bucket `\(named.key)`: write `\(named.key)/\(parsed.prefix)`"
        } else if let close = Suggest.closest(to: key, among: allBucketKeys) {
            hint = "did you mean `\(close)`?"
        } else {
            hint = "a target names a key of `buckets:`; a bucket the plan does not manage is written `gs://\(key)/\(parsed.prefix)`"
        }
        bag.error("`\(path)`: unknown bucket key `\(key)`", at: node.location, hint: hint)
        return nil
    }

    private func checked(_ bucketPath: BucketPath, _ path: String, _ location: SourceLocation, text: String) -> BucketPath? {
        var ok = true
        let problems = bucketNameProblems[bucketPath.bucket]
        if !problems.isEmpty {
            bag.error("`\(path)`: `\(bucketPath.bucket)` is not a valid GCS bucket name in environment `\(environment)`: "
                      + problems.joined(separator: "; "), at: location)
            ok = false
        }
        if !bucketPath.prefix.isEmpty, let problem = ObjectName.problem(bucketPath.prefix) {
            bag.error("`\(path)`: the prefix `\(bucketPath.prefix)` \(problem)", at: location)
            ok = false
        }
        return ok ? bucketPath : nil
    }

    private func renames(_ node: YAMLNode, _ path: String) -> [SubfolderRename] {
        guard let pairs = node.pairs else {
            bag.error("`\(path)` must be a mapping of `from/: to/`, got \(node.kindDescription)", at: node.location)
            return []
        }
        var out: [SubfolderRename] = []
        var froms: [String: SourceLocation] = [:]
        var tos: [String: (String, SourceLocation)] = [:]
        for pair in pairs {
            guard let rawFrom = reader.string(pair.key, path), let rawTo = reader.string(pair.value, "\(path).\(pair.key.scalar ?? "")") else { continue }
            var from: String?, to: String?
            switch PathRules.relativeFolder(rawFrom) {
            case .success(let folder): from = folder
            case .failure(let problem): bag.error("`\(path)`: the folder `\(rawFrom)` \(problem)", at: pair.key.location)
            }
            switch PathRules.relativeFolder(rawTo) {
            case .success(let folder): to = folder
            case .failure(let problem): bag.error("`\(path).\(rawFrom)`: the folder `\(rawTo)` \(problem)", at: pair.value.location)
            }
            guard let from, let to else { continue }
            if let first = froms[from] {
                bag.error("`\(path)`: `\(from)` is renamed twice (first at \(first))", at: pair.key.location)
                continue
            }
            if let (other, location) = tos[to] {
                bag.warning("`\(path)`: `\(other)` and `\(from)` both land in `\(to)` (first at \(location)); objects with the same name would collide",
                            at: pair.value.location)
            }
            froms[from] = pair.key.location
            tos[to] = (from, pair.value.location)
            out.append(SubfolderRename(from: from, to: to, origin: pair.key.location))
        }
        return out
    }

    private func partitions(_ node: YAMLNode, _ path: String) -> PartitionSpec? {
        guard let fields = Fields(node, path: path, known: ["pattern", "range"], bag: bag),
              let patternNode = fields.required("pattern", bag: bag),
              let text = reader.string(patternNode, fields.child("pattern")) else { return nil }
        var pattern: PartitionPattern?
        if text.hasPrefix("/") {
            bag.error("`\(fields.child("pattern"))` starts with `/`: it is relative to the source prefix", at: patternNode.location)
        } else {
            do {
                pattern = try PartitionPattern(text)
            } catch {
                bag.error("`\(fields.child("pattern"))`: \(error.description)", at: patternNode.location,
                          hint: "e.g. `qpi_answers_{YYYYMMDD}/` or `{YYYY}/{MM}/{DD}/`")
            }
        }
        var range = DateRange.all
        if let node = fields["range"], let text = reader.string(node, fields.child("range")) {
            if let parsed = DateRange(parsing: text) {
                range = parsed
            } else {
                bag.error("`\(fields.child("range"))`: `\(text)` is not a date range", at: node.location,
                          hint: "write `all`, `last_30_days`, `2025-01-01..2025-03-31` or one day `2025-09-01`")
                return nil
            }
        }
        return pattern.map { PartitionSpec(pattern: $0, range: range) }
    }

    private func cleanup(_ node: YAMLNode, _ path: String, anchor: SourceLocation?) -> CleanupPolicy? {
        guard let fields = Fields(node, path: path, known: ["delete_source", "after", "retention"], anchor: anchor, bag: bag) else { return nil }
        let deleteSource = fields["delete_source"].flatMap { reader.bool($0, fields.child("delete_source")) } ?? false
        let after = fields["after"].flatMap { reader.duration($0, fields.child("after")) }
        let retention = fields["retention"].flatMap { reader.duration($0, fields.child("retention")) }
        if deleteSource, fields["after"] == nil {
            bag.warning("`\(path)` deletes sources without a validation period: they go as soon as their copies are verified and no code refers to them",
                        at: fields.keyLocation("delete_source") ?? node.location, hint: "set `after:`, e.g. `after: 14d`")
        }
        return CleanupPolicy(deleteSource: deleteSource, after: after ?? .days(0), retention: retention)
    }
}

/// `BucketName.problems`, remembered per name for one resolution.
final class BucketNameProblems {
    private var known: [String: [String]] = [:]

    subscript(_ name: String) -> [String] {
        if let problems = known[name] { return problems }
        let problems = BucketName.problems(name)
        known[name] = problems
        return problems
    }
}
