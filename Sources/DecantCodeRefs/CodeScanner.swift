import DecantCore
import Foundation

/// Scans the code root for references to the source bucket.
///
/// Two passes. The first reads every file once (in parallel across the cores):
/// it skips binaries, searches the anchors (the spellings of the bucket) and, in
/// Python files, collects the imports: the project-wide symbol table. The second
/// analyses the files that matter (those with an anchor, the Python files that
/// import from them, the job scripts a launcher runs with the bucket), following
/// values through imports, functions and command lines (`Project`, `Evaluator`).
/// The result is sorted by path, line and column, so it is the same whatever the
/// scheduling.
public enum CodeScanner {
    public static func scan(_ options: CodeScanOptions, migrations: [Migration]) async throws -> CodeScan {
        let setup = try Setup(options, migrations: migrations)
        let listing = setup.walker.walk()
        let files = listing.files
        let first = await parallel(files.indices) { index, partial, buffer in setup.readFile(files[index], into: &partial, buffer: &buffer) }
        var scan = CodeScan(options: options, skipped: listing.skipped, outsideRoot: listing.outside, filesIgnored: listing.ignored)
        var imports: [String: [PyImport]] = [:]
        var anchored: [String] = []
        var contents: [String: [UInt8]] = [:]
        for part in first {
            contents.merge(part.contents) { a, _ in a }
            scan.skipped += part.skipped
            scan.filesScanned += part.files
            scan.bytesScanned += part.bytes
            anchored += part.anchored
            imports.merge(part.imports) { a, _ in a }
        }
        let project = Project(root: setup.walker.root, patterns: setup.patterns, maxFileBytes: options.maxFileBytes, files: files,
                              imports: imports, outside: Dictionary(listing.outside.map { ($0.path, $0.target) }, uniquingKeysWith: { a, _ in a }),
                              contents: contents)
        let results = await setup.resolve(project, anchored: Set(anchored))
        project.store(results)
        for path in results.keys.sorted() {
            guard let (analysis, findings) = results[path] else { continue }
            for f in findings {
                switch f.category {
                case .reference: scan.references.append(f.reference)
                case .unresolved: scan.unresolved.append(f.reference)
                case .otherEnvironment: scan.otherEnvironments.append(f.reference)
                case .mention: scan.mentions.append(f.reference)
                case .launch: break
                }
            }
            for d in analysis.definitions {
                scan.definitions.append(ConstantDefinition(path: path, line: analysis.view.text.line(of: d.assignment.nameRange.lowerBound),
                                                           name: d.name, isAlias: d.alias))
            }
        }
        let order: (CodeReference, CodeReference) -> Bool = {
            ($0.path, $0.line, $0.column, $0.migration ?? "", $0.objectPath) < ($1.path, $1.line, $1.column, $1.migration ?? "", $1.objectPath)
        }
        scan.references.sort(by: order)
        scan.unresolved.sort(by: order)
        scan.otherEnvironments.sort(by: order)
        scan.mentions.sort(by: order)
        scan.definitions.sort { ($0.path, $0.line, $0.name) < ($1.path, $1.line, $1.name) }
        scan.skipped.sort { $0.path < $1.path }
        scan.project = ProjectHandle(project: project)
        return scan
    }

    /// Runs `work` over `indices` on every core, each worker with its own partial result and read buffer.
    static func parallel(_ indices: Range<Int>, _ work: @escaping @Sendable (Int, inout Partial, inout [UInt8]) -> Void)
        async -> [Partial] {
        let width = max(1, min(ProcessInfo.processInfo.activeProcessorCount, 16, indices.count))
        return await withTaskGroup(of: Partial.self) { group in
            for worker in 0..<width {
                group.addTask {
                    var partial = Partial()
                    var buffer: [UInt8] = []
                    var index = indices.lowerBound + worker
                    while index < indices.upperBound {
                        work(index, &partial, &buffer)
                        index += width
                    }
                    return partial
                }
            }
            var all: [Partial] = []
            for await part in group { all.append(part) }
            return all
        }
    }

    /// What every file's scan shares, compiled once.
    struct Setup: Sendable {
        let options: CodeScanOptions
        let patterns: SourcePatterns
        let builder: ReferenceBuilder
        let walker: FileWalker

