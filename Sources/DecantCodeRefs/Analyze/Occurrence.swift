import DecantCore

/// One place where code names the source bucket, with the byte ranges the
/// rewriter needs.
struct Occurrence: Sendable {
    /// How the bucket is spelled.
    enum Spelling: Sendable, Equatable {
        /// `data-bucket-dev`: the source bucket of `environment`.
        case literal(bucket: String, environment: String)
        /// `data-bucket-{ENV}`: `placeholder` is the `{ENV}` part.
        case templated(bucket: String, placeholder: Range<Int>)
        /// `DATA_GCS_BUCKET_NAME`, or a file-local alias of the bucket.
        case constant(name: String, alias: Bool)
    }

    var spelling: Spelling
    var form: CodeReference.Form
    /// Reported as the reference's line and column.
    var start: Int
    /// What changes when the bucket changes: the name, the templated name, the
    /// constant's identifier.
    var bucketRange: Range<Int>
    var bucketText: String
    /// The object path as written; nil when the code names the bucket alone.
    var path: Range<Int>?
    /// Why the reference has no usable path, when it has none.
    var reason: String?
    /// Set when the reference was found by following values (`FlowFinder`), or its
    /// path was computed (`prefix=name`): the path text and how it was followed.
    var derived: Derived?
    /// For a constant imported from another module: how the bucket was followed to it.
    var origin: BucketValue?
    /// A path alone naming a folder of the analysed bucket (`CodeScanOptions.mentionFolders`).
    var mention = false

    /// The bucket this spelling stands for in the scanned environment.
    func bucket(_ patterns: SourcePatterns) -> String {
        switch spelling {
        case .literal(let bucket, _), .templated(let bucket, _): return bucket
        case .constant: return patterns.primaryBucket
        }
    }

    /// The environment whose bucket a literal names, when not the scanned one.
    func otherEnvironment(_ patterns: SourcePatterns) -> String? {
        if case .literal(_, let env) = spelling, env != patterns.environment { return env }
        return nil
    }
}

/// A constant's name found in the text, before it is known what it is.
struct ConstantHit: Sendable {
    let offset: Int
    let name: String
    let alias: Bool
    let templateOnly: Bool
    /// For a name imported from another module: how the bucket was followed to it.
    var origin: BucketValue? = nil
}

/// Finds the raw spellings of the bucket: literal and templated names (with
/// the object path after them) and constant names.
enum OccurrenceFinder {
    static func find(_ bytes: [UInt8], _ patterns: SourcePatterns) -> (buckets: [Occurrence], constants: [ConstantHit]) {
        var buckets: [Occurrence] = []
        var constants: [ConstantHit] = []
        var seen = Set<Int>()
        var seenConstants = Set<Int>()
        bytes.withUnsafeBytes { raw in
            for (a, anchor) in patterns.anchors.enumerated() {
                ByteSearch.forEach(anchor, in: raw) { hit in
                    for (candidate, offset) in patterns.candidates[a] {
                        let s = hit - offset
                        guard s >= 0 else { continue }
                        switch candidate {
                        case .literal(let i):
                            guard !seen.contains(s), let o = literal(bytes, s, patterns.literals[i]) else { continue }
                            seen.insert(s)
                            buckets.append(o)
                        case .template(let i):
                            guard !seen.contains(s), let o = template(bytes, s, patterns.templates[i]) else { continue }
                            seen.insert(s)
                            buckets.append(o)
                        case .constant(let i):
                            let c = patterns.constants[i]
                            guard !seenConstants.contains(s), bytes.has(c.name, at: s),
                                  s == 0 || !Byte.isIdent(bytes[s - 1]),
                                  s + c.name.count >= bytes.count || !Byte.isIdent(bytes[s + c.name.count]) else { continue }
                            seenConstants.insert(s)
                            constants.append(ConstantHit(offset: s, name: String(decoding: c.name, as: UTF8.self),
                                                         alias: false, templateOnly: c.templateOnly))
                        }
                    }
                }
            }
        }
        return (buckets.sorted { $0.start < $1.start }, constants.sorted { $0.offset < $1.offset })
    }

    private static func leftBoundary(_ b: [UInt8], _ s: Int) -> Bool {
        s == 0 || !Byte.isBucketChar(b[s - 1])
    }

    private static func rightBoundary(_ b: [UInt8], _ e: Int) -> Bool {
        guard e < b.count else { return true }
        let c = b[e]
        if Byte.isAlnum(c) || c == UInt8(ascii: "-") || c == UInt8(ascii: "_") { return false }
        if c == UInt8(ascii: "."), e + 1 < b.count, Byte.isAlnum(b[e + 1]) { return false }
        return true
    }

    private static func literal(_ b: [UInt8], _ s: Int, _ l: SourcePatterns.Literal) -> Occurrence? {
        let e = s + l.name.count
        guard b.has(l.name, at: s), leftBoundary(b, s), rightBoundary(b, e) else { return nil }
        return Occurrence(spelling: .literal(bucket: l.bucket, environment: l.environment), form: .literal, start: s,
                          bucketRange: s..<e, bucketText: l.bucket, path: path(b, after: e))
    }

    private static func template(_ b: [UInt8], _ s: Int, _ t: SourcePatterns.Template) -> Occurrence? {
        let p = s + t.prefix.count
        guard b.has(t.prefix, at: s), leftBoundary(b, s), let pe = Placeholder.end(b, at: p), b.has(t.suffix, at: pe) else { return nil }
        let e = pe + t.suffix.count
        guard rightBoundary(b, e) else { return nil }
        return Occurrence(spelling: .templated(bucket: t.bucket, placeholder: p..<pe), form: .templated, start: s,
                          bucketRange: s..<e, bucketText: b.string(s..<e), path: path(b, after: e))
    }

    /// The object path after a bucket ending at `e`: nil without a `/`.
    static func path(_ b: [UInt8], after e: Int) -> Range<Int>? {
        guard e < b.count, b[e] == Byte.slash else { return nil }
        return (e + 1)..<ObjectPath.end(b, from: e + 1)
    }
}
