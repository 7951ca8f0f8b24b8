import DecantCore
import Foundation

extension Value {
    /// The value with `step` added to the trail of every bucket it holds, and `via`
    /// (when it says more than the bucket's own).
    func tagged(_ step: String?, via: CodeReference.Via?) -> Value {
        func tag(_ b: BucketValue) -> BucketValue { b.adding(step, via: via) }
        switch self {
        case .bucket(let b, let scheme): return .bucket(tag(b), scheme: scheme)
        case .location(let b, let path, let scheme): return .location(tag(b), path: path, scheme: scheme)
        case .handle(let b): return .handle(tag(b))
        case .dict(let entries): return .dict(entries.map { ($0.key, $0.value.tagged(step, via: via)) })
        case .list(let items): return .list(items.map { $0.tagged(step, via: via) })
        case .text, .unknown: return self
        }
    }
}

/// Builds the value of a string literal piece by piece: runs of literal text (with
/// where they start in the file) and the values of its fields.
struct TextBuilder {
    let path: String
    private var value: Value
    private var literal: [UInt8] = []
    private var literalStart: Int

    init(path: String, start: Int, value: Value = .text(.literal("", at: nil))) {
        self.path = path
        self.value = value
        literalStart = start
    }

    /// A literal byte.
    mutating func append(_ byte: UInt8) {
        literal.append(byte)
    }

    /// A field's value, written `written` in the code; the literal text goes on at `next`.
    mutating func add(_ field: Value, written: String, next: Int) {
        flush(next)
        value = Value.concat(value, field, writtenA: "", writtenB: written)
    }

    mutating func finished(at end: Int) -> Value {
        flush(end)
        return value
    }

    private mutating func flush(_ next: Int) {
        if !literal.isEmpty {
            let text = FlowText.literal(String(decoding: literal, as: UTF8.self), at: Site(path: path, offset: literalStart))
            value = Value.concat(value, .text(text), writtenA: "", writtenB: "")
        }
        literal = []
        literalStart = next
    }
}

/// Evaluates Python expressions of one file to `Value`s: strings and f-strings,
/// `+`, `.format`, `os.path.join`, `"/".join`, environment lookups with a default,
/// Airflow `Param(default=…)` and `{{ params.x }}`, bucket handles and their blobs,
/// dict subscripts; names through the function's own assignments (a name assigned
/// in several places is ambiguous: what the values share), its parameters (from the
/// callers in the file, or a launcher), the module's assignments and its imports.
struct Evaluator {
    let file: FlowFile
    let project: Project
    let visiting: Set<String>
    /// Set when a cycle or the depth limit cut an evaluation short.
    var hitLimit = false
    private var depth = 0
    /// The DAG's Airflow params, once read (`inParams` while reading them).
    private var params: [(key: String, value: Value)]?
    private var inParams = false

    init(file: FlowFile, project: Project, visiting: Set<String> = []) {
        self.file = file
        self.project = project
        self.visiting = visiting
    }

    private var bytes: [UInt8] { file.view.bytes }
    private var module: PyModule { file.module }

    static let handleCalls: Set<String> = ["bucket", "get_bucket", "lookup_bucket", "Bucket"]
    static let blobCalls: Set<String> = ["blob", "get_blob", "list_blobs", "blob_exists", "Blob", "delete_blob", "delete_blobs"]
    static let pathKeywords: Set<String> = ["prefix", "blob_name", "name", "object_name", "match_glob"]

    // MARK: - Entry points

    /// The expression in `range`.
    mutating func evaluate(range: Range<Int>) -> Value {
        guard let node = PyParser(view: file.view).parse(range) else { return .unknown(bytes.string(range)) }
        return evaluate(node)
    }

