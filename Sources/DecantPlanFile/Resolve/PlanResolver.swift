import DecantCore

/// Turns the merged document into a `Plan` for one environment: interpolates,
/// reads every entry that exists in the environment, then runs the plan-wide checks.
struct PlanResolver {
    let document: PlanDocument
    let environments: [EnvironmentResolver.Environment]
    let bag: DiagnosticBag

    /// Nil when the environment is unknown or anything is wrong (all of it reported in `bag`).
    func resolve(_ environment: String, inputDigest: String) -> Plan? {
        guard let env = environments.first(where: { $0.name == environment }) else {
            let names = environments.map(\.name)
            bag.error("unknown environment `\(environment)`; the plan declares " + (names.isEmpty ? "none" : names.map { "`\($0)`" }.joined(separator: ", ")),
                      at: document.mapLocations["environments"] ?? document.start,
                      hint: Suggest.closest(to: environment, among: names).map { "did you mean `\($0)`?" })
            return nil
        }
        let errorsBefore = bag.items.errors.count
        let reader = ValueReader(bag: bag, interpolator: Interpolator(variables: env.variables))
        let declared = environments.map(\.name)

        let settings = SettingsResolver(document: document, reader: reader)
        settings.checkVersion()
        let storage = settings.storage()
        let state = settings.state()
        let code = settings.code()
        let pricing = settings.pricing()
        let engines = EngineResolver(document: document, reader: reader).thresholds()

        let policies = LifecycleResolver(reader: reader).policies(document)
        let bucketResolver = BucketResolver(reader: reader, environment: environment, declaredEnvironments: declared,
                                            policies: policies)
        let bucketEntries = document.entries("buckets")
        var buckets: [BucketResolver.Resolved] = []
        var failedBuckets = Set<String>()
        for entry in bucketEntries {
            switch bucketResolver.resolve(entry) {
            case .resolved(let bucket): buckets.append(bucket)
            case .failed: failedBuckets.insert(entry.name)
            case .absent: break
            }
        }
        let bucketsByKey = Dictionary(buckets.map { ($0.spec.key, $0.spec) }, uniquingKeysWith: { a, _ in a })

        let migrationResolver = MigrationResolver(reader: reader, environment: environment, declaredEnvironments: declared,
                                                  buckets: bucketsByKey, failedBucketKeys: failedBuckets,
                                                  allBucketKeys: bucketEntries.map(\.name))
        let migrations = document.entries("migrations").compactMap { migrationResolver.resolve($0) }

        let promotion = PromotionResolver(document: document, declared: declared, bag: bag).resolve(for: environment)
        let checks = PlanChecks(bag: bag, environment: environment)
        checks.uniqueBucketNames(buckets)
        checks.overlaps(migrations)
        checks.ageWarnings(buckets: buckets, migrations: migrations)
        checks.accessSources(buckets: buckets, migrations: migrations)

        guard let storage, let state, bag.items.errors.count == errorsBefore else { return nil }
        return Plan(environment: environment, variables: env.variables, storage: storage, state: state, code: code,
                    buckets: buckets.map(\.spec), migrations: migrations.map(\.migration), inputDigest: inputDigest,
                    pricing: pricing, engines: engines, promotion: promotion)
    }
}
