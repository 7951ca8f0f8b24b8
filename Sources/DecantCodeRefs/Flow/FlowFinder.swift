import DecantCore

/// A reference found by following values rather than read in place.
struct Derived: Sendable {
    /// The object path as far as it is known (`{x}` for what is known at run time only).
    var path: String
    /// How the bucket was followed here; nil when it is spelled in place.
    var bucket: BucketValue?
    /// Where the path's start was written (a definition), when it was written in one place.
    var site: Site?
    /// Why the path is uncertain (a name assigned in several places).
    var ambiguity: String?
    var direction: CodeReference.Direction
    /// The path was computed here (a join, a variable) while the bucket is spelled here:
    /// only the bucket may be rewritten in place, and only when the path maps as is.
    var bucketInPlace: Bool
}

/// Follows the bucket through one Python file: the names bound to it (imported
/// constants, module constants and local variables holding the bucket or a path in
/// it, parameters a caller or a launcher gives it, Airflow params), and every use of
/// them that ends somewhere (an argument, a return, a condition) rather than in
/// another name: each such use is a reference.
struct FlowFinder {
    let file: FlowFile
    let project: Project
    var evaluator: Evaluator

    init(file: FlowFile, project: Project) {
        self.file = file
        self.project = project
        evaluator = Evaluator(file: file, project: project)
    }

    struct Binding {
        let name: String
        let scope: Range<Int>
        let value: Value
    }

    private var bytes: [UInt8] { file.view.bytes }
    private var module: PyModule { file.module }

    /// The names bound to the bucket in this file. Names the lexical reader already
    /// follows (`lexical`: source constants, file aliases, imported aliases of the
    /// bucket alone) are left to it. Only statements that mention a name already
    /// known to carry the bucket (or spell the bucket) are evaluated: the others
    /// cannot carry it, and most statements of a file are those.
    mutating func bindings(lexical: Set<String>) -> [Binding] {
        var out: [Binding] = []
        let whole = 0..<bytes.count
        var seeds = lexical
        for imported in file.imports where !lexical.contains(imported.local) && !seeds.contains(imported.local) {
            let value = evaluator.moduleLevel(imported.local)
            if worthFollowing(value) {
                out.append(Binding(name: imported.local, scope: whole, value: value))
                seeds.insert(imported.local)
            }
        }
        var launchedParameters = Set<String>()
        for key in project.launchBindings(file.path).keys { launchedParameters.insert(key) }
        if launchedParameters.contains(where: { $0.hasPrefix("args.") }) { seeds.insert("args") }
        if !evaluator.airflowParams().isEmpty { seeds.insert("params") }
        let spellings = file.spellings.map(\.start)
        var seedBytes: [[UInt8]] = []
        var seedFirst = Set<UInt8>()
        func refreshSeeds() {
            seedBytes = seeds.sorted().map { Array($0.utf8) }
            seedFirst = Set(seedBytes.compactMap(\.first))
        }
        refreshSeeds()
        let b = bytes
        func mentionsSeed(_ range: Range<Int>) -> Bool {
            if spellings.contains(where: range.contains) { return true }
            var i = range.lowerBound
            let end = min(range.upperBound, b.count)
            while i < end {
                let c = b[i]
                guard seedFirst.contains(c), i == 0 || !Byte.isIdent(b[i - 1]) else { i += 1; continue }
                for seed in seedBytes where i + seed.count <= end && b.has(seed, at: i) && (i + seed.count == b.count || !Byte.isIdent(b[i + seed.count])) {
                    return true
                }
                i += 1
            }
            return false
        }
        var bound = Set<String>()   // "function index:name", for locals and parameters
        for _ in 0..<2 {
            var changed = false
            for statement in module.statements {
                let names: [String]
                let value: [Range<Int>]
                switch statement.kind {
                case .assignment(let targets, let v): names = targets.map(\.name); value = [v]
                case .with(let items): names = items.compactMap(\.name); value = items.map(\.value)
                default: continue
                }
                guard value.contains(where: mentionsSeed) else { continue }
                for name in names where !lexical.contains(name) {
                    let key = "\(statement.function.map(String.init) ?? "module"):\(name)"
                    guard bound.insert(key).inserted else { continue }
                    let v = evaluator.lookup(name, at: statement.range.upperBound)
                    guard worthFollowing(v) else { continue }
                    let scope = statement.function.map { statement.range.upperBound..<module.functions[$0].body.upperBound } ?? whole
                    out.append(Binding(name: name, scope: scope, value: v))
                    if seeds.insert(name).inserted { changed = true; refreshSeeds() }
                }
            }
            for (index, function) in module.functions.enumerated() {
                for parameter in function.parameters where !lexical.contains(parameter.name) {
                    let key = "\(index):\(parameter.name)"
                    guard !bound.contains(key) else { continue }
                    let passed = launchedParameters.contains("\(function.name).\(parameter.name)")
                        || (file.calls[function.name] ?? []).contains { call in
                            let evaluatorView = Evaluator(file: file, project: project)
                            return evaluatorView.argument(parameter, in: call.group).map(mentionsSeed) ?? false
                        }
                    guard passed else { continue }
                    bound.insert(key)
                    let v = evaluator.parameter(parameter, of: index)
                    guard worthFollowing(v) else { continue }
                    out.append(Binding(name: parameter.name, scope: function.body, value: v))
                    if seeds.insert(parameter.name).inserted { changed = true; refreshSeeds() }
                }
            }
            if !changed { break }
        }
        return out
    }