    /// The value of module-level `name` in this file.
    mutating func moduleLevel(_ name: String) -> Value {
        if project.patterns.constantIndex(named: name) != nil { return constantBucket(name) }
        let assigned = module.assignments(of: name, in: nil)
        if !assigned.isEmpty {
            let values = assigned.map { assignmentValue($0, name: name) }
            let places = assigned.map { "line \(file.line(module.statements[$0].range.lowerBound))" }
            let value = Value.either(values, name: name, places: places)
            return value.tagged("\(name), \(file.location(module.statements[assigned[0]].range.lowerBound))", via: .constant)
        }
        for imported in file.imports where imported.local == name {
            guard let original = imported.name, let target = project.resolveModule(imported.module, from: file.path) else { continue }
            var limited = false
            let value = project.moduleValue(original, in: target, visiting: visiting, limited: &limited)
            hitLimit = hitLimit || limited
            return value.tagged(nil, via: .imported)
        }
        return .unknown(name)
    }

    // MARK: - Expressions

    mutating func evaluate(_ node: PyNode) -> Value {
        depth += 1
        defer { depth -= 1 }
        guard depth < 40 else { hitLimit = true; return .unknown(written(node)) }
        switch node {
        case .name(let name, let range):
            return lookup(name, at: range.lowerBound)
        case .string(let spans, _):
            var value = Value.text(.literal("", at: nil))
            for span in spans { value = Value.concat(value, string(span), writtenA: "", writtenB: bytes.string(span.start..<span.end)) }
            return value
        case .number(let range):
            return .text(.literal(bytes.string(range), at: nil))
        case .binary("+", let a, let b, _):
            return Value.concat(evaluate(a), evaluate(b), writtenA: written(a), writtenB: written(b))
        case .binary("/", let a, let b, _):
            let left = evaluate(a)
            guard left.carriesBucket || { if case .text = left { return true } else { return false } }() else { return .unknown(written(node)) }
            return join([left, evaluate(b)], written: [written(a), written(b)], separator: "/")
        case .binary("or", let a, let b, _):
            let left = evaluate(a)
            if case .unknown = left { return evaluate(b) }
            return left
        case .conditional(let a, let b, _):
            return Value.either([evaluate(a), evaluate(b)], name: written(node), places: ["a conditional expression"])
        case .attribute(let base, let name, _):
            return attribute(base, name, node)
        case .index(let base, let index, _):
            let container = evaluate(base)
            guard case .dict(let entries) = container, case .text(let key) = evaluate(index),
                  let entry = entries.first(where: { $0.key == key.text }) else { return .unknown(written(node)) }
            return entry.value
        case .call(let callee, let arguments, _):
            return call(callee, arguments, node)
        case .list(let items, _), .tuple(let items, _):
            return .list(items.map { evaluate($0) })
        case .dict(let entries, _):
            var out: [(key: String, value: Value)] = []
            for entry in entries {
                guard case .text(let key) = evaluate(entry.key) else { continue }
                out.append((key.text, evaluate(entry.value)))
            }
            return .dict(out)
        default:
            return .unknown(written(node))
        }
    }

    func written(_ node: PyNode) -> String {
        let r = node.range
        return bytes.string(r.clamped(to: 0..<bytes.count))
    }

    // MARK: - Names

    /// `name` as seen at `offset`: the function's assignments before it, its
    /// parameters (and the enclosing functions'), then the module.
    mutating func lookup(_ name: String, at offset: Int) -> Value {
        if project.patterns.constantIndex(named: name) != nil { return constantBucket(name) }
        var function = module.function(containing: offset)
        while let f = function {
            let assigned = module.assignments(of: name, in: f)
            if let value = reaching(name, assigned, before: offset, via: .local) { return value }
            if !assigned.isEmpty { return .unknown(name) }
            if let parameter = module.functions[f].parameters.first(where: { $0.name == name }) {
                return self.parameter(parameter, of: f)
            }
            function = module.functions[f].parent
        }
        // Module-level code runs in order: the assignments before the use.
        if module.function(containing: offset) == nil,
           let value = reaching(name, module.assignments(of: name, in: nil), before: offset, via: .constant) {
            return value
        }
        var limited = false
        let value = project.moduleValue(name, in: file.path, visiting: visiting, limited: &limited)
        hitLimit = hitLimit || limited
        return value
    }

