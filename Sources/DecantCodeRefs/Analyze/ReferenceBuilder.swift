import DecantCore

/// A reference with the occurrence it came from (the rewriter needs both).
struct Finding: Sendable {
    enum Category: Sendable { case reference, unresolved, otherEnvironment }
    var reference: CodeReference
    var category: Category
    var occurrence: Occurrence
    var resolution: MigrationResolver.Resolution
}

/// Turns a file's occurrences into classified, resolved references.
struct ReferenceBuilder: Sendable {
    let patterns: SourcePatterns
    let resolver: MigrationResolver

    func findings(_ analysis: FileAnalysis, path: String) -> [Finding] {
        let view = analysis.view
        let classifier = DirectionClassifier(view: view)
        var out: [Finding] = []
        // Occurrences come in offset order: columns are counted on from the previous one on a line.
        var cursor = (line: -1, offset: 0, column: 1)
        for o in analysis.occurrences {
            let text = view.text
            let objectPath = o.path.map { view.bytes.string($0) } ?? ""
            let line = text.lineIndex(of: o.start)
            if line != cursor.line || o.start < cursor.offset { cursor = (line, text.lineStarts[line], 1) }
            cursor = (line, o.start, text.column(of: o.start, from: cursor.offset, at: cursor.column))
            var reference = CodeReference(
                path: path, line: line + 1, column: cursor.column, form: o.form,
                direction: classifier.classify(at: o.path?.lowerBound ?? o.start), bucketText: o.bucketText,
                objectPath: objectPath, migration: nil, excerpt: text.excerpt(at: o.start))
            if case .constant = o.spelling { reference.via = .constant } else { reference.via = .literal }
            if let env = o.otherEnvironment(patterns) {
                var why = "names \(o.bucket(patterns)), the \(env) environment's source bucket"
                if o.path != nil, case .migration(let key) = resolver.resolve(bucket: patterns.primaryBucket, path: objectPath) {
                    why += " (migration \(key) there)"
                }
                reference.unrewritableReason = why
                out.append(Finding(reference: reference, category: .otherEnvironment, occurrence: o, resolution: .unmanaged))
                continue
            }
            reference.bucket = o.bucket(patterns)
            guard o.path != nil else {
                reference.unrewritableReason = o.reason ?? "names the bucket without an object path"
                out.append(Finding(reference: reference, category: .unresolved, occurrence: o,
                                   resolution: .bucketLevel(reference.unrewritableReason ?? "")))
                continue
            }
            let resolution = resolver.resolve(bucket: o.bucket(patterns), path: objectPath)
            switch resolution {
            case .migration(let key):
                reference.migration = key
                out.append(Finding(reference: reference, category: .reference, occurrence: o, resolution: resolution))
            case .unmanaged:
                out.append(Finding(reference: reference, category: .reference, occurrence: o, resolution: resolution))
            case .parent(let keys):
                for key in keys {
                    var r = reference
                    r.migration = key
                    r.unrewritableReason = "names \(objectPath), which holds or may reach the source of "
                        + (keys.count == 1 ? "migration \(key)" : "migrations \(keys.joined(separator: ", "))")
                        + "; edit it by hand"
                    out.append(Finding(reference: r, category: .reference, occurrence: o, resolution: resolution))
                }
            case .bucketLevel(let why):
                reference.unrewritableReason = why
                out.append(Finding(reference: reference, category: .unresolved, occurrence: o, resolution: resolution))
            }
        }
        return out
    }
}
