import DecantCore

/// A plan directory read once: every `*.yaml`/`*.yml` directly in it, parsed and
/// merged into one document, with its declared environments. Each environment is
/// resolved into a `Plan` when asked, from that one parse, so a command that needs
/// several environments (validate checks them all, plan and analyze look at the
/// others' source buckets, a promotion reads another environment's state) reads
/// the files once. All mistakes are diagnostics (sorted by position), never thrown.
public struct PlanSet: Sendable {
    /// Every declared environment's name, in declaration order.
    public var environments: [String] { declared.map(\.name) }
    /// What reading, parsing and merging the files found, before any environment is resolved.
    public let loadDiagnostics: [Diagnostic]

    private let document: PlanDocument?
    private let declared: [EnvironmentResolver.Environment]
    private let inputDigest: String

    /// Reads `directory`. Diagnostics name the files under `shownAs` (the directory as
    /// the user should read it, e.g. relative to the working directory), default `directory`.
    public static func read(directory: String, shownAs: String? = nil) -> PlanSet {
        let bag = DiagnosticBag()
        let files = PlanDirectory.read(directory, shownAs: shownAs ?? directory, bag: bag)
        return PlanSet(files: files, bag: bag)
    }

    /// In-memory files (the converter checks its own output with these). A file that
    /// cannot be parsed stops here (after every file is parsed): resolving the rest
    /// would only add errors that follow from the missing file.
    init(files: [PlanSourceFile], bag: DiagnosticBag = DiagnosticBag()) {
        var document: PlanDocument?
        var declared: [EnvironmentResolver.Environment] = []
        if files.isEmpty {
            if !bag.hasErrors { bag.error("no plan files to read", at: nil) }
        } else {
            var roots: [(path: String, root: YAMLNode?)] = []
            var unreadable = false
            for file in files.sorted(by: { $0.relativePath < $1.relativePath }) {
                let (root, diagnostics) = YAMLParser.parse(file.bytes, file: file.path)
                bag.add(diagnostics)
                if root == nil, diagnostics.hasErrors { unreadable = true }
                roots.append((file.path, root))
            }
            if !unreadable {
                let merged = PlanDocument.merge(roots, bag: bag)
                declared = EnvironmentResolver.declared(merged, bag: bag)
                document = merged
            }
        }
        self.document = document
        self.declared = declared
        inputDigest = PlanSourceFile.digest(files)
        loadDiagnostics = bag.items.sortedUnique()
    }

    /// The plan of `environment`; `plan` is nil iff there is an error diagnostic
    /// (the load's own, or this environment's).
    public func resolve(_ environment: String) -> (plan: Plan?, diagnostics: [Diagnostic]) {
        let bag = DiagnosticBag()
        bag.add(loadDiagnostics)
        guard let document else { return (nil, loadDiagnostics) }
        let plan = PlanResolver(document: document, environments: declared, bag: bag).resolve(environment, inputDigest: inputDigest)
        let diagnostics = bag.items.sortedUnique()
        return (diagnostics.hasErrors ? nil : plan, diagnostics)
    }

    /// Resolves one environment, or every declared one when nil: the names checked,
    /// the plans that resolved, and every diagnostic once.
    public func resolveEach(_ environment: String?) -> (environments: [String], plans: [Plan], diagnostics: [Diagnostic]) {
        guard document != nil else { return ([], [], loadDiagnostics) }
        let names = environment.map { [$0] } ?? environments
        var plans: [Plan] = []
        var diagnostics = loadDiagnostics
        for name in names {
            let resolved = resolve(name)
            diagnostics += resolved.diagnostics
            if let plan = resolved.plan { plans.append(plan) }
        }
        return (names, plans, diagnostics.sortedUnique())
    }

    /// Validates one environment, or every declared environment when nil.
    public func validate(environment: String?) -> (environments: [String], diagnostics: [Diagnostic]) {
        let checked = resolveEach(environment)
        return (checked.environments, checked.diagnostics)
    }

    /// A declared environment's variables (`env` included), as written under `environments:`.
    public func variables(of environment: String) -> [String: String]? {
        declared.first { $0.name == environment }?.variables
    }

    /// How the other declared environments name the source bucket, so that a code
    /// scan of `environment` finds a name hard-coded to another one
    /// (`gs://data-bucket-stg/…` in a dev scan) and says whose it is: each other
    /// environment's one source bucket, as its plan resolves (an environment whose
    /// migrations read several buckets, or whose plan has errors, gives none).
    ///
    /// `bucket`, when given, is the bucket the scan is about (analyze): the plan's
    /// answer holds only when it is one of this environment's source buckets; for
    /// any other bucket (before any migration is written) the other environments'
    /// names are guessed by putting theirs in this one's place
    /// (`data-bucket-dev` → `data-bucket-prod`).
    public func sourceBuckets(except environment: String, bucket: String? = nil) -> [String: String] {
        let usePlans = bucket.map(sources(of: environment).contains) ?? true
        var out: [String: String] = [:]
        for other in environments where other != environment {
            if usePlans, let theirs = oneSourceBucket(of: other) {
                out[other] = theirs
            } else if let bucket, let guessed = Self.replacingEnvironment(environment, in: bucket, with: other) {
                out[other] = guessed
            }
        }
        return out
    }

    private func oneSourceBucket(of environment: String) -> String? {
        let buckets = sources(of: environment)
        return buckets.count == 1 ? buckets.first : nil
    }

    private func sources(of environment: String) -> Set<String> {
        Set(resolve(environment).plan?.migrations.map(\.source.bucket) ?? [])
    }

    /// `data-bucket-dev` with `dev` → `prod`: the last dash-separated word that is the
    /// environment's name, replaced; nil when the name holds no such word.
    static func replacingEnvironment(_ environment: String, in bucket: String, with other: String) -> String? {
        var parts = bucket.components(separatedBy: "-")
        guard let index = parts.lastIndex(of: environment) else { return nil }
        parts[index] = other
        return parts.joined(separator: "-")
    }
}
