import DecantCore

/// `decant`, `storage`, `state` and `code`: the settings given once for the whole plan.
struct SettingsResolver {
    let document: PlanDocument
    let reader: ValueReader
    var bag: DiagnosticBag { reader.bag }

    static let defaultStoreRoot = ".decant/store"
    static let defaultStatePath = "state/${env}.db"

    func checkVersion() {
        guard let entry = document.singletons["decant"] else {
            bag.error("the plan has no `decant:` version", at: document.start, hint: "add `decant: 1` to one plan file")
            return
        }
        guard entry.value.isPlainScalar, let version = entry.value.scalar, Int(version) != nil else {
            bag.error("`decant` must be the plan format's version number, got \(entry.value.kindDescription)",
                      at: entry.value.location, hint: "write `decant: 1`")
            return
        }
        guard version == "1" else {
            bag.error("unsupported plan format `decant: \(version)`; this decant reads version 1",
                      at: entry.value.location, hint: "write `decant: 1`, or use the decant release that reads version \(version)")
            return
        }
    }

    func storage() -> StorageConfig? {
        guard let entry = document.singletons["storage"] else {
            bag.warning("no `storage:` given: using the local store in `\(Self.defaultStoreRoot)`", at: document.start,
                        hint: "add `storage: { provider: gcs, project: \"${project}\" }` to work on Google Cloud Storage")
            return .local(root: Self.defaultStoreRoot)
        }
        guard let fields = Fields(entry.value, path: "storage", known: ["provider", "project", "endpoint", "emulator", "root"],
                                  anchor: entry.key.location, bag: bag),
              let providerNode = fields.required("provider", bag: bag),
              let provider = reader.choice(providerNode, "storage.provider", ["gcs": "gcs", "local": "local"]) else { return nil }
        let allowed = provider == "gcs" ? ["provider", "project", "endpoint", "emulator"] : ["provider", "root"]
        for pair in fields.pairs {
            guard let key = pair.key.scalar, ["project", "endpoint", "emulator", "root"].contains(key), !allowed.contains(key) else { continue }
            bag.error("`storage.\(key)` does not apply to `provider: \(provider)`", at: pair.key.location)
        }
        if provider == "local" {
            guard let rootNode = fields["root"] else { return .local(root: Self.defaultStoreRoot) }
            return reader.string(rootNode, "storage.root").map { .local(root: $0) }
        }
        let project = fields["project"].flatMap { reader.string($0, "storage.project") }
        var endpoint: String?
        if let node = fields["endpoint"], let text = reader.string(node, "storage.endpoint") {
            if text.hasPrefix("http://") || text.hasPrefix("https://") {
                endpoint = text
            } else {
                bag.error("`storage.endpoint` must be an http:// or https:// URL, got `\(text)`", at: node.location)
            }
        }
        let emulator = fields["emulator"].flatMap {
            reader.choice($0, "storage.emulator", ["fake-gcs-server": "fake-gcs-server", "gcp-storage-emulator": "gcp-storage-emulator"])
        }
        return .gcs(project: project, endpoint: endpoint, emulator: emulator)
    }

    func state() -> StateConfig? {
        guard let entry = document.singletons["state"] else {
            return reader.interpolator.apply(Self.defaultStatePath, at: document.start ?? SourceLocation(file: "", line: 1, column: 1),
                                             bag: bag).map { .local(path: $0) }
        }
        guard let fields = Fields(entry.value, path: "state", known: ["backend", "path", "bucket", "prefix"],
                                  anchor: entry.key.location, bag: bag),
              let backendNode = fields.required("backend", bag: bag),
              let backend = reader.choice(backendNode, "state.backend", ["local": "local", "gcs": "gcs"]) else { return nil }
        let allowed = backend == "local" ? ["backend", "path"] : ["backend", "bucket", "prefix"]
        for pair in fields.pairs {
            guard let key = pair.key.scalar, ["path", "bucket", "prefix"].contains(key), !allowed.contains(key) else { continue }
            bag.error("`state.\(key)` does not apply to `backend: \(backend)`", at: pair.key.location)
        }
        if backend == "local" {
            guard let node = fields["path"] else {
                return reader.interpolator.apply(Self.defaultStatePath, at: entry.key.location, bag: bag).map { .local(path: $0) }
            }
            return reader.string(node, "state.path").map { .local(path: $0) }
        }
        guard let bucketNode = fields.required("bucket", bag: bag), let bucket = reader.string(bucketNode, "state.bucket") else { return nil }
        let problems = BucketName.problems(bucket)
        if !problems.isEmpty {
            let environment = reader.interpolator.variables["env"] ?? ""
            bag.error("`state.bucket`: `\(bucket)` is not a valid GCS bucket name in environment `\(environment)`: "
                      + problems.joined(separator: "; "), at: bucketNode.location)
            return nil
        }
        var prefix = ""
        if let node = fields["prefix"], let text = reader.string(node, "state.prefix") {
            prefix = text
            if !prefix.isEmpty, let problem = ObjectName.problem(prefix) {
                bag.error("`state.prefix` `\(prefix)` \(problem)", at: node.location)
            }
        }
        return .gcs(bucket: bucket, prefix: prefix)
    }

