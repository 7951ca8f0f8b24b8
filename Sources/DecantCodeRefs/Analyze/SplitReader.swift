/// Split references: the bucket and the object path as separate arguments of
/// one call or dict (`bucket=NAME, source_objects=["QPI_historical/…"]`,
/// `gcs_hook.list(NAME, prefix=f"QPI_exports/…")`), a bucket handle
/// (`client.bucket(NAME).blob("…")`, or `b = client.bucket(NAME)` then
/// `b.blob("…")`), or sibling YAML keys (`bucket:` next to `prefix:`).
extension ConstantReader {
    /// Keys naming an object path in the same bucket.
    static let objectWords: Set<String> = ["object", "objects", "prefix", "prefixes", "blob", "glob", "path", "paths", "key", "dst"]
    /// Keys that name something else even when they say "path" (a local file, a table).
    static let notObjectWords: Set<String> = ["local", "filename", "src", "bucket", "table", "dataset", "project", "format", "schema", "tmp"]
    static let sides: [String: String] = ["source": "source", "src": "source", "destination": "destination", "dest": "destination",
                                          "dst": "destination", "target": "destination"]
    static let handleCalls: Set<String> = ["bucket", "get_bucket", "lookup_bucket", "Bucket"]
    static let blobCalls: Set<String> = ["blob", "get_blob", "list_blobs", "blob_exists", "Blob"]

    func split(expression: Range<Int>, bucketRange: Range<Int>, spelling: Occurrence.Spelling, bucketText: String) -> [Occurrence] {
        let b = bytes
        func bucketLevel(_ reason: String) -> [Occurrence] {
            [Occurrence(spelling: spelling, form: .split, start: bucketRange.lowerBound, bucketRange: bucketRange,
                        bucketText: bucketText, path: nil, reason: reason)]
        }
        func paths(_ strings: [Syntax.StringSpan]) -> [Occurrence] {
            strings.compactMap { s in
                let text = b.string(s.contentStart..<s.contentEnd)
                guard ObjectPath.isPlausible(text) else { return nil }
                return Occurrence(spelling: spelling, form: .split, start: s.contentStart, bucketRange: bucketRange,
                                  bucketText: bucketText, path: s.contentStart..<s.contentEnd)
            }
        }
        guard let g = view.syntax.innermostGroup(containing: expression.lowerBound) else {
            return bucketLevel("names the bucket without an object path")
        }
        let elements = view.elements(of: g)
        guard let index = elements.firstIndex(where: { $0.value == expression }) else {
            return bucketLevel("the bucket is part of a larger expression")
        }
        let bucketElement = elements[index]
        var candidates: [Element] = []
        let bucketSide = bucketElement.key.flatMap { Words.split(b.string($0)).first.flatMap { Self.sides[$0] } }
        let otherSides = Set(elements.compactMap { e -> String? in
            guard let k = e.key, e.range != bucketElement.range else { return nil }
            let w = Words.split(b.string(k))
            return w.contains("bucket") ? w.first.flatMap { Self.sides[$0] } : nil
        })
        if bucketElement.key == nil, index + 1 < elements.count, elements[index + 1].key == nil {
            candidates.append(elements[index + 1])
        }
        for e in elements where e.range != bucketElement.range {
            guard let k = e.key else { continue }
            let words = Words.split(b.string(k))
            guard words.contains(where: Self.objectWords.contains), !words.contains(where: Self.notObjectWords.contains) else { continue }
            let side = words.first.flatMap { Self.sides[$0] }
            if let bucketSide { guard side == bucketSide else { continue } } else if let side, otherSides.contains(side) { continue }
            candidates.append(e)
        }
        var found: [Occurrence] = []
        var dynamic: [String] = []
        for e in candidates {
            if let strings = view.stringLiterals(in: e.value) { found += paths(strings) } else { dynamic.append(b.string(e.range)) }
        }
        if found.isEmpty, dynamic.isEmpty, view.syntax.groups[g].kind == UInt8(ascii: "(") {
            found = handlePaths(g, expression: expression, paths: paths)
        }
        if !found.isEmpty { return found }
        if let d = dynamic.first { return bucketLevel("the object path is computed at run time (`\(d)`)") }
        return bucketLevel("names the bucket without an object path")
    }

