import DecantCore

/// Writes a first native plan from an analysis (`decant analyze --scaffold FILE`):
/// one dedicated bucket per use case (`{use-case}-bucket-${env}`, storage class and
/// lifecycle from its temperature), one migration per subfolder in the phase of
/// its tier. The file stands alone (environments, storage, state and code come
/// from the plan directory the analysis ran with), validates, and plans; a person
/// reviews it before moving it into `plans/`.
public enum PlanScaffold {
    /// An environment as the plan directory declares it.
    public struct Environment: Hashable, Sendable {
        public var name: String
        /// Its variables, without the built-in `env`.
        public var variables: [String: String]

        public init(name: String, variables: [String: String]) {
            self.name = name
            self.variables = variables.filter { $0.key != "env" }
        }
    }

    /// Where the scaffold's plan keeps its state, storage and code: those of the analysed plan.
    public struct Settings: Sendable {
        public var environments: [Environment]
        /// As resolved for the analysed environment; written back with `${…}` where a value is a variable's.
        public var storage: StorageConfig
        public var state: StateConfig
        public var code: CodeConfig?

        public init(environments: [Environment], storage: StorageConfig, state: StateConfig, code: CodeConfig?) {
            self.environments = environments
            self.storage = storage
            self.state = state
            self.code = code
        }
    }

    public static func write(_ analysis: BucketAnalysis, settings: Settings) -> String {
        var w = Writer(analysis: analysis, settings: settings)
        return w.write()
    }

