import DecantCore
import Foundation

/// Plans the code edits for the migrations with `rewrite_code: true`.
///
/// Rules:
/// - a literal bucket becomes the target's literal name; a templated one the
///   target's name with the same placeholder where the environment was
///   (`data-bucket-{{ var('ENV') }}` → `shared-utilities-bucket-{{ var('ENV') }}`),
///   so the code stays environment-independent and needs nothing in scope; a
///   constant (in a template, a format call or a split call) becomes the target
///   bucket's `code_ref`;
/// - the object path's static part (before the first template or wildcard) goes
///   through the migration's mapping (`Migration.targetName(forSource:)`), the
///   rest is kept;
/// - a new constant is defined right after the source constant's definition
///   (or the file-local alias), in its style; a Python file that imports the
///   source constant with `from m import …` imports the new one there too, and
///   the old name is replaced in that import when nothing else in the file
///   uses it any more;
/// - every reference sharing one bucket expression (a split call with several
///   paths, a bucket handle with several blobs) must move to the same bucket,
///   or none is rewritten.
/// What cannot be rewritten safely is listed with the reason: a path that is a
/// parent of migrations' sources, a template that decides whether a subfolder
/// rename applies, a target without `code_ref` for a constant, a constant that
/// cannot be brought into scope, a migration that moves only part of its prefix.
public enum CodeRewriter {
    public static func plan(_ scan: CodeScan, plan: Plan, root: String) async throws -> CodeRewritePlan {
        var scan = scan
        if scan.project.project == nil || scan.options.root != root {
            // A scan read back, or of another root: resolve the project again.
            var options = scan.options
            options.root = root
            scan = try await CodeScanner.scan(options, migrations: plan.migrations)
        }
        guard let project = scan.project.project else { return CodeRewritePlan() }
        let options = scan.options
        let rewriting = Set(plan.migrations.filter(\.rewriteCode).map(\.key))
        let rules = RewriteRules(plan: plan, environment: options.environment)
        let outside = project.outside
        var scope = ConstantScope(definitions: scan.definitions.filter { outside[$0.path] == nil })
        scope.resolve = { module, importer in project.resolveModule(module, from: importer) }
        let relevant = Set(scan.references.filter { $0.migration.map(rewriting.contains) ?? false }.map(\.path))
        // Launchers of scripts with such references, and definitions their uses come from.
        var paths = relevant
        for path in relevant {
            guard let (_, findings) = project.result(path) else { continue }
            for f in findings {
                if let site = f.occurrence.derived?.site { paths.insert(site.path) }
                for site in f.occurrence.derived?.bucket?.launchSites ?? [] { paths.insert(site.path) }
            }
        }

        // 1. Each reference on its own.
        var decisions: [String: [RewriteDecision]] = [:]
        for path in paths.sorted() {
            guard let (analysis, findings) = project.result(path) else { continue }
            decisions[path] = findings.map { f -> RewriteDecision in
                guard f.category == .reference, let key = f.reference.migration, rewriting.contains(key) else {
                    return RewriteDecision(finding: f, outcome: .unrewritable(f.reference.unrewritableReason ?? "not rewritten"),
                                           constant: nil, migration: nil)
                }
                var d = rules.decide(f, view: analysis.view)
                if let derived = f.occurrence.derived, case .rewrite = d.outcome, let m = d.migration {
                    if !derived.bucketInPlace {
                        // Rewritten where the bucket and path are written (a definition, a launcher), or not at all.
                        d.outcome = .unrewritable(f.reference.through.map { "the bucket comes through \($0)" } ?? "the location is built elsewhere")
                    } else if !rules.mapsAsIs(derived.path, m) {
                        d.outcome = .unrewritable("the path is built at run time (\(derived.path)) and migration \(m.key) "
                            + "does not keep it as it is (\(m.source.prefix) → \(m.target.prefix)); rewrite it by hand")
                    } else {
                        // Only the bucket changes: the path stays what the code builds.
                        d.outcome = .rewrite(bucket: { if case .rewrite(let b, _) = d.outcome { return b } else { return "" } }(),
                                             path: derived.path)
                    }
                }
                if let target = outside[path], d.migration != nil {
                    d.outcome = .unrewritable("\(path) is a link to \(target), outside code.root: decant never rewrites "
                        + "a file outside the root; edit it where it lives")
                }
                return d
            }
        }
        // 2. Uses of a definition follow it: the definition is rewritten when every use
        //    maps through its migration as it does; otherwise none is.
        coverUses(&decisions, rules: rules, project: project)
        // 3. A launcher's bucket is rewritten when every script reference it reaches maps as is.
        rewriteLaunchers(&decisions, rules: rules, project: project, rewriting: rewriting)

        var files: [String: FileWork] = [:]
        var unrewritable: [CodeReference] = []
        // Definitions to add: definition file → (source name → [new constant: migrations]).
        var wanted: [String: [String: [String: Set<String>]]] = [:]

        for path in decisions.keys.sorted() {
            guard var fileDecisions = decisions[path], let (analysis, _) = project.result(path) else { continue }
            blockSharedBuckets(&fileDecisions, rewriting: rewriting)
            // Bring constants into scope; what cannot be is not rewritten.
            var work = FileWork(path: path, bytes: analysis.view.bytes, analysis: analysis)
            var sources: [Int: ConstantScope.Source] = [:]
            for i in fileDecisions.indices {
                guard case .rewrite = fileDecisions[i].outcome, fileDecisions[i].constant != nil,
                      case .constant(let name, let alias) = fileDecisions[i].finding.occurrence.spelling else { continue }
                switch scope.source(for: name, alias: alias, in: analysis, path: path) {
                case .failure(let problem): fileDecisions[i].outcome = .unrewritable(problem.message)
                case .success(let source): sources[i] = source
                }
            }
            blockSharedBuckets(&fileDecisions, rewriting: rewriting)
            for (i, source) in sources.sorted(by: { $0.key < $1.key }) {
                guard case .rewrite = fileDecisions[i].outcome, let constant = fileDecisions[i].constant,
                      case .constant(let name, _) = fileDecisions[i].finding.occurrence.spelling else { continue }
                let key = fileDecisions[i].migration?.key ?? ""
                switch source {
                case .localDefinition:
                    wanted[path, default: [:]][name, default: [:]][constant, default: []].insert(key)
                case .imported(_, _, let definitionPath):
                    wanted[definitionPath, default: [:]][name, default: [:]][constant, default: []].insert(key)
                    work.imports[name, default: []].insert(constant)
                case .text:
                    break
                }
            }
            for d in fileDecisions {
                guard let key = d.migration?.key ?? d.finding.reference.migration, rewriting.contains(key),
                      d.finding.category == .reference || d.finding.category == .launch else { continue }
                switch d.outcome {
                case .rewrite(let bucket, let newPath):
                    work.apply(d.finding.occurrence, bucket: bucket, path: newPath)
                    work.migrations.insert(key)
                case .covered:
                    continue
                case .unrewritable(let why):
                    guard d.finding.category == .reference else { continue }
                    var r = d.finding.reference
                    r.unrewritableReason = why
                    unrewritable.append(r)
                }
            }
            files[path] = work
        }

        // Definitions next to the source constants, and the imports that need them.
        for (definitionPath, byName) in wanted.sorted(by: { $0.key < $1.key }) {
            if files[definitionPath] == nil {
                guard let (analysis, _) = project.result(definitionPath) else { continue }
                files[definitionPath] = FileWork(path: definitionPath, bytes: analysis.view.bytes, analysis: analysis)
            }
            guard var work = files[definitionPath] else { continue }
            for (name, constants) in byName.sorted(by: { $0.key < $1.key }) {
                guard let site = work.analysis.definitions.first(where: { $0.name == name }) else { continue }
                var text = ""
                for (constant, migrations) in constants.sorted(by: { $0.key < $1.key }) {
                    work.migrations.formUnion(migrations)
                    guard !ConstantScope.defines(constant, in: work.analysis.view),
                          let key = migrations.sorted().first, let m = plan.migration(key: key),
                          let statement = ConstantScope.definition(like: site, newName: constant, bucket: m.target.bucket,
                                                                   environment: options.environment, view: work.analysis.view)
                    else { continue }
                    text += "\n" + statement
                }
                if !text.isEmpty { work.edits.insert(text, at: site.assignment.statement.upperBound) }
            }
            files[definitionPath] = work
        }

        var edits: [CodeEdit] = []
        for path in files.keys.sorted() {
            guard var work = files[path] else { continue }
            work.extendImports(scope)
            let after = work.edits.applied(to: work.bytes)
            guard after != work.bytes else { continue }
            let before = String(decoding: work.bytes, as: UTF8.self)
            let afterText = String(decoding: after, as: UTF8.self)
            edits.append(CodeEdit(path: path, beforeContent: before, afterContent: afterText,
                                  patch: UnifiedDiff.make(path: path, before: before, after: afterText),
                                  migrations: work.migrations.sorted()))
        }
        unrewritable.sort { ($0.path, $0.line, $0.column, $0.migration ?? "") < ($1.path, $1.line, $1.column, $1.migration ?? "") }
        return CodeRewritePlan(edits: edits, unrewritable: unrewritable)
    }

