import DecantCore

/// Tells whether code writes to or reads from the location named at an offset,
/// from what surrounds it. The evidence is read from the strongest to the
/// weakest, and the first that decides wins:
/// 1. the enclosing brackets, innermost first (up to five levels): at each, the
///    key or keyword of the element holding the reference (`source_objects=`,
///    `"destinationUris":`), then the called name (`gcs_hook.list(`,
///    `BigQueryToGCSOperator(`), then a method called on the call's result
///    (`.blob(p).upload_from_filename(`); a key that only says "prefix"/"glob"
///    yields to the called name;
/// 2. the statement: SQL `EXPORT DATA` (write), `LOAD DATA` / `EXTERNAL TABLE`
///    (read); `gsutil`/`gcloud storage` `cp|mv|rsync` (the last operand is
///    written, the others read), `ls|cat|du|stat` (read); `bq load` (read),
///    `bq extract` (write);
/// 3. the variable the reference is assigned to: how it is used in the next 80
///    lines (each use read with rules 1–2 and its own method calls, one
///    assignment deep); uses that disagree make it unknown;
/// 4. the variable's name, or the YAML keys above the value, innermost first
///    (a key that only says "prefix"/"glob" yields to an outer key);
/// 5. otherwise unknown (prose, bare mentions).
struct DirectionClassifier: Sendable {
    let view: CodeView

    func classify(at offset: Int) -> CodeReference.Direction {
        if let d = fromBrackets(at: offset) { return d }
        if let d = fromStatement(at: offset) { return d }
        if let a = view.assignment(containing: offset), a.nameRange.upperBound <= offset {
            if let d = fromUses(of: a, depth: 1, key: dictKey(at: offset, in: a)) { return d }
            if let d = DirectionWords.decide(Words.split(a.name)) { return d }
        }
        var weak: CodeReference.Direction?
        for key in view.yamlKeys(at: offset) {
            let words = Words.split(key)
            guard let d = DirectionWords.decide(words) else { continue }
            if !DirectionWords.isWeak(words) { return d }
            weak = weak ?? d
        }
        return weak ?? .unknown
    }

    // MARK: - 1. Brackets

    func fromBrackets(at offset: Int, levels: Int = 5) -> CodeReference.Direction? {
        var g = view.syntax.innermostGroup(containing: offset)
        var level = 0
        let b = view.bytes
        while let current = g, level < levels {
            var weak: CodeReference.Direction?
            if let e = view.element(of: current, containing: offset), let key = e.key, e.value.lowerBound <= offset || e.value.isEmpty {
                let words = Words.split(b.string(key))
                if let d = DirectionWords.decide(words) {
                    if !DirectionWords.isWeak(words) { return d }
                    weak = d
                }
            }
            if let callee = view.callee(of: current) {
                // Airflow: what a PythonOperator passes in `op_args`/`op_kwargs` goes where its callable says.
                if let e = view.element(of: current, containing: offset), let key = e.key,
                   ["op_args", "op_kwargs", "templates_dict"].contains(b.string(key)),
                   let callable = view.elements(of: current).first(where: { $0.key.map { b.string($0) } == "python_callable" }),
                   let d = DirectionWords.decide(Words.split(b.string(callable.value))) {
                    return d
                }
                if let d = DirectionWords.decide(Words.split(b.string(callee.last))) { return d }
                if let method = view.chainedCall(after: current), let d = DirectionWords.decide(Words.split(b.string(method))) { return d }
                if let d = DirectionWords.decide(Words.split(b.string(callee.chain))) { return d }
            }
            if let weak { return weak }
            g = view.syntax.groups[current].parent
            level += 1
        }
        return nil
    }

    // MARK: - 2. Statement

    func fromStatement(at offset: Int) -> CodeReference.Direction? {
        if let d = sqlStatement(at: offset) { return d }
        return commandLine(at: offset)
    }

    private func sqlStatement(at offset: Int) -> CodeReference.Direction? {
        // In Python, a SQL statement is text in a string (a query in a DAG).
        var floor = max(0, offset - 4000)
        if view.language == .python {
            guard let s = view.syntax.string(containing: offset) else { return nil }
            floor = max(floor, s.contentStart)
        }
        return view.bytes.withUnsafeBufferPointer { b -> CodeReference.Direction? in
            var start = offset
            while start > floor, b[start - 1] != UInt8(ascii: ";") { start -= 1 }
            let window = start..<offset
            if Self.containsWords(Self.export, Self.data, in: b, window) { return .write }
            if Self.containsWords(Self.load, Self.data, in: b, window) || Self.containsWords(Self.external, Self.table, in: b, window) {
                return .read
            }
            return nil
        }
    }

