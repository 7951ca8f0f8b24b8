import DecantCore
import Foundation

/// A GCS bucket resource: decoded into `BucketInfo`, and `BucketSettings` /
/// `BucketPatch` encoded into insert and patch bodies.
struct GCSBucketJSON: Decodable, Sendable {
    struct Enabled: Decodable, Sendable { var enabled: Bool? }
    struct IAM: Decodable, Sendable {
        var uniformBucketLevelAccess: Enabled?
        var publicAccessPrevention: String?
    }
    struct Retention: Decodable, Sendable { var retentionPeriod: FlexibleInt64? }
    struct SoftDelete: Decodable, Sendable { var retentionDurationSeconds: FlexibleInt64? }
    struct Lifecycle: Decodable, Sendable { var rule: [RuleJSON]? }

    var name: String
    var location: String?
    var storageClass: String?
    var labels: [String: String?]?
    var versioning: Enabled?
    var iamConfiguration: IAM?
    var retentionPolicy: Retention?
    var softDeletePolicy: SoftDelete?
    var autoclass: Enabled?
    var lifecycle: Lifecycle?
    var metageneration: FlexibleInt64?
    var timeCreated: String?
    var projectNumber: String?

    var info: BucketInfo {
        let labels = self.labels?.compactMapValues { $0 }
        let rules = lifecycle?.rule?.compactMap(\.rule)
        let settings = BucketSettings(
            location: location, storageClass: storageClass.flatMap(StorageClass.init(rawValue:)),
            labels: labels?.isEmpty == true ? nil : labels, versioning: versioning?.enabled ?? false,
            uniformAccess: iamConfiguration?.uniformBucketLevelAccess?.enabled,
            publicAccessPrevention: iamConfiguration?.publicAccessPrevention,
            retentionPeriodSeconds: retentionPolicy?.retentionPeriod?.value,
            softDeleteSeconds: softDeletePolicy?.retentionDurationSeconds?.value,
            autoclass: autoclass?.enabled, lifecycle: rules?.isEmpty == true ? nil : rules)
        return BucketInfo(name: name, settings: settings, metageneration: metageneration?.value ?? 1,
                          timeCreated: timeCreated.flatMap(Timestamp.parse), project: projectNumber)
    }

    /// The body of `buckets.insert`.
    static func insertBody(name: String, settings: BucketSettings) -> JSONValue {
        var members: [(String, JSONValue)] = [("name", .string(name))]
        if let location = settings.location { members.append(("location", .string(location))) }
        members += fields(storageClass: settings.storageClass,
                          labels: settings.labels.map { $0.mapValues { Optional($0) } },
                          versioning: settings.versioning, uniformAccess: settings.uniformAccess,
                          publicAccessPrevention: settings.publicAccessPrevention,
                          retention: settings.retentionPeriodSeconds, softDelete: settings.softDeleteSeconds,
                          autoclass: settings.autoclass, lifecycle: settings.lifecycle)
        return .object(members)
    }

    /// The body of `buckets.patch`: only the fields the patch sets; a removed label is `null`.
    static func patchBody(_ patch: BucketPatch) -> JSONValue {
        .object(fields(storageClass: patch.storageClass, labels: patch.labels, versioning: patch.versioning,
                       uniformAccess: patch.uniformAccess, publicAccessPrevention: patch.publicAccessPrevention,
                       retention: patch.retentionPeriodSeconds, softDelete: patch.softDeleteSeconds,
                       autoclass: patch.autoclass, lifecycle: patch.lifecycle))
    }

    private static func fields(storageClass: StorageClass?, labels: [String: String?]?, versioning: Bool?,
                               uniformAccess: Bool?, publicAccessPrevention: String?, retention: Int64?,
                               softDelete: Int64?, autoclass: Bool?, lifecycle: [LifecycleRule]?) -> [(String, JSONValue)] {
        var members: [(String, JSONValue)] = []
        if let storageClass { members.append(("storageClass", .string(storageClass.rawValue))) }
        if let labels {
            members.append(("labels", .object(labels.keys.sorted().map { key in
                (key, labels[key].flatMap { $0 }.map(JSONValue.string) ?? .null)
            })))
        }
        if let versioning { members.append(("versioning", .object([("enabled", .bool(versioning))]))) }
        var iam: [(String, JSONValue)] = []
        if let uniformAccess { iam.append(("uniformBucketLevelAccess", .object([("enabled", .bool(uniformAccess))]))) }
        if let publicAccessPrevention { iam.append(("publicAccessPrevention", .string(publicAccessPrevention))) }
        if !iam.isEmpty { members.append(("iamConfiguration", .object(iam))) }
        if let retention {
            members.append(("retentionPolicy", .object([("retentionPeriod", .string(String(retention)))])))
        }
        if let softDelete {
            members.append(("softDeletePolicy", .object([("retentionDurationSeconds", .string(String(softDelete)))])))
        }
        if let autoclass { members.append(("autoclass", .object([("enabled", .bool(autoclass))]))) }
        if let lifecycle { members.append(("lifecycle", .object([("rule", .array(lifecycle.map(RuleJSON.encode)))]))) }
        return members
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
