/// What a bucket's lifecycle rules do to one object over time: the storage
/// classes it passes through and when it is deleted, in days from now.
///
/// The rules are read as GCS applies them: every condition of a rule must hold;
/// `age` counts from the object's creation, `daysSinceCustomTime` from its
/// `customTime`; `createdBefore`/`customTimeBefore` are fixed by the object's
/// dates; conditions on noncurrent versions never hold for a live object.
/// When several rules apply at once, Delete wins, then the coldest class.
/// A SetStorageClass only ever moves an object to a colder class.
public struct LifecycleProjection: Hashable, Sendable {
    /// From `day` on, the object is in `storageClass`.
    public struct Step: Hashable, Sendable {
        public var day: Int
        public var storageClass: StorageClass
        public init(_ day: Int, _ storageClass: StorageClass) {
            self.day = day
            self.storageClass = storageClass
        }
    }

    /// The classes the object passes through, in order; the first step is day 0,
    /// and several steps can share a day (the last one holds).
    public var steps: [Step]
    /// The day a Delete rule removes the object, if one does.
    public var deletedOn: Int?

    /// - Parameters:
    ///   - storageClass: the class the object is in on day 0.
    ///   - createdDay, customDay: the object's creation and `customTime`, in days since 1970 (see `DayHistogram.day`).
    ///   - today: day 0, in days since 1970.
    ///   - mask: which rules' name conditions hold (see `NameMasks`).
    ///   - classChanges: false under Autoclass, which refuses SetStorageClass rules.
    public init(rules: [LifecycleRule], storageClass: StorageClass, createdDay: Int, customDay: Int?, today: Int,
                mask: UInt32 = 0, classChanges: Bool = true) {
        var current = storageClass
        var from = 0
        steps = [Step(0, storageClass)]
        deletedOn = nil
        // Each step moves to a colder class or deletes: at most four steps.
        for _ in 0..<8 {
            var earliest: Int?
            var deletes = false
            var coldest: StorageClass?
            for (index, rule) in rules.enumerated() {
                guard NameMasks.holds(rule, index: index, mask: mask),
                      let start = Self.start(rule.condition, createdDay: createdDay, customDay: customDay, today: today) else { continue }
                if let classes = rule.condition.matchesStorageClass, !classes.isEmpty,
                   !classes.contains(where: { $0.coldness == current.coldness }) { continue }
                let day = max(start, from)
                switch rule.action {
                case .delete:
                    break
                case .setStorageClass(let target):
                    guard classChanges, target.coldness > current.coldness else { continue }
                case .abortIncompleteMultipartUpload:
                    continue
                }
                if earliest.map({ day < $0 }) ?? true {
                    earliest = day
                    deletes = false
                    coldest = nil
                }
                guard day == earliest else { continue }
                if case .setStorageClass(let target) = rule.action {
                    if coldest.map({ target.coldness > $0.coldness }) ?? true { coldest = target }
                } else {
                    deletes = true
                }
            }
            guard let day = earliest else { break }
            if deletes {
                deletedOn = day
                break
            }
            guard let next = coldest else { break }
            // Kept even on the day of the previous step: each change is an operation GCS bills.
            steps.append(Step(day, next))
            current = next
            from = day
        }
    }

    /// The class on `day` (nil once deleted).
    public func storageClass(on day: Int) -> StorageClass? {
        if let deletedOn, day >= deletedOn { return nil }
        return steps.last { $0.day <= day }?.storageClass
    }

    /// The first day (≥ 0) on which a rule's time conditions hold, nil if never.
    static func start(_ c: LifecycleRule.Condition, createdDay: Int, customDay: Int?, today: Int) -> Int? {
        if c.isLive == false || c.daysSinceNoncurrentTime != nil || c.noncurrentTimeBefore != nil { return nil }
        if let n = c.numNewerVersions, n > 0 { return nil }
        var day = 0
        if let age = c.age { day = max(day, createdDay + age - today) }
        if let before = c.createdBefore, createdDay >= DayHistogram.day(before.startDate) { return nil }
        if let n = c.daysSinceCustomTime {
            guard let customDay else { return nil }
            day = max(day, customDay + n - today)
        }
        if let before = c.customTimeBefore {
            guard let customDay, customDay < DayHistogram.day(before.startDate) else { return nil }
        }
        return day
    }
}

extension StorageClass {
    /// STANDARD 0 … ARCHIVE 3: lifecycle moves objects only to a colder class.
    public var coldness: Int {
        switch self {
        case .standard, .multiRegional, .regional, .durableReducedAvailability: return 0
        case .nearline: return 1
        case .coldline: return 2
        case .archive: return 3
        }
    }
}
