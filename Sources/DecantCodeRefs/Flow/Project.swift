import Foundation

/// One file read for following values: its text and lexical structure, its
/// statements (Python), the bucket spellings in it and its imports.
final class FlowFile: Sendable {
    let path: String
    let view: CodeView
    let module: PyModule
    /// Literal and templated spellings of the source buckets, by offset.
    let spellings: [Occurrence]
    let imports: [PyImport]
    /// Every `name(` call of the file (not methods, not `def`), by name: the group of its arguments.
    let calls: [String: [(offset: Int, group: Int)]]

    init(path: String, bytes: [UInt8], patterns: SourcePatterns, imports: [PyImport]) {
        self.path = path
        let text = SourceText(bytes)
        let language = Language(path: path)
        view = CodeView(text: text, syntax: Syntax(text, language: language), language: language)
        module = PyModule(view: view)
        spellings = OccurrenceFinder.find(bytes, patterns).buckets
        self.imports = imports
        var calls: [String: [(offset: Int, group: Int)]] = [:]
        if language == .python {
            for (g, group) in view.syntax.groups.enumerated() where group.kind == UInt8(ascii: "(") {
                var end = group.open
                while end > 0, Byte.isBlank(bytes[end - 1]) { end -= 1 }
                guard let name = bytes.identifier(endingAt: end) else { continue }
                if name.lowerBound > 0, bytes[name.lowerBound - 1] == UInt8(ascii: ".") { continue }
                if name.lowerBound >= 4, bytes.string((name.lowerBound - 4)..<name.lowerBound) == "def " { continue }
                calls[bytes.string(name), default: []].append((name.lowerBound, g))
            }
        }
        self.calls = calls
    }

    var isPython: Bool { view.language == .python }

    /// The spelling of a bucket starting at `offset`, if any.
    func spelling(at offset: Int) -> Occurrence? {
        spellings.first { $0.start == offset }
    }

    /// 1-based line of `offset`.
    func line(_ offset: Int) -> Int { view.text.line(of: offset) }

    func location(_ offset: Int) -> String { "\(path):\(line(offset))" }
}

/// The project-wide view the scan resolves names in: every scanned file's path,
/// every Python file's imports (gathered while the tree was read), the files read
/// so far for following values, and the values of module-level names, computed
/// on demand and remembered.
final class Project: @unchecked Sendable {
    // @unchecked: the mutable caches are only touched under `lock`; everything
    // else is set in `init` and never changes. Values are computed outside the
    // lock (two threads may compute the same one; the results are identical).
    let root: String
    let patterns: SourcePatterns
    let maxFileBytes: Int
    /// Every scanned path, sorted.
    let files: [String]
    private let fileSet: Set<String>
    /// Python imports of every scanned Python file.
    let imports: [String: [PyImport]]
    /// Files reached through a link out of the root: followed, never rewritten.
    let outside: [String: String]
    /// Parameters a launcher gives the bucket: script path → parameter or option name → value.
    private(set) var launched: [String: [String: Value]] = [:]

    private let lock = NSLock()
    private var flowFiles: [String: FlowFile?] = [:]
    private var moduleValues: [String: Value] = [:]
    /// The final analysis of every file that names the bucket (set once the scan is done).
    private var results: [String: (FileAnalysis, [Finding])] = [:]

    func store(_ results: [String: (FileAnalysis, [Finding])]) {
        lock.lock()
        defer { lock.unlock() }
        self.results = results
    }

    /// One file's analysis and findings, as the scan left them.
    func result(_ path: String) -> (FileAnalysis, [Finding])? {
        lock.lock()
        defer { lock.unlock() }
        return results[path]
    }

    /// Bytes read by the first pass (the anchored files), used once and dropped.
    private var contents: [String: [UInt8]]

    init(root: String, patterns: SourcePatterns, maxFileBytes: Int, files: [String], imports: [String: [PyImport]],
         outside: [String: String], contents: [String: [UInt8]] = [:]) {
        self.contents = contents
        self.root = root
        self.patterns = patterns
        self.maxFileBytes = maxFileBytes
        self.files = files
        fileSet = Set(files)
        self.imports = imports
        self.outside = outside
    }

    func contains(_ path: String) -> Bool { fileSet.contains(path) }

    /// The file, read and lexed once; nil when it cannot be read.
    func file(_ path: String) -> FlowFile? {
        lock.lock()
        if let known = flowFiles[path] { lock.unlock(); return known }
        let read = contents.removeValue(forKey: path)
        lock.unlock()
        var buffer: [UInt8] = []
        var made: FlowFile?
        if let read {
            made = FlowFile(path: path, bytes: read, patterns: patterns, imports: imports[path] ?? [])
        } else if fileSet.contains(path), case .read(let n) = FileBytes.read(root + "/" + path, maxBytes: maxFileBytes, into: &buffer) {
            let bytes = Array(buffer[0..<n])
            let binary = bytes.withUnsafeBytes { FileBytes.looksBinary($0) }
            if !binary { made = FlowFile(path: path, bytes: bytes, patterns: patterns, imports: imports[path] ?? []) }
        }
        lock.lock()
        defer { lock.unlock() }
        if let known = flowFiles[path] { return known }
        flowFiles[path] = .some(made)
        return made
    }