        init(_ options: CodeScanOptions, migrations: [Migration]) throws {
            var isDirectory: ObjCBool = false
            guard options.root.hasPrefix("/"), FileManager.default.fileExists(atPath: options.root, isDirectory: &isDirectory),
                  isDirectory.boolValue else { throw CodeRefsError.rootNotFound(options.root) }
            func compile(_ patterns: [String]) throws -> [Glob] {
                try patterns.map { pattern in
                    do { return try Glob(pattern) } catch { throw CodeRefsError.invalidGlob(pattern: pattern, problem: String(describing: error)) }
                }
            }
            self.options = options
            patterns = SourcePatterns(options: options, migrations: migrations)
            builder = ReferenceBuilder(patterns: patterns, resolver: MigrationResolver(migrations: migrations))
            let root = options.root.count > 1 && options.root.hasSuffix("/") ? String(options.root.dropLast()) : options.root
            walker = FileWalker(root: root, include: try compile(options.include), exclude: try compile(options.exclude))
        }

        /// Pass 1 for one file: skipped or counted, anchored or not, its Python imports.
        func readFile(_ path: String, into partial: inout Partial, buffer: inout [UInt8]) {
            let outcome = FileBytes.read(walker.root + "/" + path, maxBytes: options.maxFileBytes, into: &buffer)
            let count: Int
            switch outcome {
            case .tooLarge(let size):
                partial.skipped.append(SkippedFile(path: path, reason: .tooLarge(bytes: size)))
                return
            case .unreadable(let why):
                partial.skipped.append(SkippedFile(path: path, reason: .unreadable(why)))
                return
            case .read(let n):
                count = n
            }
            let python = path.hasSuffix(".py")
            let verdict: (anchored: Bool, imports: [PyImport])? = buffer.withUnsafeBytes { raw in
                let content = UnsafeRawBufferPointer(rebasing: raw[0..<count])
                if FileBytes.looksBinary(content) { return nil }
                let anchored = patterns.anchors.contains { ByteSearch.contains($0, in: content) }
                    || (!patterns.mentions.isEmpty && !Language(path: path).isProse
                        && patterns.mentions.contains { ByteSearch.contains($0, in: content) })
                return (anchored, python ? PyImportScanner.imports(in: content) : [])
            }
            guard let verdict else {
                partial.skipped.append(SkippedFile(path: path, reason: .binary))
                return
            }
            partial.files += 1
            partial.bytes += count
            if verdict.anchored {
                partial.anchored.append(path)
                // Kept for the second pass, which analyses these files (they are few).
                partial.contents[path] = Array(buffer[0..<count])
            }
            if !verdict.imports.isEmpty { partial.imports[path] = verdict.imports }
        }

        /// Pass 2: the files with an anchor, the Python files importing the bucket
        /// from them, then the job scripts launchers run with it (a round for each
        /// level of launching, three at most).
        func resolve(_ project: Project, anchored: Set<String>) async -> [String: (FileAnalysis, [Finding])] {
            var results: [String: (FileAnalysis, [Finding])] = [:]
            var pending = (anchored.union(importers(project, of: anchored))).sorted()
            var launchedBefore = Set<String>()
            for _ in 0..<3 where !pending.isEmpty {
                let batch = pending
                let analysed = await Self.analyseAll(batch, setup: self, project: project)
                for (path, result) in analysed { results[path] = result }
                // Launches found in this round bind the scripts' parameters for the next.
                var launched = Set<String>()
                for path in batch.sorted() {
                    guard let (analysis, _) = results[path] else { continue }
                    for start in analysis.launches.keys.sorted() {
                        guard let launch = analysis.launches[start],
                              let o = analysis.occurrences.first(where: { $0.start == start }) else { continue }
                        let line = analysis.view.text.line(of: start)
                        let bucket = BucketValue(bucket: o.bucket(patterns), otherEnvironment: o.otherEnvironment(patterns),
                                                 spelledAs: o.bucketText, via: .launcher,
                                                 through: ["launched by \(path):\(line) with \(launch.option)"],
                                                 launchSites: [Site(path: path, offset: o.bucketRange.lowerBound)], launchers: [path])
                        project.launch(launch.script, [launch.key: .bucket(bucket, scheme: false)])
                        launched.insert(launch.script)
                    }
                }
                for script in launched.sorted() where !launchedBefore.contains(script) {
                    bindDefaults(script, project: project)
                }
                pending = launched.subtracting(launchedBefore).sorted()
                launchedBefore.formUnion(launched)
            }
            Self.directDefinitions(&results)
            return results
        }

