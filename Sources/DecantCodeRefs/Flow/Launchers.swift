import Foundation

/// The command line of a job script: which option or positional argument feeds
/// which parameter (typer, click or argparse).
struct ScriptInterface {
    /// `--gcs-bucket` → `main.bucket` (typer, click) or `args.bucket` (argparse).
    var options: [String: String] = [:]
    /// Positional arguments, in order.
    var positionals: [String] = []
    /// argparse defaults of options the launcher may not pass: `args.output_folder` → the default's range.
    var defaults: [String: Range<Int>] = [:]

    var isEmpty: Bool { options.isEmpty && positionals.isEmpty }

    static func read(_ file: FlowFile) -> ScriptInterface {
        var interface = ScriptInterface()
        let module = file.module, b = file.view.bytes
        // typer and click: the parameters of the command function.
        let typerRun = ByteSearch.offsets(of: Array("typer.run(".utf8), in: b).compactMap { at -> String? in
            b.identifier(startingAt: b.skipBlanks(from: at + 10)).map { b.string($0) }
        }
        for function in module.functions {
            let decorators = function.decorators.map { b.string($0) }
            let isClick = decorators.contains { $0.contains("click.command") || $0.contains(".command(") && $0.contains("click") }
            let isTyper = decorators.contains { $0.contains(".command(") } || typerRun.contains(function.name)
                || (function.name == "main" && function.parameters.contains { p in p.defaultValue.map { b.string($0).hasPrefix("typer.") } ?? false })
            if isClick {
                for decorator in function.decorators {
                    let text = b.string(decorator)
                    guard text.contains("click.option") || text.contains("click.argument") else { continue }
                    let strings = literals(in: decorator, file)
                    let flags = strings.filter { $0.hasPrefix("-") }
                    let name = strings.first { !$0.hasPrefix("-") && $0.utf8.allSatisfy(Byte.isIdent) }
                        ?? flags.max { $0.count < $1.count }.map { String($0.drop { $0 == "-" }).replacingOccurrences(of: "-", with: "_") }
                    guard let name else { continue }
                    let key = "\(function.name).\(name)"
                    if text.contains("click.argument") { interface.positionals.append(key) } else { for f in flags { interface.options[f] = key } }
                }
            } else if isTyper {
                for p in function.parameters where p.name != "self" && p.name != "ctx" {
                    let key = "\(function.name).\(p.name)"
                    let spec = [p.defaultValue, p.annotation].compactMap { $0 }.map { b.string($0) }.joined(separator: " ")
                    let explicit = [p.defaultValue, p.annotation].compactMap { $0 }.flatMap { literals(in: $0, file) }.filter { $0.hasPrefix("-") }
                    if spec.contains("typer.Argument") || (p.defaultValue == nil && !spec.contains("typer.Option")) {
                        interface.positionals.append(key)
                    } else {
                        let flags = explicit.isEmpty ? ["--" + p.name.replacingOccurrences(of: "_", with: "-")] : explicit
                        for f in flags { interface.options[f] = key }
                    }
                }
            }
        }
        // argparse: `parser.add_argument("--gcs-bucket", dest="bucket", default=…)`.
        for at in ByteSearch.offsets(of: Array("add_argument(".utf8), in: b) {
            guard let g = file.view.group(openingAt: at + 12) else { continue }
            var flags: [String] = []
            var dest: String?
            var defaultValue: Range<Int>?
            for e in file.view.elements(of: g) {
                if let k = e.key {
                    let key = b.string(k)
                    if key == "dest", let s = file.view.stringLiterals(in: e.value)?.first { dest = b.string(s.contentStart..<s.contentEnd) }
                    if key == "default" { defaultValue = e.value }
                } else if let s = file.view.stringLiterals(in: e.value)?.first {
                    flags.append(b.string(s.contentStart..<s.contentEnd))
                }
            }
            guard let first = flags.first else { continue }
            if !first.hasPrefix("-") {
                interface.positionals.append("args." + (dest ?? first))
                continue
            }
            let long = flags.first { $0.hasPrefix("--") } ?? first
            let name = dest ?? String(long.drop { $0 == "-" }).replacingOccurrences(of: "-", with: "_")
            for f in flags { interface.options[f] = "args." + name }
            if let defaultValue { interface.defaults["args." + name] = defaultValue }
        }
        return interface
    }