    /// Records what launchers pass to `script`'s parameters (merged with earlier callers).
    func launch(_ script: String, _ bindings: [String: Value]) {
        lock.lock()
        defer { lock.unlock() }
        launched[script, default: [:]].merge(bindings) { old, new in
            if case .text(let x) = old, case .text(let y) = new, x.text == y.text { return old }
            guard let a = old.bucketValue, let b = new.bucketValue, a.bucket == b.bucket else { return .unknown("several callers") }
            // The same whatever order the launchers were read in.
            var merged = (a.launchSites.first ?? Site(path: "", offset: 0)) <= (b.launchSites.first ?? Site(path: "", offset: 0)) ? a : b
            merged.launchSites = Array(Set(a.launchSites + b.launchSites)).sorted()
            merged.launchers = Array(Set(a.launchers + b.launchers)).sorted()
            return .bucket(merged, scheme: false)
        }
    }

    func launchBindings(_ script: String) -> [String: Value] {
        lock.lock()
        defer { lock.unlock() }
        return launched[script] ?? [:]
    }

    /// Files that name `script` (its path, or its folder's last two segments with a
    /// `python` command) other than `known`: callers the launch analysis did not
    /// see (they pass some other value, or the bucket in a way decant cannot read).
    func otherCallers(of script: String, besides known: Set<String>) -> [String] {
        let folder = (script as NSString).deletingLastPathComponent
        let tail = folder.split(separator: "/").suffix(2).joined(separator: "/")
        var needles = [Array(script.utf8)]
        if !tail.isEmpty { needles.append(Array(tail.utf8)) }
        var found: [String] = []
        var buffer: [UInt8] = []
        for path in files where !known.contains(path) && path != script && !(folder.isEmpty ? false : path.hasPrefix(folder + "/")) {
            guard case .read(let n) = FileBytes.read(root + "/" + path, maxBytes: maxFileBytes, into: &buffer) else { continue }
            let named = buffer.withUnsafeBytes { raw in
                let content = UnsafeRawBufferPointer(rebasing: raw[0..<n])
                return needles.contains { ByteSearch.contains($0, in: content) } && ByteSearch.contains(Array("python".utf8), in: content)
            }
            if named { found.append(path) }
        }
        return found
    }

    // MARK: - Modules

    /// The scanned file a Python import designates, seen from `importer`: the
    /// importing file's folder first, then each folder above it up to the root (the
    /// package roots a runner puts on the path), then a unique match anywhere.
    func resolveModule(_ module: String, from importer: String) -> String? {
        var folder = (importer as NSString).deletingLastPathComponent
        var name = Substring(module)
        if name.hasPrefix(".") {
            name = name.dropFirst()
            while name.hasPrefix(".") {
                name = name.dropFirst()
                folder = (folder as NSString).deletingLastPathComponent
            }
            let base = name.split(separator: ".").joined(separator: "/")
            let prefix = folder.isEmpty ? "" : folder + "/"
            return candidates(prefix + base).first(where: contains)
        }
        let base = name.split(separator: ".").joined(separator: "/")
        while true {
            let prefix = folder.isEmpty ? "" : folder + "/"
            if let found = candidates(prefix + base).first(where: contains) { return found }
            if folder.isEmpty { break }
            folder = (folder as NSString).deletingLastPathComponent
        }
        let suffixes = candidates(base).map { "/" + $0 }
        let anywhere = files.filter { f in suffixes.contains { f.hasSuffix($0) } }
        return anywhere.count == 1 ? anywhere[0] : nil
    }

    private func candidates(_ base: String) -> [String] {
        base.isEmpty ? ["__init__.py"] : [base + ".py", base + "/__init__.py"]
    }

    /// The value of module-level `name` in `path` (its assignments, or what it imports).
    /// `limited` is set when a cycle or the depth limit cut the evaluation short
    /// (such a value is not remembered: it depends on where the evaluation started).
    func moduleValue(_ name: String, in path: String, visiting: Set<String>, limited: inout Bool) -> Value {
        let key = path + "\u{0}" + name
        lock.lock()
        if let known = moduleValues[key] { lock.unlock(); return known }
        lock.unlock()
        guard !visiting.contains(key), visiting.count < 24 else { limited = true; return .unknown(name) }
        guard let file = file(path) else { return .unknown(name) }
        var evaluator = Evaluator(file: file, project: self, visiting: visiting.union([key]))
        let value = evaluator.moduleLevel(name)
        if evaluator.hitLimit {
            limited = true
        } else {
            lock.lock()
            moduleValues[key] = value
            lock.unlock()
        }
        return value
    }
}