    /// Uses found by following a definition (`Derived.site`): covered when the
    /// definition is rewritten and the use maps through the same migration as the
    /// definition does; when one use does not, the definition is not rewritten
    /// either and every use is left to people.
    static func coverUses(_ decisions: inout [String: [RewriteDecision]], rules: RewriteRules, project: Project) {
        var uses: [Site: [(path: String, index: Int)]] = [:]
        for (path, list) in decisions {
            for (i, d) in list.enumerated() {
                guard let derived = d.finding.occurrence.derived, !derived.bucketInPlace, d.migration != nil,
                      derived.bucket?.launchSites.isEmpty ?? true else { continue }
                if let site = derived.site { uses[site, default: []].append((path, i)) }
            }
        }
        for site in uses.keys.sorted() {
            guard let members = uses[site] else { continue }
            // The definition: the reference whose path starts where the uses' paths were written.
            let definition = decisions[site.path]?.indices.first { i in
                guard let d = decisions[site.path]?[i] else { return false }
                return d.finding.occurrence.derived == nil && d.finding.occurrence.path?.lowerBound == site.offset
            }
            var problem: String?
            if let index = definition, let d = decisions[site.path]?[index] {
                let where_ = "\(site.path):\(d.finding.reference.line)"
                switch d.outcome {
                case .rewrite:
                    guard let m = d.migration else { problem = "its definition at \(where_) names no migration"; break }
                    for (path, i) in members {
                        guard let use = decisions[path]?[i] else { continue }
                        if use.migration?.key != m.key {
                            problem = "its definition at \(where_) is also used for \(use.finding.reference.objectPath) "
                                + "(\(use.finding.reference.migration.map { "migration \($0)" } ?? "no migration"), \(path):\(use.finding.reference.line))"
                            break
                        }
                        if !rules.consistent(use: use.finding.reference.objectPath, definition: d.finding.reference.objectPath, m) {
                            problem = "migration \(m.key) maps \(use.finding.reference.objectPath) (\(path):\(use.finding.reference.line)) "
                                + "differently from its definition at \(where_)"
                            break
                        }
                    }
                    if let problem {
                        decisions[site.path]?[index].outcome = .unrewritable(problem + "; every use is left to people")
                    }
                case .unrewritable(let why):
                    problem = "its definition at \(where_) is not rewritten: \(why)"
                case .covered:
                    problem = "its definition at \(where_) is not rewritten"
                }
            } else {
                problem = "the location is built from \(site.path), which decant does not rewrite"
            }
            for (path, i) in members {
                guard var use = decisions[path]?[i] else { continue }
                if let problem { use.outcome = .unrewritable(problem) } else { use.outcome = .covered }
                decisions[path]?[i] = use
            }
        }
    }