    private func worthFollowing(_ value: Value) -> Bool {
        guard let b = value.bucketValue else { return false }
        // Another environment's bucket is reported where it is spelled; it gates nothing here.
        return b.otherEnvironment == nil
    }

    /// The references this file makes through its bindings and its Airflow params'
    /// templates, leaving out those at `lexicalStarts` (read in place already).
    mutating func references(lexical: Set<String>, lexicalStarts: [Int]) -> [Occurrence] {
        var out: [Occurrence] = []
        var done = Set<Int>()
        /// The references of the use at `offset`, once per expression, unless read in place already.
        func emit(at offset: Int) {
            guard let (expression, statement) = maximalExpression(at: offset), !done.contains(expression.range.lowerBound),
                  !lexicalStarts.contains(where: expression.range.contains),
                  let found = terminal(expression, statement: statement) else { return }
            done.insert(expression.range.lowerBound)
            out += found
        }
        for binding in bindings(lexical: lexical) {
            for use in ByteSearch.identifierOffsets(of: Array(binding.name.utf8), in: bytes, range: binding.scope) where isRead(use, binding.name) {
                emit(at: use)
            }
        }
        // Modules imported whole: `settings.SNAPSHOT_ROOT`, `helpers.PATH`.
        for imported in file.imports {
            guard let target = evaluator.importedModule(imported.local) else { continue }
            let alias = imported.local
            for at in ByteSearch.identifierOffsets(of: Array(alias.utf8), in: bytes) where isRead(at, alias) {
                let dot = at + alias.utf8.count
                guard dot < bytes.count, bytes[dot] == UInt8(ascii: "."), let name = bytes.identifier(startingAt: dot + 1) else { continue }
                var limited = false
                if worthFollowing(project.moduleValue(bytes.string(name), in: target, visiting: [], limited: &limited)) { emit(at: at) }
            }
        }
        // argparse options a launcher gives the bucket: `args.bucket`.
        for (key, value) in project.launchBindings(file.path).sorted(by: { $0.key < $1.key })
            where key.hasPrefix("args.") && worthFollowing(value) {
            let dest = String(key.dropFirst(5))
            for at in ByteSearch.identifierOffsets(of: Array(dest.utf8), in: bytes) {
                guard at > 0, bytes[at - 1] == UInt8(ascii: "."), let base = bytes.identifier(endingAt: at - 1),
                      evaluator.parsesArguments(bytes.string(base), at: base.lowerBound), isRead(base.lowerBound, bytes.string(base)) else { continue }
                emit(at: base.lowerBound)
            }
        }
        // `{{ params.x }}` in templates.
        if !evaluator.airflowParams().isEmpty {
            for use in ByteSearch.offsets(of: Array("params".utf8), in: bytes) {
                if let s = file.view.syntax.string(containing: use), !s.formatted { emit(at: use) }
            }
        }
        return out
    }

