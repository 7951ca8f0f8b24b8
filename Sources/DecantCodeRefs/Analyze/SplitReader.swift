/// Split references: the bucket and the object path as separate arguments of
/// one call or dict (`bucket=NAME, source_objects=["QPI_historical/…"]`,
/// `gcs_hook.list(NAME, prefix=f"QPI_exports/…")`), a bucket handle
/// (`client.bucket(NAME).blob("…")`, or `b = client.bucket(NAME)` then
/// `b.blob("…")`), or sibling YAML keys (`bucket:` next to `prefix:`).
extension ConstantReader {
    /// Keys naming an object path in the same bucket.
    static let objectWords: Set<String> = ["object", "objects", "prefix", "prefixes", "blob", "glob", "path", "paths", "key", "dst",
                                           "folder", "folders", "dir", "directory", "uri", "uris"]
    /// Keys that name something else even when they say "path" (a local file, a table).
    static let notObjectWords: Set<String> = ["local", "filename", "src", "table", "dataset", "project", "format", "schema", "tmp"]
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
                // A string that starts with a value (`f"{SEED_FOLDER}/x.csv"`, `"{{ params.folder }}/x"`): what
                // that value is. One that starts with its own text stays as written (it is rewritten in place).
                if ObjectPath.staticPrefix(text).isEmpty, let evaluated = computed(s.start..<s.end, at: s.contentStart) { return evaluated }
                guard ObjectPath.isPlausible(text) else { return nil }
                return Occurrence(spelling: spelling, form: .split, start: s.contentStart, bucketRange: bucketRange,
                                  bucketText: bucketText, path: s.contentStart..<s.contentEnd)
            }
        }
        /// A path argument built at run time, as far as it can be followed. A literal
        /// written inside the argument itself (`Param(default="x/")`) stays in place.
        func computed(_ value: Range<Int>, at start: Int) -> Occurrence? {
            guard let t = self.paths?.text(value), ObjectPath.isPlausible(t.text), !ObjectPath.staticPrefix(t.text).isEmpty else { return nil }
            if let site = t.start, site.path == self.paths?.file.path, value.contains(site.offset),
               b.string(site.offset..<min(b.count, site.offset + t.text.utf8.count)) == t.text,
               let literal = view.syntax.string(containing: site.offset), literal.contentStart == site.offset,
               literal.contentEnd == site.offset + t.text.utf8.count {
                return Occurrence(spelling: spelling, form: .split, start: site.offset, bucketRange: bucketRange,
                                  bucketText: bucketText, path: site.offset..<literal.contentEnd)
            }
            var o = Occurrence(spelling: spelling, form: .split, start: start, bucketRange: bucketRange, bucketText: bucketText, path: nil)
            o.derived = Derived(path: t.text, bucket: nil, site: t.start, ambiguity: t.ambiguity, direction: .unknown, bucketInPlace: true)
            return o
        }
        guard let g = view.syntax.innermostGroup(containing: expression.lowerBound) else {
            return bucketLevel("names the bucket without an object path")
        }
        // Airflow: `"bucket_name": Param(default=B)` pairs with its sibling keys.
        if let callee = view.callee(of: g), b.string(callee.last) == "Param", let parent = view.syntax.groups[g].parent,
           view.syntax.groups[parent].kind == Byte.openBrace,
           let entry = view.element(of: parent, containing: expression.lowerBound), entry.key != nil,
           entry.value.lowerBound == callee.chain.lowerBound {
            return split(expression: entry.value, bucketRange: bucketRange, spelling: spelling, bucketText: bucketText)
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
            if let strings = view.stringLiterals(in: e.value) {
                found += paths(strings)
            } else if let o = computed(e.value, at: e.value.lowerBound) {
                found.append(o)
            } else {
                dynamic.append(b.string(e.range))
            }
        }
        if found.isEmpty, dynamic.isEmpty, view.syntax.groups[g].kind == UInt8(ascii: "(") {
            found = handlePaths(g, expression: expression, paths: paths, computed: computed)
        }
        if !found.isEmpty { return found }
        if let d = dynamic.first { return bucketLevel("the object path is computed at run time (`\(d)`)") }
        return bucketLevel("names the bucket without an object path")
    }

    /// `client.bucket(NAME).blob("p")`, or `h = client.bucket(NAME)` then `h.blob("p")` within 80 lines;
    /// a path argument that is not a literal (`list_blobs(prefix=name)`) is followed when it can be.
    private func handlePaths(_ g: Int, expression: Range<Int>, paths: ([Syntax.StringSpan]) -> [Occurrence],
                             computed: (Range<Int>, Int) -> Occurrence?) -> [Occurrence] {
        let b = bytes
        guard let callee = view.callee(of: g), Self.handleCalls.contains(b.string(callee.last)) else { return [] }
        func read(_ arguments: [BlobArgument]) -> [Occurrence] {
            arguments.flatMap { argument -> [Occurrence] in
                switch argument {
                case .literals(let strings): return paths(strings)
                case .computed(let range): return computed(range, range.lowerBound).map { [$0] } ?? []
                }
            }
        }
        if let method = view.chainedCall(after: g), Self.blobCalls.contains(b.string(method)) {
            return read(blobArguments(callAt: method))
        }
        guard let a = view.assignment(containing: expression.lowerBound), a.nameRange.upperBound <= callee.chain.lowerBound else { return [] }
        let text = view.text
        let lastLine = min(text.lineStarts.count - 1, text.lineIndex(of: a.statement.upperBound) + 80)
        let limit = text.lineRange(index: lastLine).upperBound
        var arguments: [BlobArgument] = []
        for use in ByteSearch.identifierOffsets(of: Array(a.name.utf8), in: b, range: a.statement.upperBound..<limit) {
            if let again = view.assignment(containing: use), again.nameRange.lowerBound == use { break }
            if let method = view.method(after: use + a.name.utf8.count), Self.blobCalls.contains(b.string(method)) {
                arguments += blobArguments(callAt: method)
            }
        }
        return read(arguments)
    }

    enum BlobArgument {
        case literals([Syntax.StringSpan])
        case computed(Range<Int>)
    }

    /// The object-path arguments of `name(…)` whose name is at `method`.
    private func blobArguments(callAt method: Range<Int>) -> [BlobArgument] {
        let b = bytes
        let open = b.skipBlanks(from: method.upperBound)
        guard let g = view.group(openingAt: open) else { return [] }
        var out: [BlobArgument] = []
        for (i, e) in view.elements(of: g).enumerated() {
            let isPath: Bool
            if let k = e.key {
                let words = Words.split(b.string(k))
                isPath = words.contains(where: Self.objectWords.contains) || words.contains("name")
            } else {
                isPath = i == 0
            }
            guard isPath else { continue }
            if let strings = view.stringLiterals(in: e.value) { out.append(.literals(strings)) } else { out.append(.computed(e.value)) }
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