    /// A job script's references whose bucket a launcher passes: the launcher's
    /// bucket is rewritten when every reference it reaches maps through one
    /// migration and keeps its path as it is; the script stays as it is.
    static func rewriteLaunchers(_ decisions: inout [String: [RewriteDecision]], rules: RewriteRules, project: Project,
                                 rewriting: Set<String>) {
        var reached: [Site: [(path: String, index: Int)]] = [:]
        for (path, list) in decisions {
            for (i, d) in list.enumerated() {
                for site in d.finding.occurrence.derived?.bucket?.launchSites ?? [] where d.finding.category == .reference {
                    reached[site, default: []].append((path, i))
                }
            }
        }
        for site in reached.keys.sorted() {
            guard let members = reached[site],
                  let launchIndex = decisions[site.path]?.firstIndex(where: { $0.finding.category == .launch && $0.finding.occurrence.bucketRange.lowerBound == site.offset }),
                  let launch = decisions[site.path]?[launchIndex], let (analysis, _) = project.result(site.path) else { continue }
            let references = members.compactMap { decisions[$0.path]?[$0.index] }
            let keys = Set(references.map { $0.finding.reference.migration ?? "-" })
            var problem: String?
            var migration: Migration?
            if keys.count != 1 || references.contains(where: { $0.finding.reference.migration == nil }) {
                problem = "the script reaches \(keys.sorted().joined(separator: ", ")) with this bucket"
            } else if let key = keys.first, let m = rules.plan.migration(key: key) {
                migration = m
                if !rewriting.contains(key) { problem = "migration \(key) does not rewrite code" }
                for r in references where problem == nil {
                    if let why = r.finding.reference.unrewritableReason, r.finding.occurrence.derived?.ambiguity != nil { problem = why }
                    else if !rules.mapsAsIs(r.finding.reference.objectPath, m) {
                        problem = "migration \(key) does not keep \(r.finding.reference.objectPath) as it is "
                            + "(\(m.source.prefix) → \(m.target.prefix)), so changing the bucket the launcher passes is not enough"
                    }
                }
                // Every launcher of these references must pass the source bucket.
                let sites = Set(references.flatMap { $0.finding.occurrence.derived?.bucket?.launchSites ?? [] })
                if problem == nil, sites.contains(where: { s in decisions[s.path]?.contains { $0.finding.category == .launch && $0.finding.occurrence.bucketRange.lowerBound == s.offset } != true }) {
                    problem = "a launcher of the script could not be read"
                }
                if problem == nil {
                    let scripts = Set(members.map(\.path))
                    let launchers = Set(sites.map(\.path))
                    let others = scripts.sorted().flatMap { project.otherCallers(of: $0, besides: launchers) }
                    if let other = others.first {
                        problem = "\(other) also runs the script, and does not pass the source bucket in a way decant can read"
                    }
                }
            }
            let launcherText = "\(site.path):\(launch.finding.reference.line)"
            if problem == nil, let m = migration {
                switch rules.bucketReplacement(launch.finding.occurrence, m, view: analysis.view) {
                case .success(let replacement):
                    var d = launch
                    d.migration = m
                    d.constant = replacement.constant
                    d.outcome = .rewrite(bucket: replacement.bucket, path: "")
                    decisions[site.path]?[launchIndex] = d
                    for (path, i) in members { decisions[path]?[i].outcome = .covered }
                    continue
                case .failure(let failure):
                    problem = failure.message
                }
            }
            for (path, i) in members {
                decisions[path]?[i].outcome = .unrewritable("the bucket comes from the launcher \(launcherText), which is not rewritten: "
                    + (problem ?? "unknown"))
            }
        }
    }

