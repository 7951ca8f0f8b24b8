import DecantCore

/// What to do with one reference: the new bucket and path text, or why not.
struct RewriteDecision: Sendable {
    enum Outcome: Sendable {
        case rewrite(bucket: String, path: String)
        /// Rewritten elsewhere: at the definition it uses, or at its launcher.
        case covered
        case unrewritable(String)
    }

    var finding: Finding
    var outcome: Outcome
    /// The target's constant when the bucket is a constant (it must then be
    /// brought into scope).
    var constant: String?
    var migration: Migration?
}

/// Decides, reference by reference, how the rewrite goes (see `CodeRewriter`).
struct RewriteRules: Sendable {
    let plan: Plan
    let environment: String

    func decide(_ f: Finding, view: CodeView) -> RewriteDecision {
        var d = RewriteDecision(finding: f, outcome: .unrewritable(""), constant: nil, migration: nil)
        guard f.category == .reference, let key = f.reference.migration, let m = plan.migration(key: key) else {
            d.outcome = .unrewritable(f.reference.unrewritableReason ?? "names no migration that rewrites code")
            return d
        }
        d.migration = m
        if let why = f.reference.unrewritableReason { d.outcome = .unrewritable(why); return d }
        if m.partitions != nil || !m.include.isEmpty || !m.exclude.isEmpty || !m.fileTypes.isEmpty || !m.recursive {
            d.outcome = .unrewritable("migration \(key) moves only some objects under \(m.source.prefix) "
                + "(include, exclude, file types, partitions or recursive: false); check which objects this code names")
            return d
        }
        let o = f.occurrence
        let path = f.reference.objectPath
        guard let newPath = mapPath(path, m) else {
            d.outcome = .unrewritable(renameProblem(path, m) ?? "\(path) does not map onto \(m.target)")
            return d
        }
        switch bucketReplacement(o, m, view: view) {
        case .failure(let problem):
            d.outcome = .unrewritable(problem.message)
            return d
        case .success(let replacement):
            d.constant = replacement.constant
            d.outcome = .rewrite(bucket: replacement.bucket, path: newPath)
            return d
        }
    }

    struct Problem: Error, Sendable { let message: String }

    /// What replaces the bucket as spelled at `o` for migration `m`: the target's
    /// name (literal), the target's name with the same placeholder (templated), or
    /// the target bucket's `code_ref` (constant, which must then be in scope).
    func bucketReplacement(_ o: Occurrence, _ m: Migration, view: CodeView) -> Result<(bucket: String, constant: String?), Problem> {
        switch o.spelling {
        case .literal:
            return .success((m.target.bucket, nil))
        case .templated(_, let placeholder):
            guard let (prefix, suffix) = SourcePatterns.environmentSplit(m.target.bucket, environment: environment) else {
                return .failure(Problem(message: "the target bucket \(m.target.bucket) does not contain the environment '\(environment)', "
                    + "so it cannot be written with the same placeholder"))
            }
            return .success((prefix + view.bytes.string(placeholder) + suffix, nil))
        case .constant(let name, _):
            let spec = m.targetBucketKey.flatMap(plan.bucket(key:)) ?? plan.bucket(named: m.target.bucket)
            guard let codeRef = spec?.codeRef else {
                return .failure(Problem(message: "bucket \(spec?.key ?? m.target.bucket) has no code_ref to replace \(name) with"))
            }
            if o.bucketRange.lowerBound > 0, view.bytes[o.bucketRange.lowerBound - 1] == UInt8(ascii: ".") {
                return .failure(Problem(message: "\(name) is read as a module attribute; rewrite it by hand"))
            }
            return .success((codeRef, codeRef))
        }
    }

    /// True when `m` keeps `path` as it is in the target (same prefix, no rename on the way).
    func mapsAsIs(_ path: String, _ m: Migration) -> Bool {
        mapPath(path, m) == path
    }

    /// True when a use of a definition (`use` = `definition` + more) maps through `m`
    /// as the definition does: rewriting the definition rewrites the use.
    func consistent(use: String, definition: String, _ m: Migration) -> Bool {
        guard use.hasPrefix(definition), let mappedUse = mapPath(use, m), let mappedDefinition = mapPath(definition, m) else { return false }
        return mappedUse == mappedDefinition + String(use.dropFirst(definition.count))
    }

    /// The path in the target: the static part goes through the migration's
    /// mapping, the templated rest is kept. Nil when a subfolder rename applies
    /// or not depending on a template's value.
    func mapPath(_ path: String, _ m: Migration) -> String? {
        let known = ObjectPath.staticPrefix(path)
        let rest = String(decoding: path.utf8.dropFirst(known.utf8.count), as: UTF8.self)
        if renameProblem(path, m) != nil { return nil }
        if known + "/" == m.source.prefix, rest.isEmpty {
            // The folder named without its slash.
            var p = m.target.prefix
            if p.hasSuffix("/") { p.removeLast() }
            return p
        }
        guard let mapped = m.targetName(forSource: known) else { return nil }
        return mapped + rest
    }

    func renameProblem(_ path: String, _ m: Migration) -> String? {
        let known = ObjectPath.staticPrefix(path)
        guard known != path, known.hasPrefix(m.source.prefix) else { return nil }
        let relative = String(decoding: known.utf8.dropFirst(m.source.prefix.utf8.count), as: UTF8.self)
        let open = m.subfolders.filter { $0.from.hasPrefix(relative) && $0.from != relative }
        guard !open.isEmpty else { return nil }
        let renames = open.map { "\($0.from) → \($0.to)" }.joined(separator: ", ")
        return "the template in \(path) decides whether the rename \(renames) applies; rewrite it by hand"
    }
}
