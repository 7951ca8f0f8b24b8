import DecantCore

/// Converts the seed's `migration_configs.yaml` (use case → pattern, buckets,
/// paths and options) into a native plan file. Every pattern and option maps to
/// a native form; anything that does not is a diagnostic, never dropped silently.
public enum SeedConverter {
    /// The seed's `migration_configs.yaml` format → a native plan file (YAML text, deterministic).
    public static func convert(_ text: String, fileName: String) -> (output: String?, diagnostics: [Diagnostic]) {
        let bag = DiagnosticBag()
        let (root, parseDiagnostics) = YAMLParser.parse(Array(text.utf8), file: fileName)
        bag.add(parseDiagnostics)
        guard !bag.hasErrors else { return (nil, bag.items.sortedUnique()) }
        guard let root, let pairs = root.pairs, !pairs.isEmpty else {
            bag.error("expected a mapping of use cases (`dms_export: { pattern: file_pattern, … }`), got "
                      + (root?.kindDescription ?? "an empty file"), at: root?.location ?? SourceLocation(file: fileName, line: 1, column: 1))
            return (nil, bag.items.sortedUnique())
        }
        var useCases: [SeedUseCase] = []
        for pair in pairs {
            guard let key = pair.key.scalar else { continue }
            if let useCase = SeedUseCase.read(key, pair.key, pair.value, bag: bag) { useCases.append(useCase) }
        }
        let buckets = targetBuckets(useCases, bag: bag)
        guard !bag.hasErrors else { return (nil, bag.items.sortedUnique()) }

        let ordered = useCases.enumerated().map { index, useCase in
            (useCase: useCase, bucketKey: buckets.keys[useCase.targetBucket] ?? "",
             phase: SeedRoadmap.phase(sourcePath: useCase.sourcePath) ?? 1, index: index)
        }.sorted { ($0.phase, $0.index) < ($1.phase, $1.index) }
        var writer = NativePlanWriter(sourceFile: fileName, buckets: buckets.list,
                                      useCases: ordered.map { ($0.useCase, $0.bucketKey, $0.phase) })
        let output = writer.write()

        // The output must stand on its own: check it as `decant validate` would.
        let converted = PlanSourceFile(path: "\(fileName) (converted)", relativePath: "converted.yaml", bytes: Array(output.utf8))
        let (_, diagnostics) = PlanSet(files: [converted]).validate(environment: nil)
        for diagnostic in diagnostics {
            var d = diagnostic
            d.message = "in the converted plan: " + d.message
            bag.add([d])
        }
        return (output, bag.items.sortedUnique())
    }

    /// One `buckets:` entry per distinct target bucket, keyed by its use-case part
    /// (`seed-data-bucket-{env}` → `seed-data`, whose default name is the same).
    private static func targetBuckets(_ useCases: [SeedUseCase], bag: DiagnosticBag)
        -> (list: [NativePlanWriter.Bucket], keys: [String: String]) {
        var list: [NativePlanWriter.Bucket] = []
        var keys: [String: String] = [:]
        var lifecycleOrigin: [String: (name: String, location: SourceLocation)] = [:]
        for useCase in useCases {
            let name = useCase.targetBucket
            if keys[name] == nil {
                var key: String
                var explicitName: String?
                let suffix = "-bucket-${env}"
                if name.hasSuffix(suffix), BucketResolver.isValidKey(String(name.dropLast(suffix.count))) {
                    key = String(name.dropLast(suffix.count))
                } else {
                    let base = name.replacingOccurrences(of: "${env}", with: "")
                        .unicodeScalars.map { BucketResolver.isValidKey(String($0)) ? String($0) : "-" }.joined()
                        .trimmingCharacters(in: ["-", "_"])
                    key = base.isEmpty ? "target" : base
                    explicitName = name
                }
                var unique = key
                var n = 2
                while list.contains(where: { $0.key == unique }) {
                    unique = "\(key)-\(n)"
                    n += 1
                }
                keys[name] = unique
                list.append(NativePlanWriter.Bucket(key: unique, name: explicitName, lifecycle: nil))
            }
            guard let policy = useCase.lifecyclePolicy, let index = list.firstIndex(where: { $0.key == keys[name] }) else { continue }
            if let first = lifecycleOrigin[name], first.name != policy.name {
                bag.error("`\(useCase.key).lifecycle_policy` is `\(policy.name)`, but another use case gives bucket `\(name)` `\(first.name)` (at \(first.location))",
                          at: policy.location, hint: "a bucket has one lifecycle: use the same policy for both")
                continue
            }
            lifecycleOrigin[name] = policy
            list[index].lifecycle = policy.name
        }
        return (list.sorted { $0.key < $1.key }, keys)
    }
}