    /// What `name` holds at `offset` from the assignments of its scope that run
    /// before it: the last one, and the earlier ones while that one sits in a branch
    /// (it may not run). Nil when none comes before.
    mutating func reaching(_ name: String, _ assigned: [Int], before offset: Int, via: CodeReference.Via) -> Value? {
        let before = assigned.filter { module.statements[$0].range.upperBound <= offset }
        guard !before.isEmpty else { return nil }
        var reach: [Int] = []
        for index in before.reversed() {
            reach.insert(index, at: 0)
            if !module.statements[index].inBranch { break }
        }
        let values = reach.map { assignmentValue($0, name: name) }
        let places = reach.map { "line \(file.line(module.statements[$0].range.lowerBound))" }
        return Value.either(values, name: name, places: places)
            .tagged("\(name), \(file.location(module.statements[reach[reach.count - 1]].range.lowerBound))", via: via)
    }

    /// The value statement `index` gives `name`.
    mutating func assignmentValue(_ index: Int, name: String) -> Value {
        switch module.statements[index].kind {
        case .assignment(_, let value):
            return evaluate(range: value)
        case .with(let items):
            guard let item = items.first(where: { $0.name == name }) else { return .unknown(name) }
            return evaluate(range: item.value)
        default:
            // Loop variables and augmented assignments are known at run time only.
            return .unknown(name)
        }
    }

    /// A parameter: what a launcher passes, else what every caller in the file
    /// passes, else its default.
    mutating func parameter(_ p: PyModule.Parameter, of f: Int) -> Value {
        let function = module.functions[f]
        let launched = project.launchBindings(file.path)
        if let value = launched["\(function.name).\(p.name)"] { return value }
        var values: [Value] = []
        var places: [String] = []
        guard depth < 30 else { hitLimit = true; return .unknown(p.name) }
        for call in callSites(of: function.name) {
            guard let argument = argument(p, in: call.group) else { continue }
            // A recursive call passing the parameter on adds nothing.
            if function.body.contains(call.offset), bytes.string(argument) == p.name { continue }
            let value = evaluate(range: argument)
            values.append(value.tagged("\(p.name) of \(function.name), \(file.location(call.offset))", via: .parameter))
            places.append(file.location(call.offset))
        }
        if !values.isEmpty { return Value.either(values, name: p.name, places: places) }
        if let d = p.defaultValue { return evaluate(range: d) }
        return .unknown(p.name)
    }

    /// Calls of the function `name` in this file: `name(` not preceded by `def` or `.`.
    func callSites(of name: String) -> [(offset: Int, group: Int)] {
        file.calls[name] ?? []
    }

    /// The argument of call group `g` that `p` receives.
    func argument(_ p: PyModule.Parameter, in g: Int) -> Range<Int>? {
        let elements = file.view.elements(of: g)
        if let keyword = elements.first(where: { $0.key.map { bytes.string($0) } == p.name }) { return keyword.value }
        let positional = elements.filter { $0.key == nil && !(bytes.string($0.range).hasPrefix("*")) }
        return p.index < positional.count ? positional[p.index].value : nil
    }

    /// One of `code.source_refs`' constants: the bucket.
    func constantBucket(_ name: String) -> Value {
        .bucket(BucketValue(bucket: project.patterns.primaryBucket, otherEnvironment: nil, spelledAs: name, via: .constant, through: []),
                scheme: false)
    }

    // MARK: - Attributes and calls

    mutating func attribute(_ base: PyNode, _ name: String, _ node: PyNode) -> Value {
        // A module imported under a name: `settings.STORE`, `cfg.STORE`.
        if case .name(let alias, _) = base, let target = importedModule(alias) {
            var limited = false
            let value = project.moduleValue(name, in: target, visiting: visiting, limited: &limited)
            hitLimit = hitLimit || limited
            return value.tagged(nil, via: .imported)
        }
        // argparse: `args.bucket` where `args = parser.parse_args()` (or a function returning it).
        if case .name(let variable, let range) = base, let launched = project.launchBindings(file.path)["args." + name],
           parsesArguments(variable, at: range.lowerBound) {
            return launched
        }
        return .unknown(written(node))
    }

