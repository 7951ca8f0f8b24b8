/// One lifecycle rule, as GCS models it: an action and conditions that must all hold.
public struct LifecycleRule: Hashable, Sendable, Codable {
    public enum Action: Hashable, Sendable, Codable {
        case delete
        case setStorageClass(StorageClass)
        case abortIncompleteMultipartUpload
    }

    public struct Condition: Hashable, Sendable, Codable {
        public var age: Int?
        public var createdBefore: CalendarDay?
        public var customTimeBefore: CalendarDay?
        public var daysSinceCustomTime: Int?
        public var daysSinceNoncurrentTime: Int?
        public var isLive: Bool?
        public var matchesPrefix: [String]?
        public var matchesSuffix: [String]?
        public var matchesStorageClass: [StorageClass]?
        public var noncurrentTimeBefore: CalendarDay?
        public var numNewerVersions: Int?

        public init(age: Int? = nil, createdBefore: CalendarDay? = nil, customTimeBefore: CalendarDay? = nil,
                    daysSinceCustomTime: Int? = nil, daysSinceNoncurrentTime: Int? = nil, isLive: Bool? = nil,
                    matchesPrefix: [String]? = nil, matchesSuffix: [String]? = nil,
                    matchesStorageClass: [StorageClass]? = nil, noncurrentTimeBefore: CalendarDay? = nil,
                    numNewerVersions: Int? = nil) {
            self.age = age
            self.createdBefore = createdBefore
            self.customTimeBefore = customTimeBefore
            self.daysSinceCustomTime = daysSinceCustomTime
            self.daysSinceNoncurrentTime = daysSinceNoncurrentTime
            self.isLive = isLive
            self.matchesPrefix = matchesPrefix
            self.matchesSuffix = matchesSuffix
            self.matchesStorageClass = matchesStorageClass
            self.noncurrentTimeBefore = noncurrentTimeBefore
            self.numNewerVersions = numNewerVersions
        }

        /// True when the rule acts on object age since creation, which a copy resets.
        public var dependsOnCreationTime: Bool { age != nil || createdBefore != nil }

        /// The same condition in a canonical form: empty lists are absent, lists are
        /// sorted and without duplicates, so two equivalent rules compare equal.
        public var canonical: Condition {
            var c = self
            func norm<T: Comparable & Hashable>(_ list: [T]?) -> [T]? {
                guard let list, !list.isEmpty else { return nil }
                return Array(Set(list)).sorted()
            }
            c.matchesPrefix = norm(matchesPrefix)
            c.matchesSuffix = norm(matchesSuffix)
            c.matchesStorageClass = norm(matchesStorageClass)
            return c
        }
    }

    public var action: Action
    public var condition: Condition

    public init(action: Action, condition: Condition) {
        self.action = action
        self.condition = condition
    }

    public var canonical: LifecycleRule { LifecycleRule(action: action, condition: condition.canonical) }

    /// With `preserve_age`, copies carry the source's creation time as `customTime`, so
    /// age-based conditions are rewritten onto it (`age` → `daysSinceCustomTime`,
    /// `createdBefore` → `customTimeBefore`).
    public var onCustomTime: LifecycleRule {
        var rule = self
        if let age = condition.age {
            rule.condition.age = nil
            rule.condition.daysSinceCustomTime = age
        }
        if let before = condition.createdBefore {
            rule.condition.createdBefore = nil
            rule.condition.customTimeBefore = before
        }
        return rule
    }
}

extension LifecycleRule: Comparable {
    /// A total order on rules used only to canonicalise rule lists.
    public static func < (a: LifecycleRule, b: LifecycleRule) -> Bool { a.sortKey < b.sortKey }

    var sortKey: String {
        let action: String
        switch self.action {
        case .delete: action = "0delete"
        case .setStorageClass(let c): action = "1set:\(c.rawValue)"
        case .abortIncompleteMultipartUpload: action = "2abort"
        }
        let c = condition.canonical
        func f<T>(_ v: T?) -> String { v.map { "\($0)" } ?? "-" }
        return [action, f(c.age), f(c.createdBefore), f(c.customTimeBefore), f(c.daysSinceCustomTime),
                f(c.daysSinceNoncurrentTime), f(c.isLive), f(c.matchesPrefix), f(c.matchesSuffix),
                f(c.matchesStorageClass?.map(\.rawValue)), f(c.noncurrentTimeBefore), f(c.numNewerVersions)]
            .joined(separator: "|")
    }
}

extension Array where Element == LifecycleRule {
    /// Rule order and default values do not make a change: compare these.
    public var canonical: [LifecycleRule] { Array(Set(map(\.canonical))).sorted() }

    public func isEquivalent(to other: [LifecycleRule]) -> Bool { canonical == other.canonical }

    public var hasAgeBasedRules: Bool { contains { $0.condition.dependsOnCreationTime } }
}

extension LifecycleRule: CustomStringConvertible {
    /// `SetStorageClass COLDLINE when age ≥ 0d`, as plans print it.
    public var description: String {
        let action: String
        switch self.action {
        case .delete: action = "Delete"
        case .setStorageClass(let c): action = "SetStorageClass \(c.rawValue)"
        case .abortIncompleteMultipartUpload: action = "AbortIncompleteMultipartUpload"
        }
        let c = condition.canonical
        var conditions: [String] = []
        if let v = c.age { conditions.append("age ≥ \(v)d") }
        if let v = c.createdBefore { conditions.append("created before \(v)") }
        if let v = c.customTimeBefore { conditions.append("customTime before \(v)") }
        if let v = c.daysSinceCustomTime { conditions.append("\(v)d since customTime") }
        if let v = c.daysSinceNoncurrentTime { conditions.append("\(v)d since noncurrent") }
        if let v = c.isLive { conditions.append(v ? "live" : "noncurrent") }
        if let v = c.matchesPrefix { conditions.append("prefix in [\(v.joined(separator: ", "))]") }
        if let v = c.matchesSuffix { conditions.append("suffix in [\(v.joined(separator: ", "))]") }
        if let v = c.matchesStorageClass { conditions.append("class in [\(v.map(\.rawValue).joined(separator: ", "))]") }
        if let v = c.noncurrentTimeBefore { conditions.append("noncurrent before \(v)") }
        if let v = c.numNewerVersions { conditions.append("\(v) newer versions") }
        return conditions.isEmpty ? action : "\(action) when \(conditions.joined(separator: ", "))"
    }
}
