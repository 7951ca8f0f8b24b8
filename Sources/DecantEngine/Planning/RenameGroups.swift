import DecantCore

/// A migration's name space split into parts whose mapping preserves order: one
/// part per subfolder rename (`tracking/ → firebase_tracking/`) and one for the
/// rest. Within a part, source `sourceBase + r` maps to `targetBase + r`, so the
/// sorted source and target listings of a part can be merged in one pass.
struct RenameGroup: Sendable {
    /// Full object-name prefixes.
    var sourceBase: String
    var targetBase: String
    /// The part's base relative to the migration's source prefix (`tracking/`, or "").
    var relativeBase: String
    /// Sub-prefixes that belong to another part.
    var sourceExcluded: [String]
    var targetExcluded: [String]
    /// Target prefixes written by other parts: a name of this part landing under one
    /// of them could collide with that part's objects.
    var foreignTargets: [String]

    static func groups(for migration: Migration) -> [RenameGroup] {
        let s = migration.source.prefix, t = migration.target.prefix
        let renames = migration.subfolders.sorted { ByteOrder.less($0.from, $1.from) }
        var groups: [RenameGroup] = []
        for rename in renames {
            let nestedFrom = renames.filter { $0.from != rename.from && ByteOrder.hasPrefix($0.from, rename.from) }
            let otherTo = renames.filter { $0.from != rename.from }.map { t + $0.to }
            let nestedTo = otherTo.filter { ByteOrder.hasPrefix($0, t + rename.to) }
            groups.append(RenameGroup(sourceBase: s + rename.from, targetBase: t + rename.to, relativeBase: rename.from,
                                      sourceExcluded: nestedFrom.map { s + $0.from }, targetExcluded: nestedTo,
                                      foreignTargets: nestedTo))
        }
        let allTo = renames.map { t + $0.to }
        groups.append(RenameGroup(sourceBase: s, targetBase: t, relativeBase: "",
                                  sourceExcluded: renames.map { s + $0.from }, targetExcluded: allTo,
                                  foreignTargets: allTo))
        return groups
    }
}

/// For partitioned migrations whose pattern starts with `literal{YYYYMMDD}`, the
/// relative name range `[literal + first day, literal + day after last)` that holds
/// every selected partition, so only those folders are listed.
enum PartitionWindow {
    static func relativeBounds(_ migration: Migration, today: CalendarDay) -> (lower: String, upper: String)? {
        guard let partitions = migration.partitions, migration.subfolders.isEmpty,
              let bounds = partitions.range.bounds(today: today) else { return nil }
        let pattern = partitions.pattern
        // Render two days and check that they differ only after the literal prefix in
        // date order: true when the first token is {YYYYMMDD} or {YYYY}.
        guard pattern.startsWithSortableDate,
              let first = pattern.render(bounds.lowerBound).map({ String($0.prefix(pattern.literalPrefix.count + 8)) }),
              let last = pattern.render(bounds.upperBound.adding(days: 1)).map({ String($0.prefix(pattern.literalPrefix.count + 8)) })
        else { return nil }
        return (first, last)
    }
}
