/// Turns a constant's name, or a bucket named alone, into references: a
/// template (`f"gs://{NAME}/path"`, `${NAME}/path`), a format string
/// (`"gs://{}/dms_export/".format(NAME)`) or a split call (`bucket=NAME,
/// source_objects=[…]`). What is none of these (an import, the definition, a
/// mention in a string or comment) yields nothing.
struct ConstantReader: Sendable {
    let view: CodeView
    /// Evaluates path arguments built at run time (Python files of a scanned project).
    var paths: PathEvaluator? = nil

    var bytes: [UInt8] { view.bytes }

    func read(_ hit: ConstantHit) -> [Occurrence] {
        readLexically(hit).map { o in
            var o = o
            o.origin = hit.origin
            return o
        }
    }

    private func readLexically(_ hit: ConstantHit) -> [Occurrence] {
        let b = bytes, p = hit.offset, n = hit.name.utf8.count
        let spelling = Occurrence.Spelling.constant(name: hit.name, alias: hit.alias)
        if let (open, end) = placeholder(around: p, length: n) {
            let path = OccurrenceFinder.path(b, after: end).map { clamp($0, toStringAt: p) }
            return [Occurrence(spelling: spelling, form: .constant, start: open, bucketRange: p..<(p + n),
                               bucketText: b.string(open..<end), path: path,
                               reason: path == nil ? "the template names the bucket alone" : nil)]
        }
        guard !hit.templateOnly, !view.language.isProse, !view.syntax.isInComment(p),
              view.syntax.string(containing: p) == nil, !view.isImport(p) else { return [] }
        if let a = view.assignment(containing: p), a.nameRange.lowerBound == p { return [] }
        // A keyword argument's name (`bucket=` when an alias is called `bucket`) or an attribute.
        let after = b.skipBlanks(from: p + n)
        if hit.alias, after < b.count, b[after] == UInt8(ascii: "="), after + 1 < b.count, b[after + 1] != UInt8(ascii: "="),
           view.syntax.innermostGroup(containing: p) != nil { return [] }
        if hit.alias, p > 0, b[p - 1] == UInt8(ascii: ".") { return [] }
        if let f = format(p, n, spelling, hit.name) { return f }
        return split(expression: p..<(p + n), bucketRange: p..<(p + n), spelling: spelling, bucketText: hit.name)
    }

    /// A literal or templated bucket with no path after it: maybe one side of a split.
    func readBucketAlone(_ o: Occurrence) -> [Occurrence] {
        if view.language == .yaml {
            return yamlSplit(o.bucketRange, spelling: o.spelling, bucketText: o.bucketText) ?? [alone(o, "names the bucket without an object path")]
        }
        if let s = view.syntax.string(containing: o.bucketRange.lowerBound) {
            var c = s.contentStart
            if b5(c) { c += 5 }
            if c == o.bucketRange.lowerBound, s.contentEnd == o.bucketRange.upperBound {
                return split(expression: s.start..<s.end, bucketRange: o.bucketRange, spelling: o.spelling, bucketText: o.bucketText)
            }
        }
        return [alone(o, "names the bucket without an object path")]
    }

    private func b5(_ c: Int) -> Bool { bytes.has(Array("gs://".utf8), at: c) }

    private func alone(_ o: Occurrence, _ reason: String) -> Occurrence {
        var o = o
        o.path = nil
        o.reason = reason
        return o
    }

    // MARK: - Templates

    /// `{NAME}`, `{{ NAME }}`, `${NAME}`, `$NAME` around the name at `p`: (start, end).
    private func placeholder(around p: Int, length n: Int) -> (Int, Int)? {
        let b = bytes
        let inString = view.syntax.string(containing: p) != nil
        // In Python a brace outside a string is a dict or a set, not a template.
        if view.language == .python, !inString { return nil }
        if p > 0, b[p - 1] == Byte.dollar { return (p - 1, p + n) }
        var q = p - 1
        while q >= 0, Byte.isBlank(b[q]) { q -= 1 }
        guard q >= 0, b[q] == Byte.openBrace else { return nil }
        var open = q
        if open > 0, b[open - 1] == Byte.openBrace { open -= 1 }
        if open > 0, b[open - 1] == Byte.dollar { open -= 1 }
        guard let end = Placeholder.end(b, at: open), end >= p + n else { return nil }
        return (open, end)
    }

    /// A path that runs to the end of the string holding the template at most.
    private func clamp(_ path: Range<Int>, toStringAt p: Int) -> Range<Int> {
        guard let s = view.syntax.string(containing: p) else { return path }
        return path.lowerBound..<max(path.lowerBound, min(path.upperBound, s.contentEnd))
    }

    // MARK: - Format strings

    /// `"gs://{}/dms_export/".format(NAME)` or `"gs://{b}/x".format(b=NAME)`.
    private func format(_ p: Int, _ n: Int, _ spelling: Occurrence.Spelling, _ name: String) -> [Occurrence]? {
        let b = bytes
        guard let g = view.syntax.innermostGroup(containing: p), let callee = view.callee(of: g),
              b.string(callee.last) == "format", callee.last.lowerBound > 0, b[callee.last.lowerBound - 1] == UInt8(ascii: "."),
              let receiver = view.syntax.string(endingAt: callee.last.lowerBound - 1) else { return nil }
        let elements = view.elements(of: g)
        guard let e = elements.first(where: { $0.value == p..<(p + n) }) else { return nil }
        let wanted: String
        if let key = e.key { wanted = b.string(key) } else {
            wanted = String(elements.prefix { $0.range != e.range }.filter { $0.key == nil }.count)
        }
        var auto = 0
        var j = receiver.contentStart
        while j < receiver.contentEnd {
            guard b[j] == Byte.openBrace else { j += 1; continue }
            if j + 1 < receiver.contentEnd, b[j + 1] == Byte.openBrace { j += 2; continue }
            var close = j + 1
            while close < receiver.contentEnd, b[close] != Byte.closeBrace { close += 1 }
            guard close < receiver.contentEnd else { break }
            var field = b.string((j + 1)..<close)
            if let cut = field.firstIndex(where: { $0 == ":" || $0 == "!" }) { field = String(field[..<cut]) }
            if field.isEmpty { field = String(auto); auto += 1 }
            if field == wanted {
                var path = OccurrenceFinder.path(b, after: close + 1)
                if let r = path { path = r.lowerBound..<min(r.upperBound, receiver.contentEnd) }
                return [Occurrence(spelling: spelling, form: .constant, start: j, bucketRange: p..<(p + n), bucketText: name,
                                   path: path, reason: path == nil ? "the format string names the bucket alone" : nil)]
            }
            j = close + 1
        }
        return [Occurrence(spelling: spelling, form: .constant, start: p, bucketRange: p..<(p + n), bucketText: name,
                           path: nil, reason: "the format string does not show where the bucket goes")]
    }
}