    /// `client.bucket(NAME).blob("p")`, or `h = client.bucket(NAME)` then `h.blob("p")` within 80 lines.
    private func handlePaths(_ g: Int, expression: Range<Int>, paths: ([Syntax.StringSpan]) -> [Occurrence]) -> [Occurrence] {
        let b = bytes
        guard let callee = view.callee(of: g), Self.handleCalls.contains(b.string(callee.last)) else { return [] }
        if let method = view.chainedCall(after: g), Self.blobCalls.contains(b.string(method)) {
            return paths(blobArguments(callAt: method))
        }
        guard let a = view.assignment(containing: expression.lowerBound), a.nameRange.upperBound <= callee.chain.lowerBound else { return [] }
        let text = view.text
        let lastLine = min(text.lineStarts.count - 1, text.lineIndex(of: a.statement.upperBound) + 80)
        let limit = text.lineRange(index: lastLine).upperBound
        var strings: [Syntax.StringSpan] = []
        for use in ByteSearch.identifierOffsets(of: Array(a.name.utf8), in: b, range: a.statement.upperBound..<limit) {
            if let again = view.assignment(containing: use), again.nameRange.lowerBound == use { break }
            if let method = view.method(after: use + a.name.utf8.count), Self.blobCalls.contains(b.string(method)) {
                strings += blobArguments(callAt: method)
            }
        }
        return paths(strings)
    }

    /// The object-path arguments of `name(…)` whose name is at `method`.
    private func blobArguments(callAt method: Range<Int>) -> [Syntax.StringSpan] {
        let b = bytes
        let open = b.skipBlanks(from: method.upperBound)
        guard let g = view.group(openingAt: open) else { return [] }
        var out: [Syntax.StringSpan] = []
        for (i, e) in view.elements(of: g).enumerated() {
            let isPath: Bool
            if let k = e.key {
                let words = Words.split(b.string(k))
                isPath = words.contains(where: Self.objectWords.contains) || words.contains("name")
            } else {
                isPath = i == 0
            }
            if isPath, let strings = view.stringLiterals(in: e.value) { out += strings }
        }
        return out
    }

    // MARK: - YAML

    /// `bucket: data-bucket-dev` with `prefix: dms_export/` as a sibling key.
    func yamlSplit(_ bucketRange: Range<Int>, spelling: Occurrence.Spelling, bucketText: String) -> [Occurrence]? {
        let b = bytes, text = view.text
        let index = text.lineIndex(of: bucketRange.lowerBound)
        let own = text.lineRange(index: index)
        let ownStart = b.skipBlanks(from: own.lowerBound, limit: own.upperBound)
        guard let ownKey = view.yamlKey(startingAt: ownStart, lineEnd: own.upperBound),
              Words.split(b.string(ownKey)).contains("bucket") else { return nil }
        let indent = ownStart - own.lowerBound
        var found: [Occurrence] = []
        for direction in [-1, 1] {
            var i = index + direction
            while i >= 0, i < text.lineStarts.count {
                let line = text.lineRange(index: i)
                i += direction
                let s = b.skipBlanks(from: line.lowerBound, limit: line.upperBound)
                if s == line.upperBound || b[s] == UInt8(ascii: "#") { continue }
                let lineIndent = s - line.lowerBound
                if lineIndent > indent { continue }
                if lineIndent < indent || b[s] == UInt8(ascii: "-") { break }
                guard let key = view.yamlKey(startingAt: s, lineEnd: line.upperBound) else { continue }
                let words = Words.split(b.string(key))
                guard words.contains(where: Self.objectWords.contains), !words.contains(where: Self.notObjectWords.contains),
                      let value = yamlScalar(after: key, lineEnd: line.upperBound) else { continue }
                guard ObjectPath.isPlausible(b.string(value)) else { continue }
                found.append(Occurrence(spelling: spelling, form: .split, start: value.lowerBound, bucketRange: bucketRange,
                                        bucketText: bucketText, path: value))
            }
        }
        return found.isEmpty ? nil : found.sorted { $0.start < $1.start }
    }

    /// The scalar after `key:` on its line, without quotes or a trailing comment.
    private func yamlScalar(after key: Range<Int>, lineEnd: Int) -> Range<Int>? {
        let b = bytes
        var v = key.upperBound
        while v < lineEnd, b[v] != UInt8(ascii: ":") { v += 1 }
        v = b.skipBlanks(from: v + 1, limit: lineEnd)
        guard v < lineEnd else { return nil }
        if b[v] == UInt8(ascii: "\"") || b[v] == UInt8(ascii: "'") {
            var e = v + 1
            while e < lineEnd, b[e] != b[v] { e += 1 }
            return e < lineEnd ? (v + 1)..<e : nil
        }
        var e = v
        while e < lineEnd, !(b[e] == UInt8(ascii: "#") && Byte.isBlank(b[e - 1])) { e += 1 }
        while e > v, Byte.isBlank(b[e - 1]) { e -= 1 }
        return v..<e
    }
}
