import Foundation

/// The managed settings of a bucket, declared once for their two uses:
///
/// - `BucketSettings`: what a plan wants (a `nil` field is not managed by decant
///   and never changed) and what a store reports;
/// - `BucketPatch`: a partial update; only non-nil fields are sent, and a label
///   set to `nil` is removed, as a GCS PATCH does. Its `location` is never sent
///   (fixed at creation).
///
/// They differ only in the value of a label. Every setting is listed once, in
/// `Field` (its name in plan files and plans) and in `slot(_:)` (where it is held,
/// by kind of value): diff, patch, restore, rendering and the plan-file reader go
/// through that list. A new setting is a stored property here, its `Field` case
/// and slot, and its place in a GCS bucket resource (`BucketSettingField.gcsPath`).
/// Bucket IAM policies are a resource of their own (with an etag), not a setting.
public struct BucketFields<LabelValue: Hashable & Sendable & Codable>: Hashable, Sendable, Codable {
    public var location: String?
    public var storageClass: StorageClass?
    public var labels: [String: LabelValue]?
    public var versioning: Bool?
    public var uniformAccess: Bool?
    /// `inherited` or `enforced`.
    public var publicAccessPrevention: String?
    public var retentionPeriodSeconds: Int64?
    public var softDeleteSeconds: Int64?
    public var autoclass: Bool?
    public var lifecycle: [LifecycleRule]?

    public init(location: String? = nil, storageClass: StorageClass? = nil, labels: [String: LabelValue]? = nil,
                versioning: Bool? = nil, uniformAccess: Bool? = nil, publicAccessPrevention: String? = nil,
                retentionPeriodSeconds: Int64? = nil, softDeleteSeconds: Int64? = nil, autoclass: Bool? = nil,
                lifecycle: [LifecycleRule]? = nil) {
        self.location = location
        self.storageClass = storageClass
        self.labels = labels
        self.versioning = versioning
        self.uniformAccess = uniformAccess
        self.publicAccessPrevention = publicAccessPrevention
        self.retentionPeriodSeconds = retentionPeriodSeconds
        self.softDeleteSeconds = softDeleteSeconds
        self.autoclass = autoclass
        self.lifecycle = lifecycle
    }

    public typealias Field = BucketSettingField

    /// Where a setting is held, by the kind of value it takes.
    public enum Slot {
        case text(WritableKeyPath<BucketFields, String?>)
        case storageClass(WritableKeyPath<BucketFields, StorageClass?>)
        case flag(WritableKeyPath<BucketFields, Bool?>)
        case seconds(WritableKeyPath<BucketFields, Int64?>)
        /// `labels`: a map, merged key by key.
        case labels
        /// `lifecycle`: a list of rules, set as a whole (an action of its own).
        case lifecycle
    }

    /// The one list of the settings and where each is held.
    public static func slot(_ field: Field) -> Slot {
        switch field {
        case .location: return .text(\.location)
        case .storageClass: return .storageClass(\.storageClass)
        case .labels: return .labels
        case .versioning: return .flag(\.versioning)
        case .uniformAccess: return .flag(\.uniformAccess)
        case .publicAccessPrevention: return .text(\.publicAccessPrevention)
        case .retentionPeriod: return .seconds(\.retentionPeriodSeconds)
        case .softDelete: return .seconds(\.softDeleteSeconds)
        case .autoclass: return .flag(\.autoclass)
        case .lifecycle: return .lifecycle
        }
    }

    /// The setting has a value (in a plan: decant manages it).
    public func isSet(_ field: Field) -> Bool {
        switch Self.slot(field) {
        case .labels: return labels != nil
        case .lifecycle: return lifecycle != nil
        case .text, .storageClass, .flag, .seconds: return self[field] != nil
        }
    }

    /// The value of a single-valued setting (nil when unset, and for labels and
    /// lifecycle, which are not single values). Setting a value of another kind
    /// than the field takes is a programming error.
    public subscript(field: Field) -> BucketSettingValue? {
        get {
            switch Self.slot(field) {
            case .text(let path): return self[keyPath: path].map(BucketSettingValue.text)
            case .storageClass(let path): return self[keyPath: path].map(BucketSettingValue.storageClass)
            case .flag(let path): return self[keyPath: path].map(BucketSettingValue.flag)
            case .seconds(let path): return self[keyPath: path].map(BucketSettingValue.seconds)
            case .labels, .lifecycle: return nil
            }
        }
        set {
            assert(newValue == nil || newValue?.kind == field.kind, "\(field.rawValue) takes a \(field.kind), not \(String(describing: newValue))")
            switch Self.slot(field) {
            case .text(let path): self[keyPath: path] = newValue?.text
            case .storageClass(let path): self[keyPath: path] = newValue?.storageClass
            case .flag(let path): self[keyPath: path] = newValue?.flag
            case .seconds(let path): self[keyPath: path] = newValue?.seconds
            case .labels, .lifecycle: break
            }
        }
    }
}

