/// A migration's object selection, compiled once and applied to every listed
/// object: recursion, include and exclude globs, file types and partitions.
public struct MigrationSelector: Sendable {
    public let migration: Migration
    public let today: CalendarDay
    private let include: [Glob]
    private let exclude: [Glob]
    private let fileTypes: [Glob]

    /// Why an object under the source prefix is not taken.
    public enum Exclusion: String, Sendable, Codable, CaseIterable {
        case nested = "in a subfolder (recursive: false)"
        case notIncluded = "matches no include glob"
        case excluded = "matches an exclude glob"
        case fileType = "not one of the file types"
        case noPartition = "not in a partition folder"
        case outsideRange = "partition date outside the range"
    }

    /// Globs that do not parse were reported when the plan was loaded; here they
    /// are dropped rather than crash.
    public init(_ migration: Migration, today: CalendarDay) {
        self.migration = migration
        self.today = today
        self.include = migration.include.compactMap { try? Glob($0) }
        self.exclude = migration.exclude.compactMap { try? Glob($0) }
        self.fileTypes = migration.fileTypes.compactMap { try? Glob($0) }
    }

    /// Nil when the object (named relative to the source prefix) is selected.
    public func exclusion(relative: String) -> Exclusion? {
        if !migration.recursive, relative.utf8.contains(UInt8(ascii: "/")) { return .nested }
        if !include.isEmpty, !include.contains(where: { $0.matches(relative) }) { return .notIncluded }
        if exclude.contains(where: { $0.matches(relative) }) { return .excluded }
        if !fileTypes.isEmpty {
            let base = relative.utf8.lastIndex(of: UInt8(ascii: "/")).map { String(relative[relative.index(after: $0)...]) } ?? relative
            if !fileTypes.contains(where: { $0.matches(base) }) { return .fileType }
        }
        if let partitions = migration.partitions {
            guard let day = partitions.pattern.date(of: relative) else { return .noPartition }
            if !partitions.range.contains(day, today: today) { return .outsideRange }
        }
        return nil
    }

    public func selects(relative: String) -> Bool { exclusion(relative: relative) == nil }

    /// The partition date of a selected object, for retention.
    public func partitionDate(relative: String) -> CalendarDay? {
        migration.partitions?.pattern.date(of: relative)
    }
}
