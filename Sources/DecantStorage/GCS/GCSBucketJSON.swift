import DecantCore
import Foundation

extension BucketSettingField {
    /// Where the setting sits in a GCS bucket resource: its wire name.
    var gcsPath: [String] {
        switch self {
        case .location: return ["location"]
        case .storageClass: return ["storageClass"]
        case .labels: return ["labels"]
        case .versioning: return ["versioning", "enabled"]
        case .uniformAccess: return ["iamConfiguration", "uniformBucketLevelAccess", "enabled"]
        case .publicAccessPrevention: return ["iamConfiguration", "publicAccessPrevention"]
        case .retentionPeriod: return ["retentionPolicy", "retentionPeriod"]
        case .softDelete: return ["softDeletePolicy", "retentionDurationSeconds"]
        case .autoclass: return ["autoclass", "enabled"]
        case .lifecycle: return ["lifecycle", "rule"]
        }
    }
}

/// A GCS bucket resource: decoded into `BucketInfo`, and `BucketSettings` /
/// `BucketPatch` encoded into insert and patch bodies, each setting at its
/// `gcsPath` (an int64 as a string, as GCS sends it).
struct GCSBucketJSON: Decodable, Sendable {
    var info: BucketInfo

    init(from decoder: any Decoder) throws {
        let root = try decoder.container(keyedBy: Key.self)
        var settings = BucketSettings()
        for field in BucketSettings.Field.allCases {
            guard let (container, key) = try Self.leaf(field.gcsPath, in: root) else { continue }
            switch field.kind {
            case .text:
                settings[field] = try container.decodeIfPresent(String.self, forKey: key).map(BucketSettingValue.text)
            case .storageClass:
                settings[field] = try container.decodeIfPresent(String.self, forKey: key)
                    .flatMap(StorageClass.init(rawValue:)).map(BucketSettingValue.storageClass)
            case .flag:
                settings[field] = try container.decodeIfPresent(Bool.self, forKey: key).map(BucketSettingValue.flag)
            case .seconds:
                settings[field] = try container.decodeIfPresent(FlexibleInt64.self, forKey: key)?.value.map(BucketSettingValue.seconds)
            case .labels:
                let labels = try container.decodeIfPresent([String: String?].self, forKey: key)?.compactMapValues { $0 }
                settings.labels = labels?.isEmpty == true ? nil : labels
            case .lifecycle:
                let rules = try container.decodeIfPresent([RuleJSON].self, forKey: key)?.compactMap(\.rule)
                settings.lifecycle = rules?.isEmpty == true ? nil : rules
            }
        }
        // GCS leaves `versioning` out of a bucket on which it was never enabled.
        if settings.versioning == nil { settings.versioning = false }
        info = BucketInfo(name: try root.decode(String.self, forKey: "name"), settings: settings,
                          metageneration: try root.decodeIfPresent(FlexibleInt64.self, forKey: "metageneration")?.value ?? 1,
                          timeCreated: try root.decodeIfPresent(String.self, forKey: "timeCreated").flatMap(Timestamp.parse),
                          project: try root.decodeIfPresent(String.self, forKey: "projectNumber"))
    }

    struct Key: CodingKey, ExpressibleByStringLiteral {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
        init(stringLiteral value: String) { stringValue = value }
    }

    /// The container holding the last step of `path`, and its key; nil when a step
    /// on the way is absent or null.
    static func leaf(_ path: [String], in root: KeyedDecodingContainer<Key>) throws -> (KeyedDecodingContainer<Key>, Key)? {
        var container = root
        for step in path.dropLast() {
            let key = Key(stringValue: step)
            guard container.contains(key), try !container.decodeNil(forKey: key) else { return nil }
            container = try container.nestedContainer(keyedBy: Key.self, forKey: key)
        }
        return path.last.map { (container, Key(stringValue: $0)) }
    }

    /// The body of `buckets.insert`.
    static func insertBody(name: String, settings: BucketSettings) -> JSONValue {
        .object(members([("name", .string(name))], settings, fields: BucketSettings.Field.allCases) { .string($0) })
    }

    /// The body of `buckets.patch`: only the fields the patch sets; a removed label is `null`.
    static func patchBody(_ patch: BucketPatch) -> JSONValue {
        .object(members([], patch, fields: BucketSettings.Field.allCases.filter { !$0.isImmutable }) { $0.map(JSONValue.string) ?? .null })
    }

    /// `members` with each of `fields` that `settings` sets added at its `gcsPath`.
    private static func members<Label>(_ members: [(String, JSONValue)], _ settings: BucketFields<Label>, fields: [BucketSettings.Field],
                                       label: (Label) -> JSONValue) -> [(String, JSONValue)] {
        var members = members
        for field in fields {
            let value: JSONValue?
            switch field.kind {
            case .labels:
                value = settings.labels.map { labels in .object(labels.sorted { $0.key < $1.key }.map { ($0.key, label($0.value)) }) }
            case .lifecycle:
                value = settings.lifecycle.map { .array($0.map(RuleJSON.encode)) }
            case .text, .storageClass, .flag, .seconds:
                value = settings[field].map(encode)
            }
            if let value { insert(value, at: field.gcsPath[...], into: &members) }
        }
        return members
    }