    /// True when the name at `offset` is read there (not assigned, imported, a
    /// keyword's name, an attribute, a parameter, a comment or plain text).
    private func isRead(_ offset: Int, _ name: String) -> Bool {
        let view = file.view
        if view.syntax.isInComment(offset) { return false }
        if let s = view.syntax.string(containing: offset), !s.formatted { return false }
        if offset > 0, bytes[offset - 1] == UInt8(ascii: ".") { return false }
        guard let index = module.statement(containing: offset) else { return false }
        let statement = module.statements[index]
        switch statement.kind {
        case .imports, .classDefinition: return false
        case .function: return false
        case .assignment(let targets, _): if targets.contains(where: { $0.range.lowerBound == offset }) { return false }
        case .loop(let targets, let iterable): if targets.contains(name), !iterable.contains(offset) { return false }
        default: break
        }
        let after = bytes.skipBlanks(from: offset + name.utf8.count)
        if after < bytes.count, bytes[after] == UInt8(ascii: "="), after + 1 < bytes.count, bytes[after + 1] != UInt8(ascii: "="),
           view.syntax.innermostGroup(containing: offset) != nil { return false }
        return true
    }

    /// The largest expression around `offset` that still composes its value
    /// (`+`, `/`, f-strings, joins, `.format`, subscripts, methods called on it),
    /// and the statement it is in.
    func maximalExpression(at offset: Int) -> (PyNode, Int)? {
        guard let index = module.statement(containing: offset),
              let range = module.expressionRanges(index).first(where: { $0.contains(offset) }),
              let root = PyParser(view: file.view).parse(range) else { return nil }
        let path = root.path(to: offset)
        guard var i = path.indices.last else { return nil }
        while i > 0 {
            let parent = path[i - 1], child = path[i]
            guard composes(parent, child) else { break }
            i -= 1
        }
        // Given to a function of this file: its parameter carries the value on (not an end).
        if i > 0, case .call(let callee, let arguments, _) = path[i - 1], case .name(let name, _) = callee,
           arguments.contains(where: { $0.value.range == path[i].range }), module.functions.contains(where: { $0.name == name }) {
            return nil
        }
        return (path[i], index)
    }

    private func composes(_ parent: PyNode, _ child: PyNode) -> Bool {
        switch parent {
        case .binary(let op, _, _, _): return op == "+" || op == "/" || op == "or"
        case .conditional: return true
        case .index(let base, _, _): return base.range == child.range
        case .attribute(let base, _, _): return base.range == child.range
        case .call(let callee, let arguments, _):
            if callee.range == child.range { return true }
            let dotted = callee.dottedName ?? []
            if let last = dotted.last, ["join", "str", "Path", "PurePosixPath"].contains(last) { return true }
            if case .attribute(let receiver, let method, _) = callee {
                if case .string = receiver, method == "format" || method == "join" { return true }
                if Evaluator.blobCalls.contains(method) || Evaluator.handleCalls.contains(method) {
                    return arguments.contains { $0.value.range == child.range } && receiverIsHandle(receiver)
                }
            }
            return false
        default: return false
        }
    }

    private func receiverIsHandle(_ receiver: PyNode) -> Bool {
        var e = evaluator
        if case .handle = e.evaluate(receiver) { return true }
        return false
    }

    /// The references made by `expression` when its value ends here; nil when it is
    /// assigned to a name (that name's own uses say where it goes).
    private mutating func terminal(_ expression: PyNode, statement index: Int) -> [Occurrence]? {
        let statement = module.statements[index]
        if case .assignment(let targets, let value) = statement.kind, file.view.trim(value) == expression.range,
           targets.allSatisfy({ bytes.identifier(startingAt: $0.range.lowerBound) != nil }) {
            return nil
        }
        if case .with(let items) = statement.kind, items.contains(where: { $0.value == expression.range && $0.name != nil }) {
            return nil
        }
        let value = evaluator.evaluate(expression)
        switch value {
        case .location(let bucket, let path, _):
            guard ObjectPath.isPlausible(path.text) else { return [] }
            return [occurrence(expression, bucket: bucket, path: path, statement: index)]
        case .bucket(let bucket, _):
            return pairs(expression, bucket: bucket, statement: index)
        case .handle(let bucket):
            return [unplaced(expression, bucket: bucket, reason: "a bucket handle whose objects are named at run time")]
        default:
            return []
        }
    }

    private mutating func occurrence(_ expression: PyNode, bucket: BucketValue, path: FlowText, statement: Int) -> Occurrence {
        let start = expression.range.lowerBound
        let direction = flowDirection(expression, statement: statement)
        let derived = Derived(path: path.text, bucket: bucket, site: path.start, ambiguity: path.ambiguity, direction: direction,
                              bucketInPlace: false)
        var o = Occurrence(spelling: .constant(name: bucket.spelledAs, alias: true), form: formOf(expression), start: start,
                           bucketRange: start..<start, bucketText: bucket.spelledAs, path: nil)
        o.derived = derived
        return o
    }