        /// A definition (`ROOT = f"gs://{B}/x"`) goes where its uses go, in every file:
        /// reads and writes together make it `both`.
        static func directDefinitions(_ results: inout [String: (FileAnalysis, [Finding])]) {
            var uses: [Site: Set<CodeReference.Direction>] = [:]
            for (_, (_, findings)) in results {
                for f in findings {
                    guard let derived = f.occurrence.derived, !derived.bucketInPlace, let site = derived.site else { continue }
                    uses[site, default: []].insert(f.reference.direction)
                }
            }
            for site in uses.keys.sorted() {
                guard let entry = results[site.path], let directions = uses[site] else { continue }
                var findings = entry.1
                for i in findings.indices where findings[i].occurrence.derived == nil && findings[i].occurrence.path?.lowerBound == site.offset {
                    if let combined = DirectionClassifier.combine(directions.union([findings[i].reference.direction])) {
                        findings[i].reference.direction = combined
                    }
                }
                results[site.path] = (entry.0, findings)
            }
        }

        /// argparse options the launchers do not pass keep their defaults.
        private func bindDefaults(_ script: String, project: Project) {
            guard let file = project.file(script) else { return }
            let interface = ScriptInterface.read(file)
            let bound = project.launchBindings(script)
            var evaluator = Evaluator(file: file, project: project)
            var defaults: [String: Value] = [:]
            for (key, range) in interface.defaults.sorted(by: { $0.key < $1.key }) where bound[key] == nil {
                if case .text(let t) = evaluator.evaluate(range: range) { defaults[key] = .text(t) }
            }
            if !defaults.isEmpty { project.launch(script, defaults) }
        }

        /// The Python files that import from the anchored ones, directly or through others.
        private func importers(_ project: Project, of anchored: Set<String>) -> Set<String> {
            var importedBy: [String: [String]] = [:]
            for (path, list) in project.imports {
                for module in Set(list.map(\.module)) {
                    if let target = project.resolveModule(module, from: path) { importedBy[target, default: []].append(path) }
                    // `from package import module`: the module file too.
                    for name in list where name.module == module {
                        guard let n = name.name else { continue }
                        let sub = module.hasSuffix(".") ? module + n : module + "." + n
                        if let target = project.resolveModule(sub, from: path) { importedBy[target, default: []].append(path) }
                    }
                }
            }
            var found = Set<String>()
            var queue = anchored.filter { $0.hasSuffix(".py") }.sorted()
            var seen = Set(queue)
            while let module = queue.popLast() {
                for importer in importedBy[module] ?? [] where seen.insert(importer).inserted {
                    found.insert(importer)
                    queue.append(importer)
                }
            }
            return found.subtracting(anchored)
        }

        static func analyseAll(_ paths: [String], setup: Setup, project: Project) async -> [(String, (FileAnalysis, [Finding]))] {
            await withTaskGroup(of: [(String, (FileAnalysis, [Finding]))].self) { group in
                let width = max(1, min(ProcessInfo.processInfo.activeProcessorCount, 16, paths.count))
                for worker in 0..<width {
                    group.addTask {
                        var out: [(String, (FileAnalysis, [Finding]))] = []
                        var index = worker
                        while index < paths.count {
                            if let result = setup.analyse(paths[index], project: project) { out.append((paths[index], result)) }
                            index += width
                        }
                        return out
                    }
                }
                var all: [(String, (FileAnalysis, [Finding]))] = []
                for await part in group { all += part }
                return all.sorted { $0.0 < $1.0 }
            }
        }

        /// One file's analysis and findings in the project, nil when it names nothing.
        func analyse(_ path: String, project: Project) -> (FileAnalysis, [Finding])? {
            guard let file = project.file(path) else { return nil }
            guard let analysis = FileAnalyzer.analyze(file.view.bytes, path: path, patterns: patterns,
                                                      flow: FlowContext(file: file, project: project)) else { return nil }
            let findings = builder.findings(analysis, path: path)
            guard !findings.isEmpty || !analysis.definitions.isEmpty else { return nil }
            return (analysis, findings)
        }
    }

    struct Partial: Sendable {
        var skipped: [SkippedFile] = []
        var files = 0
        var bytes = 0
        var anchored: [String] = []
        var imports: [String: [PyImport]] = [:]
        var contents: [String: [UInt8]] = [:]
    }
}

/// The project a scan resolved names in, kept for the rewriter. It is neither
/// encoded nor compared: two scans of the same tree are equal whatever it holds.
struct ProjectHandle: Hashable, Sendable, Codable {
    let project: Project?

    init(project: Project?) { self.project = project }
    init(from decoder: Decoder) throws { project = nil }
    func encode(to encoder: Encoder) throws {}
    static func == (a: ProjectHandle, b: ProjectHandle) -> Bool { true }
    func hash(into hasher: inout Hasher) {}
}
