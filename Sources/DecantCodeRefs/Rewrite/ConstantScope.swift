import DecantCore

/// Bringing a target bucket's constant into scope where a rewritten reference
/// uses it: define it next to the source constant's definition (or the
/// file-local alias) in the same style, and extend Python
/// `from module import SOURCE` lines with it.
struct ConstantScope: Sendable {
    /// Where the new constant comes from for one file.
    enum Source: Sendable, Equatable {
        /// Defined in this very file, next to `definition` (the source constant or alias).
        case localDefinition(name: String)
        /// Imported from `module`, whose definition of `name` is in `definitionPath`.
        case imported(name: String, module: String, definitionPath: String)
        /// Prose: the name is only text, nothing to define.
        case text
    }

    let definitions: [ConstantDefinition]
    /// The file a module designates from an importing file (the project's resolution).
    var resolve: (@Sendable (_ module: String, _ importer: String) -> String?)? = nil

    /// How the constant replacing `name` becomes visible in the file, or why it cannot.
    func source(for name: String, alias: Bool, in analysis: FileAnalysis, path: String = "") -> Result<Source, ScopeProblem> {
        if analysis.definitions.contains(where: { $0.name == name }) { return .success(.localDefinition(name: name)) }
        if alias { return .failure(ScopeProblem("the alias \(name) is defined in another file")) }
        switch analysis.view.language {
        case .python:
            guard let module = importedModule(of: name, analysis) else {
                return .failure(ScopeProblem("\(name) is neither defined nor imported by name in this file"))
            }
            guard let file = definitionFile(of: name, module: module, importer: path) else {
                return .failure(ScopeProblem("\(name) is imported from \(module), where the scan found no definition of it"))
            }
            return .success(.imported(name: name, module: module, definitionPath: file))
        case .markdown, .plain:
            return .success(.text)
        case .shell:
            return .failure(ScopeProblem("\(name) comes from the environment of this script; set the new constant there and edit by hand"))
        default:
            return .failure(ScopeProblem("\(name) is provided by something outside the scanned code"))
        }
    }

    struct ScopeProblem: Error, Sendable { let message: String; init(_ m: String) { message = m } }

    /// `from common.config import (…NAME…)` → `common.config`.
    func importedModule(of name: String, _ analysis: FileAnalysis) -> String? {
        importStatements(of: name, analysis).first?.module
    }

    struct ImportSite: Sendable {
        let module: String
        /// The name as imported.
        let name: Range<Int>
        let statement: Range<Int>
    }

    func importStatements(of name: String, _ analysis: FileAnalysis) -> [ImportSite] {
        let view = analysis.view
        let b = view.bytes
        var out: [ImportSite] = []
        for offset in ByteSearch.identifierOffsets(of: Array(name.utf8), in: b) where view.isImport(offset) {
            let anchor = view.outermostGroup(containing: offset).map { view.syntax.groups[$0].open } ?? offset
            let line = view.text.lineRange(containing: anchor)
            var i = b.skipBlanks(from: line.lowerBound, limit: line.upperBound)
            guard b.has(Array("from ".utf8), at: i) else { continue }
            i = b.skipBlanks(from: i + 5, limit: line.upperBound)
            var e = i
            while e < line.upperBound, Byte.isIdent(b[e]) || b[e] == UInt8(ascii: ".") { e += 1 }
            guard e > i, offset > e else { continue }
            out.append(ImportSite(module: b.string(i..<e), name: offset..<(offset + name.utf8.count),
                                  statement: line.lowerBound..<view.statementEnd(from: line)))
        }
        return out
    }

    /// The scanned file defining `name` that `module` designates (`common.config`
    /// → `…/common/config.py` or `…/common/config/__init__.py`).
    func definitionFile(of name: String, module: String, importer: String = "") -> String? {
        if let resolve {
            // The file the import really designates (the importing folder first); an
            // alias defined there counts: imported, it is that module's constant.
            guard let file = resolve(module, importer) else { return nil }
            return definitions.contains { $0.name == name && $0.path == file } ? file : nil
        }
        let base = module.split(separator: ".").joined(separator: "/")
        let candidates = [base + ".py", base + "/__init__.py"]
        return definitions.filter { d in
            d.name == name && !d.isAlias && candidates.contains { d.path == $0 || d.path.hasSuffix("/" + $0) }
        }.map(\.path).sorted().first
    }

    // MARK: - Definitions in the same style

    /// The statement defining `newName` for `bucket`, written like `site`:
    /// the source name replaced by the new one (inside strings too: the
    /// environment variable keeps its name), each spelling of the source bucket
    /// replaced by the target's (the environment placeholder kept). Nil when the
    /// target's name has no environment to template.
    static func definition(like site: DefinitionSite, newName: String, bucket: String, environment: String, view: CodeView) -> String? {
        let b = view.bytes
        let statement = site.assignment.statement
        var edits = TextEdits()
        for o in site.spellings {
            switch o.spelling {
            case .literal:
                edits.replace(o.bucketRange.shifted(-statement.lowerBound), with: bucket)
            case .templated(_, let placeholder):
                guard let (prefix, suffix) = SourcePatterns.environmentSplit(bucket, environment: environment) else { return nil }
                edits.replace(o.bucketRange.shifted(-statement.lowerBound), with: prefix + b.string(placeholder) + suffix)
            case .constant:
                continue
            }
        }
        let text = Array(b[statement])
        for offset in ByteSearch.identifierOffsets(of: Array(site.name.utf8), in: text) {
            edits.replace(offset..<(offset + site.name.utf8.count), with: newName)
        }
        return String(decoding: edits.applied(to: text), as: UTF8.self)
    }

    /// True when the file already assigns `name` at the start of a line.
    static func defines(_ name: String, in view: CodeView) -> Bool {
        let b = view.bytes
        return ByteSearch.identifierOffsets(of: Array(name.utf8), in: b).contains { offset in
            guard view.text.isLineStart(offset) else { return false }
            let k = b.skipBlanks(from: offset + name.utf8.count)
            return k < b.count && (b[k] == UInt8(ascii: "=") || b[k] == UInt8(ascii: ":"))
        }
    }
}

extension Range where Bound == Int {
    func shifted(_ delta: Int) -> Range<Int> { (lowerBound + delta)..<(upperBound + delta) }
}
