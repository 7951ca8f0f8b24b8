import DecantCore

/// A reference with the occurrence it came from (the rewriter needs both).
struct Finding: Sendable {
    /// `launch`: the bucket passed to a job script on its command line (the script's
    /// references say where it goes; the rewriter may change the bucket here).
    enum Category: Sendable { case reference, unresolved, otherEnvironment, launch, mention }
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
            if o.mention {
                let reference = CodeReference(path: path, line: text.line(of: o.start), column: text.column(of: o.start), form: .literal,
                                              direction: classifier.classify(at: o.start), bucketText: "",
                                              objectPath: o.path.map { view.bytes.string($0) } ?? "", excerpt: text.excerpt(at: o.start),
                                              via: .mention)
                out.append(Finding(reference: reference, category: .mention, occurrence: o, resolution: .unmanaged))
                continue
            }
            if let launch = analysis.launches[o.start] {
                let reference = CodeReference(path: path, line: text.line(of: o.start), column: text.column(of: o.start), form: o.form,
                                              direction: .unknown, bucketText: o.bucketText, objectPath: "",
                                              excerpt: text.excerpt(at: o.start), bucket: o.bucket(patterns), via: .launcher,
                                              through: "passes the bucket to \(launch.script) with \(launch.option)")
                out.append(Finding(reference: reference, category: .launch, occurrence: o, resolution: .unmanaged))
                continue
            }
            let objectPath = o.derived?.path ?? o.path.map { view.bytes.string($0) } ?? ""
            let line = text.lineIndex(of: o.start)
            if line != cursor.line || o.start < cursor.offset { cursor = (line, text.lineStarts[line], 1) }
            cursor = (line, o.start, text.column(of: o.start, from: cursor.offset, at: cursor.column))
            var direction = o.derived?.direction ?? .unknown
            if direction == .unknown { direction = classifier.classify(at: o.path?.lowerBound ?? o.start) }
            var reference = CodeReference(
                path: path, line: line + 1, column: cursor.column, form: o.form,
                direction: direction, bucketText: o.bucketText,
                objectPath: objectPath, migration: nil, excerpt: text.excerpt(at: o.start))
            if case .constant = o.spelling { reference.via = .constant } else { reference.via = .literal }
            let followed = o.derived?.bucket ?? o.origin
            if let followed {
                reference.via = followed.via
                reference.through = followed.through.isEmpty ? nil : followed.through.joined(separator: " → ")
                reference.launcher = followed.launchers.first
            } else if o.derived != nil {
                reference.via = .local
            }
            if let ambiguity = o.derived?.ambiguity { reference.unrewritableReason = ambiguity + "; edit it by hand" }
            if let env = followed?.otherEnvironment ?? o.otherEnvironment(patterns) {
                var why = "names \(followed?.bucket ?? o.bucket(patterns)), the \(env) environment's source bucket"
                if o.path != nil, case .migration(let key) = resolver.resolve(bucket: patterns.primaryBucket, path: objectPath) {
                    why += " (migration \(key) there)"
                }
                reference.unrewritableReason = why
                out.append(Finding(reference: reference, category: .otherEnvironment, occurrence: o, resolution: .unmanaged))
                continue
            }
            let bucket = followed?.bucket ?? o.bucket(patterns)
            reference.bucket = bucket
            guard o.path != nil || !(o.derived?.path.isEmpty ?? true) else {
                reference.unrewritableReason = o.reason ?? "names the bucket without an object path"
                out.append(Finding(reference: reference, category: .unresolved, occurrence: o,
                                   resolution: .bucketLevel(reference.unrewritableReason ?? "")))
                continue
            }
            let resolution = resolver.resolve(bucket: bucket, path: objectPath)
            if direction == .write || direction == .both, let beyond = resolver.beyond(bucket: bucket, path: objectPath) {
                reference.note = "\(direction == .both ? "writes or deletes" : "writes") under the prefix \(objectPath), " + beyond
            }
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
                    r.unrewritableReason = (reference.unrewritableReason.map { $0 + "; it " } ?? "")
                        + "names \(objectPath), which holds or may reach the source of "
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