    private static func encode(_ value: BucketSettingValue) -> JSONValue {
        switch value {
        case .text(let text): return .string(text)
        case .storageClass(let storageClass): return .string(storageClass.rawValue)
        case .flag(let flag): return .bool(flag)
        case .seconds(let seconds): return .string(String(seconds))
        }
    }

    /// Adds `value` at `path`, inside the object already there for a shared step
    /// (`iamConfiguration` holds two settings).
    private static func insert(_ value: JSONValue, at path: ArraySlice<String>, into members: inout [(String, JSONValue)]) {
        guard let key = path.first else { return }
        let rest = path.dropFirst()
        guard !rest.isEmpty else {
            members.append((key, value))
            return
        }
        var inner: [(String, JSONValue)] = []
        let index = members.firstIndex { $0.0 == key }
        if let index, case .object(let existing) = members[index].1 { inner = existing }
        insert(value, at: rest, into: &inner)
        if let index { members[index].1 = .object(inner) } else { members.append((key, .object(inner))) }
    }
}

/// One lifecycle rule in GCS's JSON form.
struct RuleJSON: Decodable, Sendable {
    struct Action: Decodable, Sendable {
        var type: String
        var storageClass: String?
    }
    struct Condition: Decodable, Sendable {
        var age: Int?
        var createdBefore: String?
        var customTimeBefore: String?
        var daysSinceCustomTime: Int?
        var daysSinceNoncurrentTime: Int?
        var isLive: Bool?
        var matchesPrefix: [String]?
        var matchesSuffix: [String]?
        var matchesStorageClass: [String]?
        var noncurrentTimeBefore: String?
        var numNewerVersions: Int?
    }
    var action: Action
    var condition: Condition?

    /// Nil for an action decant does not know (kept out rather than misread).
    var rule: LifecycleRule? {
        let action: LifecycleRule.Action
        switch self.action.type {
        case "Delete": action = .delete
        case "SetStorageClass":
            guard let target = self.action.storageClass.flatMap(StorageClass.init(rawValue:)) else { return nil }
            action = .setStorageClass(target)
        case "AbortIncompleteMultipartUpload": action = .abortIncompleteMultipartUpload
        default: return nil
        }
        let c = condition
        func day(_ text: String?) -> CalendarDay? { text.flatMap { CalendarDay(String($0.prefix(10))) } }
        let condition = LifecycleRule.Condition(
            age: c?.age, createdBefore: day(c?.createdBefore), customTimeBefore: day(c?.customTimeBefore),
            daysSinceCustomTime: c?.daysSinceCustomTime, daysSinceNoncurrentTime: c?.daysSinceNoncurrentTime,
            isLive: c?.isLive, matchesPrefix: c?.matchesPrefix, matchesSuffix: c?.matchesSuffix,
            matchesStorageClass: c?.matchesStorageClass?.compactMap(StorageClass.init(rawValue:)),
            noncurrentTimeBefore: day(c?.noncurrentTimeBefore), numNewerVersions: c?.numNewerVersions)
        return LifecycleRule(action: action, condition: condition)
    }

    static func encode(_ rule: LifecycleRule) -> JSONValue {
        var action: [(String, JSONValue)]
        switch rule.action {
        case .delete: action = [("type", .string("Delete"))]
        case .setStorageClass(let target):
            action = [("type", .string("SetStorageClass")), ("storageClass", .string(target.rawValue))]
        case .abortIncompleteMultipartUpload: action = [("type", .string("AbortIncompleteMultipartUpload"))]
        }
        let c = rule.condition
        var condition: [(String, JSONValue)] = []
        func add(_ key: String, _ value: Int?) { if let value { condition.append((key, .int(Int64(value)))) } }
        func add(_ key: String, _ value: CalendarDay?) { if let value { condition.append((key, .string(value.description))) } }
        func add(_ key: String, _ value: [String]?) { if let value { condition.append((key, .array(value.map(JSONValue.string)))) } }
        add("age", c.age)
        add("createdBefore", c.createdBefore)
        add("customTimeBefore", c.customTimeBefore)
        add("daysSinceCustomTime", c.daysSinceCustomTime)
        add("daysSinceNoncurrentTime", c.daysSinceNoncurrentTime)
        if let isLive = c.isLive { condition.append(("isLive", .bool(isLive))) }
        add("matchesPrefix", c.matchesPrefix)
        add("matchesSuffix", c.matchesSuffix)
        add("matchesStorageClass", c.matchesStorageClass?.map(\.rawValue))
        add("noncurrentTimeBefore", c.noncurrentTimeBefore)
        add("numNewerVersions", c.numNewerVersions)
        return .object([("action", .object(action)), ("condition", .object(condition))])
    }
}
