import Foundation

/// What the cost of one migration is computed from, gathered while the diff
/// walks its objects: histograms by class and day, never the objects (a plan of
/// 100 million objects costs as much memory as one of a thousand).
public struct CostTally: Sendable {
    /// The target's lifecycle rules the name masks refer to (rule i is bit i).
    public let rules: [LifecycleRule]
    /// Objects to copy: class in the source, creation day, the day lifecycle age
    /// counts from with `preserve_age` (`customTime`, else creation), and the
    /// target name's rule mask.
    public private(set) var copies = DayHistogram()
    /// Objects already copied (in sync, or adopted), as billed in the source: class only.
    public private(set) var presentSources = DayHistogram()
    /// Their copies in the target: class, creation day, `customTime` day, rule mask.
    public private(set) var presentTargets = DayHistogram()
    /// Sources cleanup deletes: class, creation day, and the day it deletes them.
    public private(set) var removals = DayHistogram()
    /// A few sources deleted younger than their class's minimum storage duration, per class.
    public private(set) var youngRemovals: [YoungRemoval] = []

    private let names: NameMasks
    private let minimumDays: [StorageClass: Int]
    private let sourceDefaultClass: StorageClass

    public static let samplesPerClass = 5

    /// - Parameters:
    ///   - rules: the target bucket's lifecycle rules (effective, with `preserve_age` twins).
    ///   - minimumDays: the source classes' minimum storage durations (from the prices).
    ///   - sourceDefaultClass: the class of a source object whose listing does not say.
    public init(rules: [LifecycleRule] = [], minimumDays: [StorageClass: Int] = [:], sourceDefaultClass: StorageClass = .standard) {
        self.rules = rules
        self.names = NameMasks(rules)
        self.minimumDays = minimumDays
        self.sourceDefaultClass = sourceDefaultClass
    }

    /// An object to copy to `targetName`.
    public mutating func copy(_ source: ObjectRecord, targetName: String) {
        let created = DayHistogram.day(source.timeCreated ?? source.updated)
        let lifecycleDay = DayHistogram.day(source.customTime) ?? created
        copies.add(storageClass: source.storageClass, day: created, secondDay: lifecycleDay,
                   mask: names.isEmpty ? 0 : names.mask(targetName), size: source.size)
    }

    /// An object whose copy is already in the target.
    public mutating func present(source: ObjectRecord, target: ObjectRecord) {
        presentSources.add(storageClass: source.storageClass, day: nil, size: source.size)
        presentTargets.add(storageClass: target.storageClass, day: DayHistogram.day(target.timeCreated ?? target.updated),
                           secondDay: DayHistogram.day(target.customTime),
                           mask: names.isEmpty ? 0 : names.mask(target.name), size: target.size)
    }

    /// A source cleanup deletes on `date` (now, or when its hold ends).
    public mutating func remove(_ source: ObjectRecord, on date: Date) {
        let created = DayHistogram.day(source.timeCreated ?? source.updated)
        let removal = DayHistogram.day(date)
        removals.add(storageClass: source.storageClass, day: created, secondDay: removal, size: source.size)
        let storageClass = source.storageClass ?? sourceDefaultClass
        guard let minimum = minimumDays[storageClass], minimum > 0, let created, removal - created < minimum,
              youngRemovals.count(where: { $0.storageClass == storageClass }) < Self.samplesPerClass else { return }
        youngRemovals.append(YoungRemoval(name: source.name, storageClass: storageClass, ageDays: max(removal - created, 0),
                                          size: source.size))
    }

    /// Objects counted elsewhere (`decant analyze`'s folders: class, creation day,
    /// `customTime` day), as if copied and their sources deleted on `removalDay`.
    public mutating func move(_ objects: DayHistogram, removalDay: Int) {
        for (key, bin) in objects.entries {
            copies.add(DayHistogram.Key(storageClass: key.storageClass, day: key.day, secondDay: key.secondDay ?? key.day), bin)
            removals.add(DayHistogram.Key(storageClass: key.storageClass, day: key.day, secondDay: removalDay), bin)
        }
    }

    public var isEmpty: Bool { copies.isEmpty && presentSources.isEmpty && removals.isEmpty }
}

/// A source deleted before its class's minimum storage duration (an example for the plan).
public struct YoungRemoval: Hashable, Sendable, Codable {
    public var name: String
    public var storageClass: StorageClass
    /// Its age, in days, on the day it is deleted.
    public var ageDays: Int
    public var size: Int64

    public init(name: String, storageClass: StorageClass, ageDays: Int, size: Int64) {
        self.name = name
        self.storageClass = storageClass
        self.ageDays = ageDays
        self.size = size
    }
}

/// Which lifecycle rules' name conditions (`matchesPrefix`, `matchesSuffix`) an
/// object name meets, as bits: the only part of a rule that depends on the name.
/// Rules beyond the 32nd with name conditions are taken as never matching.
struct NameMasks: Sendable {
    private let conditions: [(bit: UInt32, prefixes: [String]?, suffixes: [String]?)]

    init(_ rules: [LifecycleRule]) {
        conditions = rules.enumerated().compactMap { index, rule in
            let c = rule.condition.canonical
            guard index < 32, c.matchesPrefix != nil || c.matchesSuffix != nil else { return nil }
            return (UInt32(1) << UInt32(index), c.matchesPrefix, c.matchesSuffix)
        }
    }

    var isEmpty: Bool { conditions.isEmpty }

    func mask(_ name: String) -> UInt32 {
        var mask: UInt32 = 0
        for c in conditions {
            if let p = c.prefixes, !p.contains(where: { name.hasPrefix($0) }) { continue }
            if let s = c.suffixes, !s.contains(where: { name.hasSuffix($0) }) { continue }
            mask |= c.bit
        }
        return mask
    }

    /// True when rule `index` has no name condition, or its bit is set.
    static func holds(_ rule: LifecycleRule, index: Int, mask: UInt32) -> Bool {
        let c = rule.condition.canonical
        guard c.matchesPrefix != nil || c.matchesSuffix != nil else { return true }
        guard index < 32 else { return false }
        return mask & (UInt32(1) << UInt32(index)) != 0
    }
}