/// What a plan wants of a bucket, or what a store reports of it.
public typealias BucketSettings = BucketFields<String>

/// A partial update of a bucket: only non-nil fields are sent. A label set to `nil`
/// inside `labels` removes it, as a GCS PATCH does.
public typealias BucketPatch = BucketFields<String?>

/// The names of the settings, in the order plans print them: each is the key a
/// plan file writes and the `field` a plan shows.
public enum BucketSettingField: String, Sendable, Codable, CaseIterable {
    case location, storageClass = "storage_class", labels, versioning, uniformAccess = "uniform_access"
    case publicAccessPrevention = "public_access_prevention", retentionPeriod = "retention_period"
    case softDelete = "soft_delete", autoclass, lifecycle

    /// Fixed at creation: a difference cannot be patched.
    public var isImmutable: Bool { self == .location }

    /// The values a text setting may take, when they are fixed.
    public var choices: [String]? { self == .publicAccessPrevention ? ["inherited", "enforced"] : nil }

    /// The kind of value the setting takes.
    public enum Kind: Sendable { case text, storageClass, flag, seconds, labels, lifecycle }

    public var kind: Kind {
        switch BucketSettings.slot(self) {
        case .text: return .text
        case .storageClass: return .storageClass
        case .flag: return .flag
        case .seconds: return .seconds
        case .labels: return .labels
        case .lifecycle: return .lifecycle
        }
    }
}

/// The value of a single-valued setting, whatever its kind: what diffs compare,
/// patches carry and plans print.
public enum BucketSettingValue: Hashable, Sendable, CustomStringConvertible {
    case text(String)
    case storageClass(StorageClass)
    case flag(Bool)
    /// A duration in seconds.
    case seconds(Int64)

    public var kind: BucketSettingField.Kind {
        switch self {
        case .text: return .text
        case .storageClass: return .storageClass
        case .flag: return .flag
        case .seconds: return .seconds
        }
    }

    /// As a plan's `before → after` shows it: `STANDARD`, `true`, `86400`.
    public var description: String {
        switch self {
        case .text(let text): return text
        case .storageClass(let storageClass): return storageClass.rawValue
        case .flag(let flag): return "\(flag)"
        case .seconds(let seconds): return "\(seconds)"
        }
    }

    /// As a plan file writes it: a duration as `30d`, anything else as `description`.
    public var planFileText: String {
        if case .seconds(let seconds) = self { return DurationSpec(seconds: seconds).description }
        return description
    }

    var text: String? { if case .text(let value) = self { return value } else { return nil } }
    var storageClass: StorageClass? { if case .storageClass(let value) = self { return value } else { return nil } }
    var flag: Bool? { if case .flag(let value) = self { return value } else { return nil } }
    var seconds: Int64? { if case .seconds(let value) = self { return value } else { return nil } }
}

extension BucketFields where LabelValue == String {
    /// `{team: data, use_case: x}`: labels as plans print them, sorted by key.
    public static func describe(_ labels: [String: String]) -> String {
        "{" + labels.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "}"
    }

    /// `no rules`, or the rules in canonical order, joined by `; `.
    public static func describe(_ rules: [LifecycleRule]) -> String {
        guard !rules.isEmpty else { return "no rules" }
        return rules.canonical.map(\.description).joined(separator: "; ")
    }
}

extension BucketFields where LabelValue == String? {
    /// Every setting of `settings` but its location (fixed at creation), as a patch:
    /// what a store that keeps only the name on insert is sent right after.
    public init(_ settings: BucketSettings) {
        self.init()
        for field in Field.allCases where !field.isImmutable { self[field] = settings[field] }
        labels = settings.labels?.mapValues { Optional($0) }
        lifecycle = settings.lifecycle
    }

    public var isEmpty: Bool { self == BucketPatch() }

    /// The settings after applying this patch.
    public func applied(to settings: BucketSettings) -> BucketSettings {
        var s = settings
        for field in Field.allCases where !field.isImmutable {
            switch field.kind {
            case .labels:
                if let labels {
                    var merged = s.labels ?? [:]
                    for (key, value) in labels { merged[key] = value }
                    s.labels = merged
                }
            case .lifecycle:
                if let lifecycle { s.lifecycle = lifecycle }
            case .text, .storageClass, .flag, .seconds:
                if let value = self[field] { s[field] = value }
            }
        }
        return s
    }
}

/// A bucket as a store reports it.
public struct BucketInfo: Hashable, Sendable, Codable {
    public var name: String
    public var settings: BucketSettings
    public var metageneration: Int64
    public var timeCreated: Date?
    public var project: String?

    public init(name: String, settings: BucketSettings = BucketSettings(), metageneration: Int64 = 1,
                timeCreated: Date? = nil, project: String? = nil) {
        self.name = name
        self.settings = settings
        self.metageneration = metageneration
        self.timeCreated = timeCreated
        self.project = project
    }
}
