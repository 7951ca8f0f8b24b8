import DecantCodeRefs
import DecantCore
import DecantStorage
import Foundation

/// What to analyse.
public struct AnalysisOptions: Sendable {
    public var environment: String
    /// The shared bucket.
    public var bucket: String
    /// Folders are analysed at least this deep (1: `historization/`).
    public var depth: Int
    public var thresholds: TemperatureThresholds
    /// The code to scan (its `sourceRefs` name the bucket); nil analyses the bucket alone.
    public var code: CodeScanOptions?
    /// Folders listed side by side.
    public var parallelism: Int
    /// How the report names the code root (the path as the user gave it); default: `code.root`.
    public var codeLabel: String?
    /// The prices to cost each folder's move with; nil: no costs, tiers ordered as before.
    public var pricing: Pricing?

    public init(environment: String, bucket: String, depth: Int = 1, thresholds: TemperatureThresholds = .standard,
                code: CodeScanOptions? = nil, parallelism: Int = 8, codeLabel: String? = nil) {
        self.environment = environment
        self.bucket = bucket
        self.depth = depth
        self.thresholds = thresholds
        self.code = code
        self.parallelism = parallelism
        self.codeLabel = codeLabel
    }
}

/// `decant analyze`: which subfolders a shared bucket holds, how hot each is,
/// which code files write and read it, and in which order to move them.
/// Reads only; never prints.
public struct BucketAnalyzer: Sendable {
    let store: any ObjectStore
    let clock: any Clock

    public init(store: any ObjectStore, clock: any Clock) {
        self.store = store
        self.clock = clock
    }

    public func analyze(_ options: AnalysisOptions) async throws -> BucketAnalysis {
        guard options.depth >= 1 else { throw EngineError.invalidDepth(options.depth) }
        guard options.thresholds.hotDays >= 0, options.thresholds.coldDays >= options.thresholds.hotDays else {
            throw EngineError.invalidThresholds(hotDays: options.thresholds.hotDays, coldDays: options.thresholds.coldDays)
        }
        guard let bucketInfo = try await store.getBucket(options.bucket) else { throw EngineError.bucketNotFound(options.bucket) }
        let now = clock.now()

        // The code first: it decides which folders are containers of use cases.
        var scan: CodeScan?
        if var code = options.code {
            // The bucket's top folders: a path alone starting with one is a mention of it.
            var folders = Set<String>()
            for try await page in store.listObjects(options.bucket, ListOptions(prefix: "", delimiter: "/")) {
                folders.formUnion(page.prefixes.map { String($0.dropLast()) })
            }
            code.mentionFolders = folders.sorted()
            scan = try await CodeSurvey.scan(code)
        }
        // References hard-coded to another environment's bucket name the same use
        // case (the code is shared by every environment), so they count too; so do
        // mentions of a folder by a path alone.
        let references = (scan?.references ?? []) + (scan?.otherEnvironments ?? []) + (scan?.mentions ?? [])
        let paths = CodePaths(references)

        let found = try await FolderDiscovery(store: store, bucket: options.bucket, minimumDepth: options.depth, paths: paths,
                                              parallelism: options.parallelism).run()
        let folderPaths = found.units.map(\.path)
        let directOnly = Set(found.units.filter(\.directObjectsOnly).map(\.path))

        var byFolder: [String: [CodeReference]] = [:]
        var missing: [String: [CodeReference]] = [:]
        for n in paths.named {
            switch CodePaths.target(of: n, folders: folderPaths, directOnly: directOnly, containers: found.containers) {
            case .inside(let folder): byFolder[folder, default: []].append(n.reference)
            case .spanning(let folders): for f in folders { byFolder[f, default: []].append(n.reference) }
            case .missing(let path): missing[path, default: []].append(n.reference)
            }
        }
        // Which folders each file names, for the shared files.
        var foldersOfFile: [String: Set<String>] = [:]
        for (folder, refs) in byFolder { for r in refs { foldersOfFile[r.path, default: []].insert(folder) } }

        let names = UseCaseNames.make(folderPaths)
        let prioritizer = Prioritizer(thresholds: options.thresholds, now: now)
        var folders = found.units.map { unit -> FolderUsage in
            let refs = (byFolder[unit.path] ?? []).sorted(by: Self.referenceOrder)
            let shared = Set(refs.map(\.path)).sorted().compactMap { file -> SharedFile? in
                let others = (foldersOfFile[file] ?? []).subtracting([unit.path]).sorted()
                return others.isEmpty ? nil : SharedFile(path: file, otherFolders: others)
            }
            var usage = prioritizer.usage(path: unit.path, directObjectsOnly: unit.directObjectsOnly, stats: unit.stats,
                                          references: refs, sharedFiles: shared, useCase: names[unit.path] ?? "folder")
            if let pricing = options.pricing {
                usage.cost = FolderCosting.cost(unit.ages, temperature: usage.temperature, bucket: bucketInfo, pricing: pricing, now: now)
            }
            return usage
        }
        folders.sort(by: Prioritizer.priorityOrder)
        var analysis = BucketAnalysis(
            environment: options.environment, bucket: options.bucket, now: now, thresholds: options.thresholds,
            depth: options.depth, folders: folders, containers: found.containers, rootObjects: found.root,
            code: scan.map { CodeSummary(root: options.codeLabel ?? options.code?.root ?? "", filesScanned: $0.filesScanned, sourceRefs: $0.options.sourceRefs) },
            missing: missing.keys.sorted().map { MissingFolder(path: $0, references: (missing[$0] ?? []).sorted(by: Self.referenceOrder)) },
            unresolved: scan?.unresolved ?? [])
        analysis.location = bucketInfo.settings.location
        analysis.prices = options.pricing?.summary
        return analysis
    }

    static func referenceOrder(_ a: CodeReference, _ b: CodeReference) -> Bool {
        (a.path, a.line, a.column) < (b.path, b.line, b.column)
    }
}