    /// A migration key from a folder: `bigquery_imports/seed/` → `bigquery_imports_seed`.
    public static func migrationKey(_ folder: String) -> String {
        var out = ""
        for c in folder.unicodeScalars {
            let ok = ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c) || c == "-" || c == "_"
            out.unicodeScalars.append(ok ? c : "_")
        }
        while out.hasSuffix("_") { out.removeLast() }
        return out.isEmpty ? "root" : out
    }

    /// `seed-data` → `SEED_DATA_BUCKET_NAME`, how code names the new bucket after a rewrite.
    public static func codeRef(_ useCase: String) -> String {
        useCase.uppercased().replacingOccurrences(of: "-", with: "_") + "_BUCKET_NAME"
    }

    private struct Writer {
        let analysis: BucketAnalysis
        let settings: Settings
        var lines: [String] = []

        init(analysis: BucketAnalysis, settings: Settings) {
            self.analysis = analysis
            self.settings = settings
        }

        var folders: [FolderUsage] { analysis.folders.filter { !$0.directObjectsOnly } }

        mutating func emit(_ line: String = "") { lines.append(line) }

        mutating func write() -> String {
            emit("# Scaffolded by `decant analyze` from gs://\(analysis.bucket) (environment \(analysis.environment)),")
            emit("# analysed at \(RFC3339.format(analysis.now)). One dedicated bucket per use case, phases from the")
            emit("# priority tiers, lifecycle from each folder's temperature. Review it: bucket names and")
            emit("# settings, subfolder renames, and add `cleanup:` once the copies are validated.")
            emit("decant: 1")
            emit()
            environments()
            emit()
            emit("storage: \(storage())")
            emit("state: \(state())")
            code()
            policies()
            buckets()
            migrations()
            return lines.joined(separator: "\n") + "\n"
        }

        mutating func environments() {
            emit("environments:")
            for e in settings.environments {
                let vars = e.variables.sorted { $0.key < $1.key }.map { "\(YAMLWriter.scalar($0.key)): \(YAMLWriter.scalar($0.value))" }
                emit("  \(YAMLWriter.scalar(e.name)): {\(vars.isEmpty ? "" : " " + vars.joined(separator: ", ") + " ")}")
            }
        }

        /// A value of the analysed environment, with variables put back: the
        /// project's value becomes `${project}`, the environment's name `${env}`.
        func template(_ value: String) -> String {
            let variables = settings.environments.first { $0.name == analysis.environment }?.variables ?? [:]
            if let (name, _) = variables.sorted(by: { $0.key < $1.key }).first(where: { $0.value == value && !$0.value.isEmpty }) {
                return "${\(name)}"
            }
            return Self.replacingWord(analysis.environment, in: value, with: "${env}")
        }

        /// Replaces `word` where it stands between non-alphanumeric characters.
        static func replacingWord(_ word: String, in text: String, with replacement: String) -> String {
            guard !word.isEmpty else { return text }
            let t = Array(text.unicodeScalars), w = Array(word.unicodeScalars)
            func alnum(_ c: Unicode.Scalar) -> Bool { c.properties.isAlphabetic || ("0"..."9").contains(c) }
            var out = "", i = 0
            while i < t.count {
                if i + w.count <= t.count, Array(t[i..<(i + w.count)]) == w,
                   i == 0 || !alnum(t[i - 1]), i + w.count == t.count || !alnum(t[i + w.count]) {
                    out += replacement
                    i += w.count
                } else {
                    out.unicodeScalars.append(t[i])
                    i += 1
                }
            }
            return out
        }

        func storage() -> String {
            switch settings.storage {
            case .local(let root):
                return "{ provider: local, root: \(YAMLWriter.quoted(template(root))) }"
            case let .gcs(project, endpoint, emulator):
                var fields = ["provider: gcs"]
                if let project { fields.append("project: \(YAMLWriter.quoted(template(project)))") }
                if let endpoint { fields.append("endpoint: \(YAMLWriter.quoted(endpoint))") }
                if let emulator { fields.append("emulator: \(YAMLWriter.scalar(emulator))") }
                return "{ " + fields.joined(separator: ", ") + " }"
            }
        }

        func state() -> String {
            switch settings.state {
            case .local(let path):
                return "{ backend: local, path: \(YAMLWriter.quoted(template(path))) }"
            case let .gcs(bucket, prefix):
                return "{ backend: gcs, bucket: \(YAMLWriter.quoted(template(bucket))), prefix: \(YAMLWriter.quoted(prefix)) }"
            }
        }

        mutating func code() {
            guard let code = settings.code else { return }
            emit()
            emit("code:")
            emit("  root: \(YAMLWriter.quoted(code.root))")
            if !code.include.isEmpty { emit("  include: \(YAMLWriter.list(code.include))") }
            if !code.exclude.isEmpty { emit("  exclude: \(YAMLWriter.list(code.exclude))") }
            emit("  source_refs: [" + code.sourceRefs.map { YAMLWriter.quoted(template($0)) }.joined(separator: ", ") + "]")
        }

        mutating func policies() {
            let used = Dictionary(folders.map { ($0.temperature.suggestedStorage.policy, $0.temperature.suggestedStorage) },
                                  uniquingKeysWith: { a, _ in a })
            guard !used.isEmpty else { return }
            emit()
            emit("# Temperature-based storage classes: cold data to COLDLINE at once, warm")
            emit("# reference data cheaper after a month, hot staging kept STANDARD while fresh.")
            emit("lifecycle_policies:")
            for name in used.keys.sorted() {
                emit("  \(name):")
                for rule in used[name]?.rules ?? [] {
                    emit("    - { set_storage_class: \(rule.storageClass.rawValue), when: { age_days: \(rule.ageDays) } }")
                }
            }
        }

        mutating func buckets() {
            guard !folders.isEmpty else { return }
            emit()
            emit("# One bucket per use case; each name defaults to `<key>-bucket-${env}`.")
            emit("buckets:")
            for f in folders {
                let s = f.temperature.suggestedStorage
                emit("  \(YAMLWriter.scalar(f.useCase)):")
                if let saving = saving(f) { emit("    # \(saving)") }
                if let location = analysis.location { emit("    location: \(YAMLWriter.scalar(location))") }
                emit("    storage_class: \(s.storageClass.rawValue)")
                emit("    lifecycle: \(s.policy)")
                if s.needsPreservedAge {
                    emit("    preserve_age: true   # copies keep their age for the age rules")
                }
                emit("    labels: { use_case: \(YAMLWriter.scalar(f.useCase)), temperature: \(f.temperature.rawValue) }")
                emit("    uniform_access: true")
                emit("    code_ref: \(PlanScaffold.codeRef(f.useCase))")
            }
        }

        mutating func migrations() {
            let source = template(analysis.bucket)
            emit()
            emit("migrations:")
            var first = true
            for f in folders {
                if !first { emit() }
                first = false
                emit("  \(YAMLWriter.scalar(PlanScaffold.migrationKey(f.path))):")
                for reason in f.reasons { emit("    # \(reason)") }
                emit("    phase: \(f.tier.rawValue)")
                emit("    description: \(YAMLWriter.quoted(description(f)))")
                emit("    source: \(YAMLWriter.quoted(source + "/" + f.path))")
                emit("    target: \(YAMLWriter.quoted(f.useCase + "/"))")
                emit("    verify: checksum")
                if settings.code != nil, !f.references.isEmpty { emit("    rewrite_code: true") }
            }
            if folders.isEmpty { lines[lines.count - 1] = "migrations: {}" }
            let left = analysis.folders.filter(\.directObjectsOnly)
            if !left.isEmpty {
                emit()
                emit("# Not scaffolded: the objects directly in " + left.map { "`\($0.path)`" }.joined(separator: ", ")
                     + " (a migration of a folder would overlap those of its subfolders).")
            }
        }

        /// The suggestion's money, as `decant analyze` costed it.
        func saving(_ f: FolderUsage) -> String? {
            guard let c = f.cost, let before = c.monthlyBefore, let after = c.monthlyAfter12m, let net = c.netSaving12m else { return nil }
            let prices = analysis.prices.map { " (\($0.table), as of \($0.asOf))" } ?? ""
            return "\(Money.string(before, c.currency))/month today, \(Money.string(after, c.currency))/month here after 12 months; "
                + "first year net of the move's one-time cost: \(net >= 0 ? "saves" : "costs") \(Money.string(abs(net), c.currency))\(prices)"
        }

        func description(_ f: FolderUsage) -> String {
            var parts = ["\(f.temperature.rawValue), \(f.stats.objects) object(s)"]
            if !f.writers.isEmpty { parts.append("written by " + f.writers.joined(separator: ", ")) }
            let readOnly = f.readers.filter { !f.writers.contains($0) }
            if !readOnly.isEmpty { parts.append("read by " + readOnly.joined(separator: ", ")) }
            if f.files.isEmpty { parts.append("no code names it") }
            return parts.joined(separator: "; ")
        }
    }
}