    /// References sharing one bucket expression move together or not at all.
    static func blockSharedBuckets(_ decisions: inout [RewriteDecision], rewriting: Set<String>) {
        var groups: [Int: [Int]] = [:]
        for (i, d) in decisions.enumerated() {
            groups[d.finding.occurrence.bucketRange.lowerBound, default: []].append(i)
        }
        for (_, members) in groups where members.count > 1 {
            var buckets = Set<String>()
            var blocker: String?
            for i in members {
                let d = decisions[i]
                switch d.outcome {
                case .rewrite(let bucket, _): buckets.insert(bucket)
                case .covered: continue
                case .unrewritable(let why):
                    let what = d.finding.reference.migration.map { "migration \($0)" } ?? "no migration"
                    blocker = blocker ?? "it shares its bucket argument with \(d.finding.reference.objectPath.isEmpty ? "a bucket-only use" : d.finding.reference.objectPath) (\(what)) at line \(d.finding.reference.line), which is not rewritten: \(why)"
                }
            }
            if blocker == nil, buckets.count > 1 {
                blocker = "its bucket argument also serves paths that move to other buckets (\(buckets.sorted().joined(separator: ", ")))"
            }
            guard let blocker else { continue }
            for i in members {
                if case .rewrite = decisions[i].outcome { decisions[i].outcome = .unrewritable(blocker) }
            }
        }
    }

    static func read(_ root: String, _ path: String) throws -> [UInt8] {
        do {
            return Array(try Data(contentsOf: URL(fileURLWithPath: root + "/" + path)))
        } catch {
            throw CodeRefsError.readFailed(path: path, reason: error.localizedDescription)
        }
    }
}
