import DecantCore

/// The spellings of the source bucket the scanner looks for, compiled from
/// `sourceRefs`, the migrations' source buckets and the other environments'
/// literal names.
struct SourcePatterns: Sendable {
    /// A literal bucket name and the environment whose source bucket it is.
    struct Literal: Sendable {
        let name: [UInt8]
        let bucket: String
        let environment: String
    }

    /// `prefix` + placeholder + `suffix` (`data-bucket-` + `{ENV_SHORT_NAME}`):
    /// the bucket `bucket` of this environment, templated.
    struct Template: Sendable {
        let prefix: [UInt8]
        let suffix: [UInt8]
        let bucket: String
    }

    /// A name code gives the bucket (`DATA_GCS_BUCKET_NAME`).
    struct Constant: Sendable {
        let name: [UInt8]
        /// Listed only as `{NAME}`: bare uses are not looked at.
        let templateOnly: Bool
    }

    /// What an anchor hit may be the start (or part) of.
    enum Candidate: Sendable {
        case literal(Int)
        case template(Int)
        case constant(Int)
    }

    let environment: String
    let literals: [Literal]
    let templates: [Template]
    let constants: [Constant]
    /// Byte strings searched for with memmem; every pattern contains one.
    let anchors: [[UInt8]]
    /// For each anchor: the patterns containing it and the anchor's offset in them.
    let candidates: [[(Candidate, offset: Int)]]
    /// This environment's source bucket(s).
    let currentBuckets: Set<String>
    /// The bucket a constant or an unknown template stands for.
    let primaryBucket: String
    /// `folder/` for each of `options.mentionFolders`.
    let mentions: [[UInt8]]

    init(options: CodeScanOptions, migrations: [Migration]) {
        environment = options.environment
        mentions = options.mentionFolders.filter { !$0.isEmpty }.map { Array(($0.hasSuffix("/") ? $0 : $0 + "/").utf8) }
        var literalNames: [(String, String)] = []   // (name, env)
        var templateRefs: [String] = []
        var constantNames: [String: Bool] = [:]     // name → templateOnly
        for ref in options.sourceRefs {
            let r = ref.trimmingBlanks()
            guard !r.isEmpty else { continue }
            if r.hasPrefix("{"), r.hasSuffix("}"), !r.dropFirst().dropLast().contains("{"),
               Array(r.utf8.dropFirst().dropLast()).identifier(startingAt: 0)?.count == r.utf8.count - 2 {
                let name = String(r.dropFirst().dropLast())
                constantNames[name] = constantNames[name] ?? true
            } else if r.contains("{") || r.contains("$") {
                templateRefs.append(r)
            } else if r.utf8.contains(where: Byte.isUpper), Array(r.utf8).identifier(startingAt: 0)?.count == r.utf8.count {
                constantNames[r] = false
            } else {
                literalNames.append((r.hasPrefix("gs://") ? String(r.dropFirst(5)) : r, options.environment))
            }
        }
        let sourceBuckets = Set(migrations.map(\.source.bucket))
        for bucket in sourceBuckets.sorted() where !literalNames.contains(where: { $0.0 == bucket }) {
            literalNames.append((bucket, options.environment))
        }
        let current = literalNames.map(\.0)
        currentBuckets = Set(current)
        primaryBucket = current.first { sourceBuckets.contains($0) } ?? current.first ?? ""
        for (env, bucket) in options.otherEnvironmentBuckets.sorted(by: { $0.key < $1.key })
            where env != options.environment && !currentBuckets.contains(bucket) {
            literalNames.append((bucket, env))
        }
        // The same bucket in environments the plan does not declare (`data-bucket-qa`
        // when only dev is declared): the environment's slot filled with the usual names.
        for name in current {
            guard let (prefix, suffix) = SourcePatterns.environmentSplit(name, environment: options.environment) else { continue }
            for env in SourcePatterns.usualEnvironments where env != options.environment {
                let bucket = prefix + env + suffix
                guard !literalNames.contains(where: { $0.0 == bucket }), BucketName.problems(bucket).isEmpty else { continue }
                literalNames.append((bucket, env))
            }
        }
        literals = literalNames.sorted { $0.0.utf8.count > $1.0.utf8.count }
            .map { Literal(name: Array($0.0.utf8), bucket: $0.0, environment: $0.1) }

        // Templates: the declared ones, and every current literal with the
        // environment's value replaced by "some placeholder".
        var templates: [Template] = []
        let primary = primaryBucket
        for ref in templateRefs {
            if let t = SourcePatterns.splitTemplate(ref, environment: options.environment, current: current, primary: primary) {
                templates.append(t)
            }
        }
        for name in current {
            if let (prefix, suffix) = SourcePatterns.environmentSplit(name, environment: options.environment), !prefix.isEmpty {
                templates.append(Template(prefix: Array(prefix.utf8), suffix: Array(suffix.utf8), bucket: name))
            }
        }
        var seen = Set<[UInt8]>()
        self.templates = templates.filter { seen.insert($0.prefix + [0] + $0.suffix).inserted }
        constants = constantNames.sorted { $0.key < $1.key }.map { Constant(name: Array($0.key.utf8), templateOnly: $0.value) }

        // Anchors: a pattern's literal part; drop an anchor that contains another.
        var raw: [([UInt8], Candidate, Int)] = []
        for (i, l) in literals.enumerated() { raw.append((l.name, .literal(i), 0)) }
        for (i, t) in self.templates.enumerated() { raw.append((t.prefix, .template(i), 0)) }
        for (i, c) in constants.enumerated() { raw.append((c.name, .constant(i), 0)) }
        var anchors: [[UInt8]] = []
        for (bytes, _, _) in raw.sorted(by: { $0.0.count < $1.0.count })
            where !anchors.contains(where: { SourcePatterns.find($0, in: bytes) != nil }) {
            anchors.append(bytes)
        }
        var candidates = [[(Candidate, offset: Int)]](repeating: [], count: anchors.count)
        for (bytes, candidate, _) in raw {
            for (a, anchor) in anchors.enumerated() {
                if let offset = SourcePatterns.find(anchor, in: bytes) { candidates[a].append((candidate, offset)); break }
            }
        }
        self.anchors = anchors
        self.candidates = candidates
    }

