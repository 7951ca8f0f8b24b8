import DecantCore

/// Where in the project a value was spelled: a file and a byte offset in it.
struct Site: Hashable, Sendable, Codable, Comparable {
    let path: String
    let offset: Int

    static func < (a: Site, b: Site) -> Bool { (a.path, a.offset) < (b.path, b.offset) }
}

/// The source bucket as a value, with how decant followed it there.
struct BucketValue: Hashable, Sendable {
    /// The bucket name in the scanned environment.
    let bucket: String
    /// Set when the spelling names another environment's bucket.
    let otherEnvironment: String?
    /// How the code names it where it was first spelled (`DATA_GCS_BUCKET_NAME`, `data-bucket-{ENV}`).
    let spelledAs: String
    let via: CodeReference.Via
    /// Steps taken to get here, for people (`STORE, conf/settings.py:7`).
    var through: [String]
    /// A launcher's bucket: the places in the launching files that pass it (each may be rewritten).
    var launchSites: [Site] = []
    /// The launching files with the line and option, for `through` and analysis.
    var launchers: [String] = []

    func adding(_ step: String?, via newVia: CodeReference.Via? = nil) -> BucketValue {
        var copy = self
        if let newVia { copy = BucketValue(bucket: bucket, otherEnvironment: otherEnvironment, spelledAs: spelledAs,
                                           via: Self.stronger(newVia, via), through: through, launchSites: launchSites,
                                           launchers: launchers) }
        if let step, !step.isEmpty { copy.through.append(step) }
        return copy
    }

    /// The via that says more about how the value travelled (launcher > parameter > imported > local > constant > literal).
    static func stronger(_ a: CodeReference.Via, _ b: CodeReference.Via) -> CodeReference.Via {
        let rank: [CodeReference.Via: Int] = [.literal: 0, .constant: 1, .local: 2, .imported: 3, .parameter: 4, .launcher: 5, .mention: 6]
        return (rank[a] ?? 0) >= (rank[b] ?? 0) ? a : b
    }
}

/// A string as far as it is known before run time: known text with the unknown
/// parts written as `{expression}` (the way the object paths of references read),
/// and, when its start was written as one literal, where.
struct FlowText: Hashable, Sendable {
    var text: String
    /// Where the first literal character of `text` is in the project, when `text`
    /// starts with a literal written in one place.
    var start: Site?
    /// Why a part is ambiguous (a name assigned in several places), for people.
    var ambiguity: String?

    static func literal(_ s: String, at site: Site?) -> FlowText { FlowText(text: s, start: s.isEmpty ? nil : site) }
    static func hole(_ expression: String) -> FlowText { FlowText(text: "{" + expression + "}", start: nil) }

    static func + (a: FlowText, b: FlowText) -> FlowText {
        FlowText(text: a.text + b.text, start: a.text.isEmpty ? b.start : a.start, ambiguity: a.ambiguity ?? b.ambiguity)
    }

    func dropFirst(_ n: Int) -> FlowText {
        let rest = String(text.dropFirst(n))
        let site = start.map { Site(path: $0.path, offset: $0.offset + n) }
        return FlowText(text: rest, start: rest.isEmpty ? nil : site, ambiguity: ambiguity)
    }
}

/// What an expression evaluates to, as far as following the bucket needs.
indirect enum Value: Sendable {
    /// A string that does not hold the source bucket.
    case text(FlowText)
    /// The bucket alone (`scheme`: written `gs://bucket`).
    case bucket(BucketValue, scheme: Bool)
    /// An object path in the bucket: `gs://bucket/path` or `bucket/path`.
    case location(BucketValue, path: FlowText, scheme: Bool)
    /// `client.bucket(B)`: a handle whose `blob(…)`, `list_blobs(prefix=…)` name paths in it.
    case handle(BucketValue)
    /// A dict literal with string keys.
    case dict([(key: String, value: Value)])
    case list([Value])
    /// Nothing decant can follow: the expression, as written, for a hole.
    case unknown(String)

    var bucketValue: BucketValue? {
        switch self {
        case .bucket(let b, _), .location(let b, _, _), .handle(let b): return b
        case .dict(let entries): return entries.lazy.compactMap(\.value.bucketValue).first
        case .list(let items): return items.lazy.compactMap(\.bucketValue).first
        default: return nil
        }
    }

    /// True when the value holds the source bucket somewhere (for bindings worth following).
    var carriesBucket: Bool { bucketValue != nil }

    /// The value as text inside a larger string: a hole for what is not text.
    func asText(_ written: String) -> FlowText {
        switch self {
        case .text(let t): return t
        default: return .hole(written)
        }
    }

    /// `a + b` on strings (f-string parts, `+`, joins).
    static func concat(_ a: Value, _ b: Value, writtenA: String, writtenB: String) -> Value {
        switch (a, b) {
        case (.text(let x), .text(let y)):
            return .text(x + y)
        case (.text(let x), .bucket(let bucket, let scheme)):
            if x.text.isEmpty { return .bucket(bucket, scheme: scheme) }
            if x.text == "gs://", !scheme { return .bucket(bucket, scheme: true) }
            return .text(x + .hole(writtenB))
        case (.text(let x), .location(let bucket, let path, let scheme)):
            if x.text.isEmpty { return .location(bucket, path: path, scheme: scheme) }
            if x.text == "gs://", !scheme { return .location(bucket, path: path, scheme: true) }
            return .text(x + .hole(writtenB))
        case (.bucket(let bucket, let scheme), .text(let y)):
            if y.text.isEmpty { return .bucket(bucket, scheme: scheme) }
            guard y.text.hasPrefix("/") else { return .text(.hole(writtenA) + y) }
            return .location(bucket, path: y.dropFirst(1), scheme: scheme)
        case (.location(let bucket, let path, let scheme), .text(let y)):
            return .location(bucket, path: path + y, scheme: scheme)
        case (.location(let bucket, let path, let scheme), _):
            // What follows a path in the bucket is more of the path, known at run time.
            return .location(bucket, path: path + b.asText(writtenB), scheme: scheme)
        default:
            return .text(a.asText(writtenA) + b.asText(writtenB))
        }
    }

    /// Several values a name may hold (assigned in several places): what they share.
    static func either(_ values: [Value], name: String, places: [String]) -> Value {
        guard let first = values.first else { return .unknown(name) }
        if values.count == 1 { return first }
        let why = "\(name) is assigned in \(values.count) places (\(places.joined(separator: ", ")))"
        func common(_ texts: [FlowText]) -> FlowText {
            var prefix = texts[0].text
            for t in texts.dropFirst() {
                prefix = String(zip(prefix, t.text).prefix { $0 == $1 }.map(\.0))
            }
            // Up to the first template: what is known for sure.
            prefix = ObjectPath.staticPrefix(prefix)
            let exact = texts.allSatisfy { $0.text == texts[0].text }
            return FlowText(text: exact ? texts[0].text : prefix + "*", start: nil, ambiguity: exact ? nil : why)
        }
        if values.allSatisfy({ if case .text = $0 { return true } else { return false } }) {
            return .text(common(values.map { if case .text(let t) = $0 { return t } else { return .hole(name) } }))
        }
        var buckets: [BucketValue] = [], paths: [FlowText] = []
        var scheme = false
        for v in values {
            guard case .location(let b, let p, let s) = v else { return .unknown(name) }
            buckets.append(b); paths.append(p); scheme = scheme || s
        }
        guard Set(buckets.map(\.bucket)).count == 1, let bucket = buckets.first else { return .unknown(name) }
        return .location(bucket, path: common(paths), scheme: scheme)
    }
}