    private static let export = Array("EXPORT".utf8), load = Array("LOAD".utf8), data = Array("DATA".utf8)
    private static let external = Array("EXTERNAL".utf8), table = Array("TABLE".utf8)

    /// Two words, any case, separated by whitespace, inside `range`.
    private static func containsWords(_ first: [UInt8], _ second: [UInt8], in b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        func matches(_ word: [UInt8], at i: Int) -> Bool {
            for k in 0..<word.count where b[i + k] != word[k] && b[i + k] != word[k] &+ 32 { return false }
            return true
        }
        let lead = first[0], leadLower = first[0] &+ 32
        var i = range.lowerBound
        while i + first.count <= range.upperBound {
            let c = b[i]
            if (c == lead || c == leadLower), matches(first, at: i), i == 0 || !Byte.isIdent(b[i - 1]) {
                var j = i + first.count
                while j < range.upperBound, Byte.isSpace(b[j]) { j += 1 }
                if j > i + first.count, j + second.count <= range.upperBound, matches(second, at: j),
                   j + second.count == b.count || !Byte.isIdent(b[j + second.count]) { return true }
            }
            i += 1
        }
        return false
    }

    /// `gsutil cp SRC DST`, `gcloud storage cp …`, `bq load|extract …` on the
    /// command line holding `offset` (backslash continuations included).
    private func commandLine(at offset: Int) -> CodeReference.Direction? {
        let text = view.text
        var first = text.lineIndex(of: offset), last = first
        while first > 0, text.lineRange(index: first - 1).upperBound > text.lineRange(index: first - 1).lowerBound,
              view.bytes[text.lineRange(index: first - 1).upperBound - 1] == UInt8(ascii: "\\") { first -= 1 }
        while last + 1 < text.lineStarts.count, let end = Optional(text.lineRange(index: last).upperBound), end > 0,
              view.bytes[end - 1] == UInt8(ascii: "\\") { last += 1 }
        var segment = text.lineRange(index: first).lowerBound..<text.lineRange(index: last).upperBound
        // A command inside a string (`bash_command="gsutil cp …"`) is read on its own.
        if !view.language.isProse, view.language != .shell, let s = view.syntax.string(containing: offset) {
            segment = s.contentStart..<s.contentEnd
        }
        // A command line is short: minified code is not one.
        segment = max(segment.lowerBound, offset - 2000)..<min(segment.upperBound, offset + 2000)
        let tools = ["gsutil", "gcloud", "bq"].map { Array($0.utf8) }
        guard tools.contains(where: { !ByteSearch.offsets(of: $0, in: view.bytes, range: segment.lowerBound..<offset).isEmpty }) else {
            return nil
        }
        let tokens = shellTokens(segment)
        guard let at = tokens.firstIndex(where: { $0.range.contains(offset) }) else { return nil }
        // The command the operand belongs to: the last tool before it, not cut by ; && || |.
        var toolIndex: Int?
        var i = at - 1
        while i >= 0 {
            let t = tokens[i].text
            if t == ";" || t == "&&" || t == "||" || t == "|" { break }
            if t == "gsutil" || t == "bq" || (t == "storage" && i > 0 && tokens[i - 1].text == "gcloud") { toolIndex = i; break }
            i -= 1
        }
        guard let tool = toolIndex else { return nil }
        var operands: [Int] = []
        var sub: String?
        var j = tool + 1
        while j < tokens.count {
            let t = tokens[j].text
            if t == ";" || t == "&&" || t == "||" || t == "|" { break }
            if !t.hasPrefix("-") {
                if sub == nil { sub = t } else { operands.append(j) }
            }
            j += 1
        }
        guard let sub, operands.contains(at) else { return nil }
        switch (tokens[tool].text, sub) {
        case (_, "cp"), (_, "mv"), (_, "rsync"):
            return operands.last == at && operands.count >= 2 ? .write : .read
        case ("bq", "load"): return .read
        case ("bq", "extract"): return .write
        case (_, "ls"), (_, "cat"), (_, "du"), (_, "stat"), (_, "hash"): return .read
        case (_, "rm"): return .write
        default: return nil
        }
    }