    private mutating func unplaced(_ expression: PyNode, bucket: BucketValue, reason: String) -> Occurrence {
        let start = expression.range.lowerBound
        var o = Occurrence(spelling: .constant(name: bucket.spelledAs, alias: true), form: .split, start: start,
                           bucketRange: start..<start, bucketText: bucket.spelledAs, path: nil, reason: reason)
        o.derived = Derived(path: "", bucket: bucket, site: nil, ambiguity: nil, direction: flowDirection(expression, statement: nil),
                            bucketInPlace: false)
        return o
    }

    private func formOf(_ expression: PyNode) -> CodeReference.Form {
        if case .call = expression { return .split }
        return .constant
    }

    /// A bucket alone: the path is its partner in the call or dict (`Folder(B, folder_name)`,
    /// `bucket_name=B, prefix=p`), else it cannot be placed.
    private mutating func pairs(_ expression: PyNode, bucket: BucketValue, statement: Int) -> [Occurrence] {
        let reader = ConstantReader(view: file.view, paths: PathEvaluator(file: file, project: project))
        let found = reader.split(expression: expression.range, bucketRange: expression.range.lowerBound..<expression.range.lowerBound,
                                 spelling: .constant(name: bucket.spelledAs, alias: true), bucketText: bucket.spelledAs)
        return found.map { o in
            var o = o
            let path = o.derived?.path ?? o.path.map { bytes.string($0) } ?? ""
            o.derived = Derived(path: path, bucket: bucket, site: o.path.map { Site(path: file.path, offset: $0.lowerBound) } ?? o.derived?.site,
                                ambiguity: o.derived?.ambiguity,
                                direction: flowDirection(expression, statement: statement, at: o.path?.lowerBound ?? o.start),
                                bucketInPlace: false)
            o.path = nil
            return o
        }
    }

    // MARK: - Direction

    /// Read or write from what is done with the value: the call it is given to or
    /// that makes it, a method called on the result, and the uses of the name it is
    /// iterated or assigned into; `both` when these disagree.
    mutating func flowDirection(_ expression: PyNode, statement: Int?, at offset: Int? = nil) -> CodeReference.Direction {
        var found = Set<CodeReference.Direction>()
        let classifier = DirectionClassifier(view: file.view)
        let here = classifier.classify(at: offset ?? expression.range.lowerBound)
        if here != .unknown { found.insert(here) }
        if case .call(let callee, _, _) = expression, let name = callee.dottedName?.last ?? { () -> String? in
            if case .attribute(_, let n, _) = callee { return n } else { return nil } }(),
           let d = DirectionWords.decide(Words.split(name)) {
            found.insert(d)
        }
        if let method = file.view.method(after: expression.range.upperBound), let d = DirectionWords.decide(Words.split(bytes.string(method))) {
            found.insert(d)
        }
        if let statement, case .loop(let targets, let iterable) = module.statements[statement].kind, iterable.contains(expression.range.lowerBound) {
            let body = module.statements[statement].range.upperBound..<bodyEnd(of: statement)
            for target in targets {
                for use in ByteSearch.identifierOffsets(of: Array(target.utf8), in: bytes, range: body) {
                    if let method = file.view.method(after: use + target.utf8.count),
                       let d = DirectionWords.decide(Words.split(bytes.string(method))) { found.insert(d) }
                }
            }
        }
        if found.contains(.both) || (found.contains(.read) && found.contains(.write)) { return .both }
        return found.first ?? .unknown
    }

    /// The end of the block opened by statement `index`.
    private func bodyEnd(of index: Int) -> Int {
        let indent = module.statements[index].indent
        var end = module.statements[index].range.upperBound
        for s in module.statements[(index + 1)...] {
            if s.indent <= indent { break }
            end = s.range.upperBound
        }
        return end
    }
}

/// Evaluates the path arguments the lexical reader meets (`prefix=name`, an f-string
/// built from imported constants) in a Python file of the project.
struct PathEvaluator: Sendable {
    let file: FlowFile
    let project: Project

    /// The text `range` evaluates to, when it is text (a path): nil for anything else.
    func text(_ range: Range<Int>) -> FlowText? {
        var evaluator = Evaluator(file: file, project: project)
        if case .text(let t) = evaluator.evaluate(range: range) { return t }
        return nil
    }
}
