import DecantCore

/// A name given to the source bucket in one file: a declared constant's
/// definition, or a file-local alias (`BUCKET = f"data-bucket-{ENV}"`).
struct DefinitionSite: Sendable {
    let name: String
    let alias: Bool
    let assignment: Assignment
    /// Literal or templated spellings of the bucket inside the statement.
    let spellings: [Occurrence]
}

/// What one file says about the source bucket.
struct FileAnalysis: Sendable {
    let view: CodeView
    /// References, sorted by offset: with a path, or bucket-level (`path == nil`).
    let occurrences: [Occurrence]
    let definitions: [DefinitionSite]
    /// Where this file passes the bucket to a job script (`Occurrence.start` → script, parameter, option).
    var launches: [Int: (script: String, key: String, option: String)] = [:]
}

/// The project a Python file is analysed in: values are followed across its imports,
/// its functions and the launchers that run it.
struct FlowContext: Sendable {
    let file: FlowFile
    let project: Project
}

/// Reads one file: finds the spellings, the definitions and aliases, and turns
/// every spelling into references.
enum FileAnalyzer {
    static func analyze(_ bytes: [UInt8], path: String, patterns: SourcePatterns, flow: FlowContext? = nil) -> FileAnalysis? {
        var (buckets, constants) = OccurrenceFinder.find(bytes, patterns)
        let python = flow.map { $0.file.isPython } ?? false
        let mentioning = !patterns.mentions.isEmpty && bytes.withUnsafeBytes { raw in patterns.mentions.contains { ByteSearch.contains($0, in: raw) } }
        guard !buckets.isEmpty || !constants.isEmpty || python || mentioning else { return nil }
        let view: CodeView
        if let flow {
            view = flow.file.view
        } else {
            let text = SourceText(bytes)
            let language = Language(path: path)
            view = CodeView(text: text, syntax: Syntax(text, language: language), language: language)
        }
        let reader = ConstantReader(view: view, paths: python ? flow.map { PathEvaluator(file: $0.file, project: $0.project) } : nil)
        // Names this file imports that are the bucket alone: constants here, as in their module.
        var imported: [String: BucketValue] = [:]
        if let flow, python {
            var evaluator = Evaluator(file: flow.file, project: flow.project)
            for i in flow.file.imports where imported[i.local] == nil && patterns.constantIndex(named: i.local) == nil {
                if case .bucket(let b, _) = evaluator.moduleLevel(i.local), b.otherEnvironment == nil { imported[i.local] = b }
            }
            for (name, origin) in imported.sorted(by: { $0.key < $1.key }) {
                for offset in ByteSearch.identifierOffsets(of: Array(name.utf8), in: bytes) {
                    constants.append(ConstantHit(offset: offset, name: name, alias: false, templateOnly: false, origin: origin))
                }
            }
            constants.sort { $0.offset < $1.offset }
        }

        // Definitions: assignments to a known constant, and assignments of the bucket alone (aliases).
        var definitions: [DefinitionSite] = []
        func define(_ a: Assignment) {
            guard !definitions.contains(where: { $0.assignment.statement == a.statement }) else { return }
            let known = patterns.constantIndex(named: a.name) != nil
            let spellings = buckets.filter { a.statement.contains($0.start) }
            definitions.append(DefinitionSite(name: a.name, alias: !known, assignment: a, spellings: spellings))
        }
        for c in constants {
            if let a = view.assignment(containing: c.offset), a.nameRange.lowerBound == c.offset { define(a) }
        }
        var alone: [Range<Int>] = buckets.filter { $0.path == nil }.map(\.bucketRange)
        for c in constants {
            let n = c.name.utf8.count
            alone.append(c.offset..<(c.offset + n))
            if c.offset > 0, let end = Placeholder.end(bytes, at: c.offset - 1), bytes[c.offset - 1] == Byte.openBrace,
               end == c.offset + n + 1, end >= bytes.count || bytes[end] != Byte.slash {
                alone.append((c.offset - 1)..<end)
            }
        }
        for r in alone {
            if let a = view.assignment(containing: r.lowerBound), a.nameRange.upperBound <= r.lowerBound,
               isPure(a.rhs, r, view) { define(a) }
        }
        definitions.sort { $0.assignment.statement.lowerBound < $1.assignment.statement.lowerBound }

        // Aliases are references from their definition on.
        var hits = constants
        for d in definitions where d.alias {
            let name = Array(d.name.utf8)
            for offset in ByteSearch.identifierOffsets(of: name, in: bytes) where offset >= d.assignment.statement.upperBound {
                hits.append(ConstantHit(offset: offset, name: d.name, alias: true, templateOnly: false))
            }
        }

        let inDefinition: (Int) -> Bool = { offset in definitions.contains { $0.assignment.statement.contains(offset) } }
        var occurrences: [Occurrence] = []
        for o in buckets where !inDefinition(o.start) {
            occurrences += o.path == nil ? reader.readBucketAlone(o) : [o]
        }
        for hit in hits where !inDefinition(hit.offset) {
            occurrences += reader.read(hit)
        }
        if !patterns.mentions.isEmpty, !view.language.isProse {
            occurrences += MentionFinder(view: view).mentions(patterns.mentions, besides: occurrences)
        }
        var launches: [Int: (script: String, key: String, option: String)] = [:]
        if let flow, python {
            // Values followed through names: imports, module constants, locals, parameters, params.
            var finder = FlowFinder(file: flow.file, project: flow.project)
            let lexical = Set(patterns.constants.map { String(decoding: $0.name, as: UTF8.self) } + definitions.map(\.name) + imported.keys)
            let derived = finder.references(lexical: lexical, lexicalStarts: occurrences.map(\.start) + occurrences.map(\.bucketRange.lowerBound))
            // A path computed for a bucket spelled here: its direction from what is done with it.
            for i in occurrences.indices where occurrences[i].derived != nil && occurrences[i].derived?.direction == .unknown {
                if let (expression, statement) = finder.maximalExpression(at: occurrences[i].start) {
                    occurrences[i].derived?.direction = finder.flowDirection(expression, statement: statement)
                }
            }
            occurrences += derived
            // The bucket passed to a job script on its command line.
            var launcher = LauncherReader(file: flow.file, project: flow.project)
            for o in occurrences where o.path == nil && o.derived == nil {
                if let found = launcher.launch(of: o) { launches[o.start] = found }
            }
        }
        // One place read twice (through two spellings) counts once.
        var seen = Set<[Int]>()
        occurrences = occurrences.sorted { ($0.start, $0.bucketRange.lowerBound) < ($1.start, $1.bucketRange.lowerBound) }
            .filter { seen.insert([$0.start, $0.path?.lowerBound ?? -1]).inserted }
        var analysis = FileAnalysis(view: view, occurrences: occurrences, definitions: definitions)
        analysis.launches = launches
        return analysis
    }

    /// True when the right-hand side is the bucket and nothing else: the
    /// spelling itself, a string holding only it, or an environment lookup.
    private static func isPure(_ rhs: Range<Int>, _ spelling: Range<Int>, _ view: CodeView) -> Bool {
        let b = view.bytes
        let r = view.trim(rhs)
        if r == spelling { return true }
        if let s = view.syntax.string(startingAt: r.lowerBound), s.end == r.upperBound {
            var c = s.contentStart
            if b.has(Array("gs://".utf8), at: c) { c += 5 }
            return c == spelling.lowerBound && s.contentEnd == spelling.upperBound
        }
        let text = b.string(r)
        for getter in ["os.environ.get(", "os.getenv(", "environ.get(", "getenv(", "Variable.get("]
            where text.hasPrefix(getter) && text.hasSuffix(")") { return true }
        if view.language == .shell, text.hasPrefix("${") || text.hasPrefix("\"${"), text.hasSuffix("}") || text.hasSuffix("}\"") {
            return true
        }
        return false
    }
}