    /// The file a name imported as a module designates (`import conf.settings as cfg`, `from conf import settings`).
    func importedModule(_ alias: String) -> String? {
        for imported in file.imports where imported.local == alias {
            if imported.name == nil { return project.resolveModule(imported.module, from: file.path) }
            if let name = imported.name {
                let module = imported.module.hasSuffix(".") ? imported.module + name : imported.module + "." + name
                if let found = project.resolveModule(module, from: file.path) { return found }
            }
        }
        return nil
    }

    /// True when `variable` holds what an argparse parser returns.
    func parsesArguments(_ variable: String, at offset: Int) -> Bool {
        let function = module.function(containing: offset)
        for index in module.assignments(of: variable, in: function) {
            guard case .assignment(_, let value) = module.statements[index].kind else { continue }
            let text = bytes.string(value)
            if text.contains("parse_args") || text.contains("parse_known_args") { return true }
        }
        return false
    }

    mutating func call(_ callee: PyNode, _ arguments: [PyArgument], _ node: PyNode) -> Value {
        let dotted = callee.dottedName ?? []
        let last = dotted.last ?? { if case .attribute(_, let n, _) = callee { return n } else { return "" } }()
        let positional = arguments.filter { $0.keyword == nil && !$0.star }.map(\.value)
        func keyword(_ names: Set<String>) -> PyNode? { arguments.first { $0.keyword.map(names.contains) ?? false }?.value }

        // Path joins.
        if last == "join", dotted.count >= 2, ["path", "posixpath"].contains(dotted[dotted.count - 2]) {
            return join(positional.map { evaluate($0) }, written: positional.map(written), separator: "/")
        }
        if case .attribute(let receiver, let method, _) = callee, case .string = receiver {
            let separator = evaluate(receiver)
            if method == "join", case .text(let s) = separator, let list = positional.first {
                let items: [PyNode]
                switch list { case .list(let x, _), .tuple(let x, _): items = x; default: return .unknown(written(node)) }
                return join(items.map { evaluate($0) }, written: items.map(written), separator: s.text)
            }
            if method == "format" { return format(receiver, arguments) }
        }
        // Environment lookups and Airflow Variables: the default.
        if ["get", "getenv"].contains(last), dotted.contains(where: { ["environ", "os", "getenv"].contains($0) }) || last == "getenv" {
            guard let d = positional.count >= 2 ? positional[1] : keyword(["default"]) else { return .unknown(written(node)) }
            let value = evaluate(d)
            // An environment's name is what the variable is set to in each environment, not the default.
            if case .text(let t) = value, SourcePatterns.usualEnvironments.contains(t.text) || t.text == project.patterns.environment {
                return .unknown(positional.first.map(written)?.trimmingCharacters(in: CharacterSet(charactersIn: "\"'")) ?? written(node))
            }
            return value
        }
        if last == "get", dotted.first == "Variable" {
            if let d = keyword(["default_var"]) ?? (positional.count >= 2 ? positional[1] : nil) { return evaluate(d) }
            return .unknown(written(node))
        }
        if last == "Param" {
            if let d = keyword(["default"]) ?? positional.first { return evaluate(d) }
            return .unknown(written(node))
        }
        if ["str", "Path", "PurePosixPath"].contains(last), dotted.count == 1, let first = positional.first {
            return evaluate(first)
        }
        // Bucket handles and their blobs.
        if Self.handleCalls.contains(last) {
            if let b = (keyword(["bucket_name", "name"]) ?? positional.first).map({ evaluate($0) }), case .bucket(let bucket, _) = b {
                return .handle(bucket)
            }
            return .unknown(written(node))
        }
        if Self.blobCalls.contains(last) || last == "list_blobs" {
            var handle: BucketValue?
            var pathNode: PyNode?
            if case .attribute(let receiver, _, _) = callee, case .handle(let h) = evaluate(receiver) {
                handle = h
                pathNode = keyword(Self.pathKeywords) ?? positional.first
            } else if last == "list_blobs", let first = positional.first, case .bucket(let b, _) = evaluate(first) {
                handle = b
                pathNode = keyword(Self.pathKeywords) ?? (positional.count > 1 ? positional[1] : nil)
            }
            guard let handle else { return .unknown(written(node)) }
            guard let pathNode else { return .bucket(handle, scheme: false) }
            return Value.concat(.bucket(handle, scheme: false), Value.concat(.text(.literal("/", at: nil)), evaluate(pathNode),
                                                                          writtenA: "/", writtenB: written(pathNode)),
                                writtenA: "", writtenB: written(pathNode))
        }
        return .unknown(written(node))
    }