    private static func literals(in range: Range<Int>, _ file: FlowFile) -> [String] {
        var out: [String] = []
        var i = range.lowerBound
        while i < range.upperBound {
            if let s = file.view.syntax.string(startingAt: i) {
                out.append(file.view.bytes.string(s.contentStart..<s.contentEnd))
                i = max(s.end, i + 1)
            } else {
                i += 1
            }
        }
        return out
    }
}

/// Finds the job scripts a launcher (a DAG) runs with the bucket on their
/// command line: `python main.py --bucket-name {BUCKET}` in a `command=` or
/// `bash_command=`, with `base_dir=` naming the job's folder, or
/// `cmds=["python", "jobs/x/preprocess.py"], arguments=["--gcs-bucket", BUCKET]`.
struct LauncherReader {
    let file: FlowFile
    let project: Project
    var evaluator: Evaluator

    init(file: FlowFile, project: Project) {
        self.file = file
        self.project = project
        evaluator = Evaluator(file: file, project: project)
    }

    static let commandKeys = ["cmds", "command", "bash_command", "cmd", "arguments", "args"]

    /// One word of a command line.
    enum Word {
        case text(String)
        case bucket(BucketValue, Site)
    }

    /// When the bucket spelled at `o` is passed to a job script: the script, the
    /// parameter it feeds and the option that carries it.
    mutating func launch(of o: Occurrence) -> (script: String, key: String, option: String)? {
        let module = file.module
        guard file.isPython, let index = module.statement(containing: o.bucketRange.lowerBound) else { return nil }
        guard let range = module.expressionRanges(index).first(where: { $0.contains(o.bucketRange.lowerBound) }),
              let root = PyParser(view: file.view).parse(range) else { return nil }
        // The call that runs a command: an operator with command arguments, or subprocess.
        var call: (callee: PyNode, arguments: [PyArgument])?
        for node in root.path(to: o.bucketRange.lowerBound).reversed() {
            if case .call(let callee, let arguments, _) = node,
               arguments.contains(where: { $0.keyword.map(Self.commandKeys.contains) ?? false })
                || (callee.dottedName?.first == "subprocess") {
                call = (callee, arguments)
                break
            }
        }
        guard let call else { return nil }
        var words: [Word] = []
        var baseDirectory: String?
        for key in Self.commandKeys {
            guard let argument = call.arguments.first(where: { $0.keyword == key }) else { continue }
            words += self.words(argument.value)
        }
        if call.callee.dottedName?.first == "subprocess", let first = call.arguments.first(where: { $0.keyword == nil }) {
            words += self.words(first.value)
        }
        if let base = call.arguments.first(where: { ["base_dir", "cwd", "working_dir"].contains($0.keyword ?? "") }),
           case .text(let t) = evaluator.evaluate(base.value) {
            baseDirectory = t.text
        }
        // The bucket's word must be this occurrence's.
        guard let at = words.firstIndex(where: { if case .bucket(_, let site) = $0 { return site.offset == o.bucketRange.lowerBound } else { return false } })
        else { return nil }
        guard let python = words.firstIndex(where: { if case .text(let t) = $0 { return t == "python" || t.hasPrefix("python3") } else { return false } }),
              python < at else { return nil }
        var scriptIndex = python + 1
        while scriptIndex < at, case .text(let t) = words[scriptIndex], t.hasPrefix("-"), t != "-m" { scriptIndex += 1 }
        guard scriptIndex < at, case .text(var script) = words[scriptIndex] else { return nil }
        if script == "-m", scriptIndex + 1 < at, case .text(let m) = words[scriptIndex + 1] {
            script = m.split(separator: ".").joined(separator: "/") + ".py"
            scriptIndex += 1
        }
        guard let path = resolveScript(script, base: baseDirectory), let target = project.file(path) else { return nil }
        let interface = ScriptInterface.read(target)
        // The option before the bucket (`--gcs-bucket B`), in the word (`--gcs-bucket=B`), or a positional.
        var option: String?
        if at > scriptIndex + 1, case .text(let previous) = words[at - 1], previous.hasPrefix("-") { option = previous }
        if let option, let key = interface.options[option] { return (path, key, option) }
        if option == nil {
            var position = 0
            var i = scriptIndex + 1
            while i < at {
                if case .text(let t) = words[i], t.hasPrefix("-") { i += 2; continue }
                position += 1
                i += 1
            }
            if position < interface.positionals.count { return (path, interface.positionals[position], "argument \(position + 1)") }
        }
        return nil
    }

