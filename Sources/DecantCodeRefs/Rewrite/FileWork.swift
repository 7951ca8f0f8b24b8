import DecantCore

/// One file's planned changes.
struct FileWork: Sendable {
    let path: String
    let bytes: [UInt8]
    let analysis: FileAnalysis
    var edits = TextEdits()
    var migrations: Set<String> = []
    /// Source constant → the constants to import beside it.
    var imports: [String: Set<String>] = [:]

    init(path: String, bytes: [UInt8], analysis: FileAnalysis) {
        self.path = path
        self.bytes = bytes
        self.analysis = analysis
    }

    mutating func apply(_ o: Occurrence, bucket: String, path newPath: String) {
        edits.replace(o.bucketRange, with: bucket)
        guard let path = o.path else { return }
        var text = newPath
        // An unquoted YAML value must not become empty (it would read as null).
        if text.isEmpty, analysis.view.syntax.string(containing: path.lowerBound) == nil,
           analysis.view.language == .yaml, o.form == .split { text = "\"\"" }
        edits.replace(path, with: text)
    }

    /// Adds the new constants to the `from … import` lines of the source constant,
    /// replacing the old name when no other use of it is left.
    mutating func extendImports(_ scope: ConstantScope) {
        let b = bytes
        for (name, constants) in imports {
            let sites = scope.importStatements(of: name, analysis)
            guard let site = sites.first else { continue }
            let fresh = constants.sorted().filter { c in
                ByteSearch.identifierOffsets(of: Array(c.utf8), in: Array(b[site.statement])).isEmpty
            }
            guard !fresh.isEmpty else { continue }
            let imports = sites.map(\.statement)
            let assigned = Set(analysis.definitions.map(\.assignment.nameRange.lowerBound))
            let stillUsed = ByteSearch.identifierOffsets(of: Array(name.utf8), in: b).contains { offset in
                !imports.contains { $0.contains(offset) } && !assigned.contains(offset)
                    && !edits.replaces(offset..<(offset + name.utf8.count))
            }
            let line = analysis.view.text.lineRange(containing: site.name.lowerBound)
            let own = b.string(line).trimmingBlanks()
            let indent = b.string(line.lowerBound..<b.skipBlanks(from: line.lowerBound, limit: line.upperBound))
            var names = fresh
            if !stillUsed { edits.replace(site.name, with: names.removeFirst()) }
            guard !names.isEmpty else { continue }
            if own == name + "," {
                edits.insert(names.map { "\n" + indent + $0 + "," }.joined(), at: line.upperBound)
            } else if own == name {
                edits.insert(names.map { ",\n" + indent + $0 }.joined(), at: site.name.upperBound)
            } else {
                edits.insert(names.map { ", " + $0 }.joined(), at: site.name.upperBound)
            }
        }
    }
}