    /// Parts joined with `separator`, as `os.path.join` and `"/".join` do.
    mutating func join(_ parts: [Value], written: [String], separator: String) -> Value {
        var value = Value.text(.literal("", at: nil))
        for (i, part) in parts.enumerated() {
            if i > 0 { value = Value.concat(value, .text(.literal(separator, at: nil)), writtenA: "", writtenB: separator) }
            value = Value.concat(value, part, writtenA: "", writtenB: written[i])
        }
        return value
    }

    /// `"gs://{}/x/{name}".format(B, name=n)`.
    mutating func format(_ receiver: PyNode, _ arguments: [PyArgument]) -> Value {
        guard case .string(let spans, _) = receiver, spans.count == 1, let span = spans.first else { return .unknown(written(receiver)) }
        let b = bytes
        var text = TextBuilder(path: file.path, start: span.contentStart)
        var auto = 0
        let positional = arguments.filter { $0.keyword == nil && !$0.star }.map(\.value)
        var i = span.contentStart
        while i < span.contentEnd {
            let c = b[i]
            if c == Byte.openBrace || c == Byte.closeBrace, i + 1 < span.contentEnd, b[i + 1] == c { text.append(c); i += 2; continue }
            if c == Byte.openBrace {
                var close = i + 1
                while close < span.contentEnd, b[close] != Byte.closeBrace { close += 1 }
                var field = b.string((i + 1)..<close)
                if let cut = field.firstIndex(where: { $0 == ":" || $0 == "!" }) { field = String(field[..<cut]) }
                let argument: PyNode?
                if field.isEmpty {
                    argument = auto < positional.count ? positional[auto] : nil
                    auto += 1
                } else if let n = Int(field) {
                    argument = n < positional.count ? positional[n] : nil
                } else {
                    argument = arguments.first { $0.keyword == field }?.value
                }
                text.add(argument.map { evaluate($0) } ?? .unknown(field), written: "{" + (argument.map(written) ?? field) + "}", next: close + 1)
                i = close + 1
                continue
            }
            text.append(c)
            i += 1
        }
        return text.finished(at: i)
    }

    // MARK: - Strings

    /// One string literal: a bucket spelled at its start (after `gs://`), then the
    /// rest, with f-string fields and `{{ params.x }}` evaluated.
    mutating func string(_ span: Syntax.StringSpan) -> Value {
        let b = bytes
        var value = Value.text(.literal("", at: nil))
        var i = span.contentStart
        let probe = b.has(Array("gs://".utf8), at: i) ? i + 5 : i
        if let o = file.spelling(at: probe), o.bucketRange.upperBound <= span.contentEnd {
            let bucket = BucketValue(bucket: o.bucket(project.patterns), otherEnvironment: o.otherEnvironment(project.patterns),
                                     spelledAs: o.bucketText, via: .literal, through: [])
            value = .bucket(bucket, scheme: probe != i)
            i = o.bucketRange.upperBound
        }
        var text = TextBuilder(path: file.path, start: i, value: value)
        let params = span.formatted || !b[span.contentStart..<span.contentEnd].contains(Byte.openBrace) ? [] : airflowParams()
        while i < span.contentEnd {
            let c = b[i]
            if span.formatted {
                if c == Byte.openBrace || c == Byte.closeBrace, i + 1 < span.contentEnd, b[i + 1] == c { text.append(c); i += 2; continue }
                if c == Byte.openBrace, let close = fieldEnd(from: i, limit: span.contentEnd) {
                    var expression = (i + 1)..<close
                    if let cut = module.topLevel(UInt8(ascii: "!"), in: expression) ?? module.topLevel(UInt8(ascii: ":"), in: expression) {
                        expression = expression.lowerBound..<cut
                    }
                    text.add(evaluate(range: expression), written: b.string(expression).trimmingBlanks(), next: close + 1)
                    i = close + 1
                    continue
                }
            } else if !params.isEmpty, c == Byte.openBrace, i + 1 < span.contentEnd, b[i + 1] == Byte.openBrace,
                      let (name, end) = paramsTemplate(at: i, limit: span.contentEnd), let v = params.first(where: { $0.key == name })?.value {
                text.add(v.tagged("params.\(name), \(file.location(i))", via: .parameter), written: "{{ params.\(name) }}", next: end)
                i = end
                continue
            }
            if c == UInt8(ascii: "\\"), i + 1 < span.contentEnd { text.append(b[i + 1]); i += 2; continue }
            text.append(c)
            i += 1
        }
        return text.finished(at: i)
    }

