import DecantCore
import Foundation

/// Scans the code root for references to the source bucket.
public enum CodeScanner {
    /// Scans every file under `options.root` (see `FileWalker` for what is left
    /// out), files in parallel across the cores; the result is sorted by path,
    /// line and column, so it is the same whatever the scheduling.
    public static func scan(_ options: CodeScanOptions, migrations: [Migration]) async throws -> CodeScan {
        let setup = try Setup(options, migrations: migrations)
        let listing = setup.walker.walk()
        let width = max(1, min(ProcessInfo.processInfo.activeProcessorCount, 16, listing.files.count))
        let files = listing.files
        let parts = await withTaskGroup(of: Partial.self) { group in
            for worker in 0..<width {
                group.addTask {
                    var partial = Partial()
                    var buffer: [UInt8] = []
                    var index = worker
                    while index < files.count {
                        setup.scanFile(files[index], into: &partial, buffer: &buffer)
                        index += width
                    }
                    return partial
                }
            }
            var all: [Partial] = []
            for await part in group { all.append(part) }
            return all
        }
        var scan = CodeScan(options: options, skipped: listing.skipped, outsideRoot: listing.outside, filesIgnored: listing.ignored)
        for part in parts {
            scan.references += part.references
            scan.unresolved += part.unresolved
            scan.otherEnvironments += part.otherEnvironments
            scan.definitions += part.definitions
            scan.skipped += part.skipped
            scan.filesScanned += part.files
            scan.bytesScanned += part.bytes
        }
        let order: (CodeReference, CodeReference) -> Bool = {
            ($0.path, $0.line, $0.column, $0.migration ?? "", $0.objectPath) < ($1.path, $1.line, $1.column, $1.migration ?? "", $1.objectPath)
        }
        scan.references.sort(by: order)
        scan.unresolved.sort(by: order)
        scan.otherEnvironments.sort(by: order)
        scan.definitions.sort { ($0.path, $0.line, $0.name) < ($1.path, $1.line, $1.name) }
        scan.skipped.sort { $0.path < $1.path }
        return scan
    }

    /// One file's findings, for the rewriter: nil when the file names nothing.
    static func analyze(path: String, bytes: [UInt8], setup: Setup) -> (FileAnalysis, [Finding])? {
        guard let analysis = FileAnalyzer.analyze(bytes, path: path, patterns: setup.patterns) else { return nil }
        return (analysis, setup.builder.findings(analysis, path: path))
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

        func scanFile(_ path: String, into partial: inout Partial, buffer: inout [UInt8]) {
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
            let verdict: Bool? = buffer.withUnsafeBytes { raw in
                let content = UnsafeRawBufferPointer(rebasing: raw[0..<count])
                if FileBytes.looksBinary(content) { return nil }
                return patterns.anchors.contains { ByteSearch.contains($0, in: content) }
            }
            guard let hasAnchor = verdict else {
                partial.skipped.append(SkippedFile(path: path, reason: .binary))
                return
            }
            partial.files += 1
            partial.bytes += count
            guard hasAnchor, let (analysis, findings) = CodeScanner.analyze(path: path, bytes: Array(buffer[0..<count]), setup: self) else { return }
            for f in findings {
                switch f.category {
                case .reference: partial.references.append(f.reference)
                case .unresolved: partial.unresolved.append(f.reference)
                case .otherEnvironment: partial.otherEnvironments.append(f.reference)
                }
            }
            for d in analysis.definitions {
                partial.definitions.append(ConstantDefinition(path: path, line: analysis.view.text.line(of: d.assignment.nameRange.lowerBound),
                                                              name: d.name, isAlias: d.alias))
            }
        }
    }

    struct Partial: Sendable {
        var references: [CodeReference] = []
        var unresolved: [CodeReference] = []
        var otherEnvironments: [CodeReference] = []
        var definitions: [ConstantDefinition] = []
        var skipped: [SkippedFile] = []
        var files = 0
        var bytes = 0
    }
}