    /// The words of a command: a list (each element a word, or several), a string,
    /// an f-string or a concatenation, with the bucket kept as a word of its own.
    private mutating func words(_ node: PyNode) -> [Word] {
        switch node {
        case .list(let items, _), .tuple(let items, _):
            return items.flatMap { words($0) }
        default:
            var out: [Word] = []
            var current = ""
            func flush() { if !current.isEmpty { out.append(.text(current)) }; current = "" }
            for piece in pieces(node) {
                switch piece {
                case .text(let t):
                    for c in t {
                        if c == " " || c == "\t" || c == "\n" { flush() } else { current.append(c) }
                    }
                case .bucket(let b, let site):
                    // `--opt=B` stays one option and the bucket after it.
                    if current.hasSuffix("=") { current.removeLast(); flush() }
                    flush()
                    out.append(.bucket(b, site))
                }
            }
            flush()
            return out
        }
    }

    /// A string expression in pieces: text, and the bucket where a part evaluates to it.
    private mutating func pieces(_ node: PyNode) -> [Word] {
        switch node {
        case .binary("+", let a, let b, _):
            return pieces(a) + pieces(b)
        case .string(let spans, _):
            var out: [Word] = []
            let b = file.view.bytes
            for span in spans {
                guard span.formatted else { out.append(.text(b.string(span.contentStart..<span.contentEnd))); continue }
                var literal = ""
                var i = span.contentStart
                while i < span.contentEnd {
                    let c = b[i]
                    if (c == Byte.openBrace || c == Byte.closeBrace), i + 1 < span.contentEnd, b[i + 1] == c {
                        literal.append(Character(UnicodeScalar(c))); i += 2; continue
                    }
                    if c == Byte.openBrace {
                        var close = i + 1
                        while close < span.contentEnd, b[close] != Byte.closeBrace { close += 1 }
                        let field = file.view.trim((i + 1)..<close)
                        if case .bucket(let bucket, _) = evaluator.evaluate(range: field) {
                            out.append(.text(literal)); literal = ""
                            out.append(.bucket(bucket, Site(path: file.path, offset: field.lowerBound)))
                        } else {
                            literal += "{" + b.string(field) + "}"
                        }
                        i = close + 1
                        continue
                    }
                    literal.append(Character(UnicodeScalar(c)))
                    i += 1
                }
                out.append(.text(literal))
            }
            return out
        default:
            switch evaluator.evaluate(node) {
            case .bucket(let bucket, _): return [.bucket(bucket, Site(path: file.path, offset: node.range.lowerBound))]
            case .text(let t): return [.text(t.text)]
            default: return [.text("{" + evaluator.written(node) + "}")]
            }
        }
    }

    /// The scanned file a command names: the base folder and the script joined,
    /// then ever shorter tails of it (a deployment prefixes the repository's
    /// paths: `data-gcp/jobs/…`), then the script's name alone if one file has it.
    private func resolveScript(_ script: String, base: String?) -> String? {
        var full = script
        if let base, !script.hasPrefix("/") { full = base + "/" + script }
        var parts = full.split(separator: "/").filter { $0 != "." && !$0.isEmpty }
        while !parts.isEmpty {
            let candidate = parts.joined(separator: "/")
            if project.contains(candidate) { return candidate }
            parts.removeFirst()
        }
        let name = "/" + (script.split(separator: "/").last.map(String.init) ?? script)
        let matches = project.files.filter { $0.hasSuffix(name) || "/" + $0 == name }
        return matches.count == 1 ? matches[0] : nil
    }
}