    func code() -> CodeConfig? {
        guard let entry = document.singletons["code"] else { return nil }
        guard let fields = Fields(entry.value, path: "code", known: ["root", "include", "exclude", "source_refs", "acknowledged"],
                                  anchor: entry.key.location, bag: bag) else { return nil }
        let root = fields["root"].flatMap { reader.string($0, "code.root") } ?? "."
        let include = fields["include"].map { GlobReader(reader: reader).globs($0, "code.include") } ?? []
        let exclude = fields["exclude"].map { GlobReader(reader: reader).globs($0, "code.exclude") } ?? []
        var refs: [String] = []
        if let node = fields["source_refs"], let list = reader.stringList(node, "code.source_refs") {
            for (text, location) in list {
                if text.isEmpty { bag.error("`code.source_refs` has an empty entry", at: location) } else { refs.append(text) }
            }
        }
        let acknowledged = fields["acknowledged"].map(acknowledgements) ?? []
        return CodeConfig(root: root, include: include, exclude: exclude, sourceRefs: refs, acknowledged: acknowledged)
    }

    /// `code.acknowledged`: `[{ path, contains, reason }]`, a reason required for each.
    func acknowledgements(_ node: YAMLNode) -> [CodeAcknowledgement] {
        guard let items = node.items else {
            bag.error("`code.acknowledged` must be a list, got \(node.kindDescription)", at: node.location,
                      hint: "write `acknowledged: [{ path: jobs/x.py, contains: \"bucket_name=\", reason: \"…\" }]`")
            return []
        }
        var out: [CodeAcknowledgement] = []
        for (index, item) in items.enumerated() {
            let path = "code.acknowledged[\(index)]"
            guard let fields = Fields(item, path: path, known: ["path", "contains", "reason"], bag: bag) else { continue }
            let file = fields.required("path", bag: bag).flatMap { reader.string($0, path + ".path") }
            let contains = fields["contains"].flatMap { reader.string($0, path + ".contains") } ?? ""
            let reason = fields.required("reason", bag: bag).flatMap { reader.string($0, path + ".reason") }
            if let reason, reason.trimmingCharacters(in: .whitespaces).isEmpty {
                bag.error("`\(path).reason` is empty: say why these references do not reach the sources being moved",
                          at: fields["reason"]?.location ?? item.location)
                continue
            }
            if let file, file.isEmpty || file.hasPrefix("/") || file.split(separator: "/").contains("..") {
                bag.error("`\(path).path` must be a path relative to code.root, got `\(file)`", at: fields["path"]?.location ?? item.location)
                continue
            }
            guard let file, let reason else { continue }
            out.append(CodeAcknowledgement(path: file, contains: contains, reason: reason, origin: item.location))
        }
        return out
    }
}

/// Lists of globs, each checked with `Glob` at its own position.
struct GlobReader {
    let reader: ValueReader

    func globs(_ node: YAMLNode, _ path: String, fileNameOnly: Bool = false) -> [String] {
        guard let list = reader.stringList(node, path) else { return [] }
        var out: [String] = []
        for (text, location) in list {
            do {
                _ = try Glob(text)
            } catch {
                reader.bag.error("`\(path)`: `\(text)` is not a valid glob: \(error.description)", at: location)
                continue
            }
            if fileNameOnly, text.contains("/") {
                reader.bag.error("`\(path)`: `\(text)` contains `/`, but file types match the file name only", at: location,
                                 hint: "use `include:` for paths, e.g. `**/\(text.split(separator: "/").last ?? "")`")
                continue
            }
            out.append(text)
        }
        return out
    }
}