    /// Environment names teams use, besides the declared ones.
    static var usualEnvironments: [String] { CodeScanOptions.usualEnvironments }

    func constantIndex(named name: String) -> Int? {
        constants.firstIndex { $0.name == Array(name.utf8) }
    }

    // MARK: - Helpers

    /// `data-bucket-dev` in `dev` → (`data-bucket-`, ``): the last occurrence of the
    /// environment that stands as a whole dash/dot/underscore-delimited word.
    static func environmentSplit(_ name: String, environment: String) -> (String, String)? {
        let n = Array(name.utf8), e = Array(environment.utf8)
        guard !e.isEmpty, n.count >= e.count else { return nil }
        var i = n.count - e.count
        while i >= 0 {
            if n.has(e, at: i), i == 0 || !Byte.isAlnum(n[i - 1]), i + e.count == n.count || !Byte.isAlnum(n[i + e.count]) {
                return (n.string(0..<i), n.string((i + e.count)..<n.count))
            }
            i -= 1
        }
        return nil
    }

    private static func splitTemplate(_ ref: String, environment: String, current: [String], primary: String) -> Template? {
        let b = Array(ref.hasPrefix("gs://") ? ref.utf8.dropFirst(5) : ref.utf8[...])
        guard let open = b.firstIndex(where: { $0 == Byte.openBrace || $0 == Byte.dollar }),
              let end = Placeholder.end(b, at: open) else { return nil }
        let prefix = Array(b[..<open]), suffix = Array(b[end...])
        let substituted = String(decoding: prefix + Array(environment.utf8) + suffix, as: UTF8.self)
        return Template(prefix: prefix, suffix: suffix, bucket: current.contains(substituted) ? substituted : primary)
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard needle.count <= haystack.count else { return nil }
        for i in 0...(haystack.count - needle.count) where haystack.has(needle, at: i) { return i }
        return nil
    }
}

/// Placeholders that stand for the environment in a templated bucket name:
/// `{X}`, `{{ var("X") }}`, `${X}`, `$X`, `<X>`.
enum Placeholder {
    /// Offset just past the placeholder starting at `i`, or nil.
    static func end(_ b: [UInt8], at i: Int) -> Int? {
        guard i < b.count else { return nil }
        switch b[i] {
        case Byte.openBrace:
            return braceEnd(b, at: i)
        case Byte.dollar:
            guard i + 1 < b.count else { return nil }
            if b[i + 1] == Byte.openBrace { return braceEnd(b, at: i + 1) }
            return b.identifier(startingAt: i + 1)?.upperBound
        case UInt8(ascii: "<"):
            guard let id = b.identifier(startingAt: i + 1), id.upperBound < b.count, b[id.upperBound] == UInt8(ascii: ">") else { return nil }
            return id.upperBound + 1
        default:
            return nil
        }
    }

    /// Past the `}` matching the `{` at `i`, on the same line and within 200 bytes.
    static func braceEnd(_ b: [UInt8], at i: Int) -> Int? {
        var depth = 0
        var j = i
        let limit = min(b.count, i + 200)
        while j < limit {
            let c = b[j]
            if c == Byte.newline { return nil }
            if c == Byte.openBrace { depth += 1 }
            if c == Byte.closeBrace {
                depth -= 1
                if depth == 0 { return j + 1 }
            }
            j += 1
        }
        return nil
    }
}
