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
    public static func plan(_ scan: CodeScan, plan: Plan, root: String) throws -> CodeRewritePlan {
        var options = scan.options
        options.root = root
        let setup = try CodeScanner.Setup(options, migrations: plan.migrations)
        let rewriting = Set(plan.migrations.filter(\.rewriteCode).map(\.key))
        let rules = RewriteRules(plan: plan, environment: options.environment)
        let outside = Dictionary(scan.outsideRoot.map { ($0.path, $0.target) }, uniquingKeysWith: { a, _ in a })
        let scope = ConstantScope(definitions: scan.definitions.filter { outside[$0.path] == nil })
        let paths = Set(scan.references.filter { $0.migration.map(rewriting.contains) ?? false }.map(\.path)).sorted()

        var files: [String: FileWork] = [:]
        var unrewritable: [CodeReference] = []
        // Definitions to add: definition file → (source name → [new constant: migrations]).
        var wanted: [String: [String: [String: Set<String>]]] = [:]

        for path in paths {
            let bytes = try read(setup.walker.root, path)
            guard let (analysis, findings) = CodeScanner.analyze(path: path, bytes: bytes, setup: setup) else { continue }
            var decisions = findings.map { f -> RewriteDecision in
                guard f.category == .reference, let key = f.reference.migration, rewriting.contains(key) else {
                    return RewriteDecision(finding: f, outcome: .unrewritable(f.reference.unrewritableReason ?? "not rewritten"),
                                           constant: nil, migration: nil)
                }
                return rules.decide(f, view: analysis.view)
            }
            if let target = outside[path] {
                for i in decisions.indices where decisions[i].migration != nil {
                    decisions[i].outcome = .unrewritable("\(path) is a link to \(target), outside code.root: decant never rewrites "
                        + "a file outside the root; edit it where it lives")
                }
            }
            blockSharedBuckets(&decisions, rewriting: rewriting)
            // Bring constants into scope; what cannot be is not rewritten.
            var work = FileWork(path: path, bytes: bytes, analysis: analysis)
            var sources: [Int: ConstantScope.Source] = [:]
            for i in decisions.indices {
                guard case .rewrite = decisions[i].outcome, decisions[i].constant != nil,
                      case .constant(let name, let alias) = decisions[i].finding.occurrence.spelling else { continue }
                switch scope.source(for: name, alias: alias, in: analysis) {
                case .failure(let problem): decisions[i].outcome = .unrewritable(problem.message)
                case .success(let source): sources[i] = source
                }
            }
            blockSharedBuckets(&decisions, rewriting: rewriting)
            for (i, source) in sources {
                guard case .rewrite = decisions[i].outcome, let constant = decisions[i].constant,
                      case .constant(let name, _) = decisions[i].finding.occurrence.spelling else { continue }
                let key = decisions[i].migration?.key ?? ""
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
            for d in decisions {
                guard let key = d.finding.reference.migration, rewriting.contains(key), d.finding.category == .reference else { continue }
                switch d.outcome {
                case .rewrite(let bucket, let newPath):
                    work.apply(d.finding.occurrence, bucket: bucket, path: newPath)
                    work.migrations.insert(key)
                case .unrewritable(let why):
                    var r = d.finding.reference
                    r.unrewritableReason = why
                    unrewritable.append(r)
                }
            }
            files[path] = work
        }

        // Definitions next to the source constants, and the imports that need them.
        for (definitionPath, byName) in wanted {
            if files[definitionPath] == nil {
                let bytes = try read(setup.walker.root, definitionPath)
                guard let analysis = FileAnalyzer.analyze(bytes, path: definitionPath, patterns: setup.patterns) else { continue }
                files[definitionPath] = FileWork(path: definitionPath, bytes: bytes, analysis: analysis)
            }
            guard var work = files[definitionPath] else { continue }
            for (name, constants) in byName {
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
