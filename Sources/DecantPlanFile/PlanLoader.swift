import DecantCore

/// Reads a plan directory: every `*.yaml`/`*.yml` directly in it, merged into one
/// document, then resolved for an environment into a `Plan`. All mistakes are
/// reported as diagnostics (sorted by position), never thrown.
public enum PlanLoader {
    /// Loads `directory` and resolves it for `environment`; `plan` is nil iff there is an error diagnostic.
    public static func load(directory: String, environment: String) -> (plan: Plan?, diagnostics: [Diagnostic]) {
        let bag = DiagnosticBag()
        let files = PlanDirectory.read(directory, bag: bag)
        return load(files: files, environment: environment, bag: bag)
    }

    /// Validates for one environment, or for every declared environment when nil.
    public static func validate(directory: String, environment: String?) -> (environments: [String], diagnostics: [Diagnostic]) {
        let bag = DiagnosticBag()
        let files = PlanDirectory.read(directory, bag: bag)
        return validate(files: files, environment: environment, bag: bag)
    }

    // MARK: - In-memory files (the converter checks its own output with these)

    static func load(files: [PlanSourceFile], environment: String, bag: DiagnosticBag = DiagnosticBag()) -> (plan: Plan?, diagnostics: [Diagnostic]) {
        guard let (resolver, digest) = prepare(files, bag: bag) else { return (nil, bag.items.sortedUnique()) }
        let plan = resolver.resolve(environment, inputDigest: digest)
        let diagnostics = bag.items.sortedUnique()
        return (diagnostics.hasErrors ? nil : plan, diagnostics)
    }

    static func validate(files: [PlanSourceFile], environment: String?, bag: DiagnosticBag = DiagnosticBag()) -> (environments: [String], diagnostics: [Diagnostic]) {
        guard let (resolver, digest) = prepare(files, bag: bag) else { return ([], bag.items.sortedUnique()) }
        let names = environment.map { [$0] } ?? resolver.environments.map(\.name)
        for name in names { _ = resolver.resolve(name, inputDigest: digest) }
        return (names, bag.items.sortedUnique())
    }

    /// Parses and merges the files; nil when there is nothing to resolve. A file that
    /// cannot be parsed stops here (after every file is parsed): resolving the rest
    /// would only add errors that follow from the missing file.
    private static func prepare(_ files: [PlanSourceFile], bag: DiagnosticBag) -> (PlanResolver, String)? {
        guard !files.isEmpty else {
            if !bag.hasErrors { bag.error("no plan files to read", at: nil) }
            return nil
        }
        var roots: [(path: String, root: YAMLNode?)] = []
        var unreadable = false
        for file in files.sorted(by: { $0.relativePath < $1.relativePath }) {
            let (root, diagnostics) = YAMLParser.parse(file.bytes, file: file.path)
            bag.add(diagnostics)
            if root == nil, diagnostics.hasErrors { unreadable = true }
            roots.append((file.path, root))
        }
        if unreadable { return nil }
        let document = PlanDocument.merge(roots, bag: bag)
        let environments = EnvironmentResolver.declared(document, bag: bag)
        return (PlanResolver(document: document, environments: environments, bag: bag), PlanSourceFile.digest(files))
    }
}