    private func shellTokens(_ segment: Range<Int>) -> [(text: String, range: Range<Int>)] {
        let b = view.bytes
        var out: [(String, Range<Int>)] = []
        var i = segment.lowerBound
        while i < segment.upperBound {
            while i < segment.upperBound, Byte.isSpace(b[i]) || b[i] == UInt8(ascii: "\\") { i += 1 }
            guard i < segment.upperBound else { break }
            let start = i
            var quote: UInt8?
            while i < segment.upperBound {
                let c = b[i]
                if let q = quote { if c == q { quote = nil }; i += 1; continue }
                if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") { quote = c; i += 1; continue }
                if Byte.isSpace(c) { break }
                i += 1
            }
            var text = b.string(start..<i)
            if text.count >= 2, let f = text.first, f == "\"" || f == "'", text.last == f { text = String(text.dropFirst().dropLast()) }
            out.append((text, start..<i))
        }
        return out
    }

    // MARK: - 3. Uses of the assigned variable

    /// How the name assigned by `assignment` is used: a module-level name through
    /// the whole file, a local one over the next 80 lines. With `key`, only the uses
    /// of that entry of the dict it holds count (`CONFIG["KEY"]`, `CONFIG.get("KEY")`).
    /// Uses that disagree make it `both`.
    func fromUses(of assignment: Assignment, depth: Int, key: String? = nil) -> CodeReference.Direction? {
        let name = Array(assignment.name.utf8)
        let text = view.text
        let moduleLevel = view.language == .python && text.isLineStart(assignment.nameRange.lowerBound)
            && assignment.nameRange.lowerBound == text.lineStarts[text.lineIndex(of: assignment.nameRange.lowerBound)]
        let limit: Int
        if moduleLevel {
            limit = view.bytes.count
        } else {
            let limitLine = min(text.lineStarts.count - 1, text.lineIndex(of: assignment.statement.upperBound) + 80)
            limit = text.lineRange(index: limitLine).upperBound
        }
        var found: Set<CodeReference.Direction> = []
        for use in ByteSearch.identifierOffsets(of: name, in: view.bytes, range: assignment.statement.upperBound..<limit) {
            if let again = view.assignment(containing: use), again.nameRange.lowerBound == use { break }  // reassigned
            if let key, !subscripts(use + name.count, key) { continue }
            if let d = direction(ofUseAt: use, name: name, depth: depth) { found.insert(d) }
        }
        return Self.combine(found)
    }

    /// `["KEY"]`, `['KEY']` or `.get("KEY"` right after a name.
    private func subscripts(_ offset: Int, _ key: String) -> Bool {
        let b = view.bytes
        for form in ["[\"\(key)\"]", "['\(key)']", ".get(\"\(key)\"", ".get('\(key)'"] where b.has(Array(form.utf8), at: offset) { return true }
        return false
    }

    /// One direction when the evidence agrees, `both` when reads and writes meet.
    static func combine(_ found: Set<CodeReference.Direction>) -> CodeReference.Direction? {
        let known = found.subtracting([.unknown])
        if known.contains(.both) || (known.contains(.read) && known.contains(.write)) { return .both }
        return known.first
    }

    /// The key of the dict entry holding `offset` when the assignment's value is a dict literal.
    func dictKey(at offset: Int, in assignment: Assignment) -> String? {
        let rhs = view.trim(assignment.rhs)
        guard let g = view.group(openingAt: rhs.lowerBound), view.syntax.groups[g].kind == Byte.openBrace,
              let e = view.element(of: g, containing: offset), let key = e.key, e.value.contains(offset) else { return nil }
        return view.bytes.string(key)
    }

    private func direction(ofUseAt use: Int, name: [UInt8], depth: Int) -> CodeReference.Direction? {
        if let method = view.method(after: use + name.count), let d = DirectionWords.decide(Words.split(view.bytes.string(method))) { return d }
        if let d = fromBrackets(at: use) { return d }
        if let d = fromStatement(at: use) { return d }
        if depth > 0, let a = view.assignment(containing: use), a.nameRange.upperBound <= use, a.name != String(decoding: name, as: UTF8.self) {
            if let d = fromUses(of: a, depth: depth - 1) { return d }
            return DirectionWords.decide(Words.split(a.name))
        }
        return nil
    }
}