    /// The `}` closing the f-string field opened at `open`.
    private func fieldEnd(from open: Int, limit: Int) -> Int? {
        var depth = 0
        var i = open
        while i < limit {
            switch bytes[i] {
            case Byte.openBrace, UInt8(ascii: "("), UInt8(ascii: "["): depth += 1
            case Byte.closeBrace, UInt8(ascii: ")"), UInt8(ascii: "]"):
                depth -= 1
                if depth == 0 { return bytes[i] == Byte.closeBrace ? i : nil }
            default: break
            }
            i += 1
        }
        return nil
    }

    /// `{{ params.name }}` (or `{{ params['name'] }}`) at `i`: the name and the offset past it.
    private func paramsTemplate(at i: Int, limit: Int) -> (String, Int)? {
        let b = bytes
        var close = i + 2
        while close + 1 < limit, !(b[close] == Byte.closeBrace && b[close + 1] == Byte.closeBrace) { close += 1 }
        guard close + 1 < limit || (close + 1 == limit && b[close] == Byte.closeBrace) else { return nil }
        var inner = b.string((i + 2)..<close).trimmingBlanks()
        guard inner.hasPrefix("params") else { return nil }
        inner = String(inner.dropFirst(6))
        var name = ""
        if inner.hasPrefix(".") { name = String(inner.dropFirst()) }
        else if inner.hasPrefix("["), inner.hasSuffix("]") { name = String(inner.dropFirst(2).dropLast(2)) }
        guard !name.isEmpty, name.utf8.allSatisfy(Byte.isIdent) else { return nil }
        return (name, close + 2)
    }

    /// The Airflow params of the DAG this file defines (`params={"x": Param(default=…)}`).
    mutating func airflowParams() -> [(key: String, value: Value)] {
        if let params { return params }
        guard !inParams else { return [] }
        inParams = true
        defer { inParams = false }
        let found = readAirflowParams()
        params = found
        return found
    }

    private mutating func readAirflowParams() -> [(key: String, value: Value)] {
        let b = bytes
        for offset in ByteSearch.identifierOffsets(of: Array("params".utf8), in: b) {
            let eq = b.skipBlanks(from: offset + 6)
            guard eq < b.count, b[eq] == UInt8(ascii: "="), eq + 1 < b.count, b[eq + 1] != UInt8(ascii: "="),
                  file.view.syntax.innermostGroup(containing: offset) != nil, !file.view.syntax.isInComment(offset),
                  file.view.syntax.string(containing: offset) == nil else { continue }
            let start = b.skipSpaces(from: eq + 1)
            guard let g = file.view.group(openingAt: start), file.view.syntax.groups[g].kind == Byte.openBrace else { continue }
            let range = start..<(file.view.syntax.groups[g].close + 1)
            if case .dict(let entries) = evaluate(range: range) { return entries }
        }
        return []
    }
}
