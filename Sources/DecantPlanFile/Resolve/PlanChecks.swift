import DecantCore

/// Checks across entries, for one environment: places that overlap, bucket names
/// used twice, and copies whose age-based lifecycle would restart.
struct PlanChecks {
    let bag: DiagnosticBag
    let environment: String

    func uniqueBucketNames(_ buckets: [BucketResolver.Resolved]) {
        var seen: [String: BucketSpec] = [:]
        for bucket in buckets {
            if let first = seen[bucket.spec.name] {
                bag.error("buckets `\(first.key)` and `\(bucket.spec.key)` are both named `\(bucket.spec.name)` in environment `\(environment)`",
                          at: bucket.spec.origin, hint: "give one of them another `name:`")
            } else {
                seen[bucket.spec.name] = bucket.spec
            }
        }
    }

    /// A source or target of one migration; small, so that sorting 100k of them is cheap.
    private struct Place {
        enum Kind { case source, target }
        let path: BucketPath
        let kind: Kind
        let index: Int
    }

    /// Every pair of places where one contains the other: sorted by bucket and prefix,
    /// the places containing an entry are exactly the open ones on a stack, so this
    /// is O(n log n) plus one report per overlap.
    func overlaps(_ migrations: [MigrationResolver.Resolved]) {
        var places: [Place] = []
        places.reserveCapacity(migrations.count * 2)
        for (index, m) in migrations.enumerated() {
            places.append(Place(path: m.migration.source, kind: .source, index: index))
            places.append(Place(path: m.migration.target, kind: .target, index: index))
        }
        places.sort { a, b in
            if a.path.bucket != b.path.bucket { return a.path.bucket < b.path.bucket }
            if a.path.prefix != b.path.prefix { return a.path.prefix < b.path.prefix }
            return (a.index, a.kind == .source ? 0 : 1) < (b.index, b.kind == .source ? 0 : 1)
        }
        var open: [Place] = []
        for place in places {
            while let top = open.last, !top.path.contains(place.path) { open.removeLast() }
            for outer in open { report(outer: outer, inner: place, migrations) }
            open.append(place)
        }
    }

    private func report(outer: Place, inner: Place, _ migrations: [MigrationResolver.Resolved]) {
        func location(_ p: Place) -> SourceLocation {
            p.kind == .source ? migrations[p.index].sourceLocation : migrations[p.index].targetLocation
        }
        func key(_ p: Place) -> String { migrations[p.index].migration.key }
        // Point at the later of the two in the files, and name the other.
        let (first, second) = isBefore(location(outer), location(inner)) ? (outer, inner) : (inner, outer)
        let same = outer.path == inner.path
        let relation = same ? "is the same place as" : (second.path == inner.path ? "lies inside" : "contains")
        switch (outer.kind, inner.kind) {
        case (.target, .target):
            bag.error("the targets of `\(key(first))` and `\(key(second))` overlap: `\(second.path.url)` \(relation) `\(first.path.url)` (at \(location(first)))",
                      at: location(second), hint: "give each migration its own target prefix, e.g. `\(key(second))/`")
            return
        case (.source, .source):
            bag.error("the sources of `\(key(first))` and `\(key(second))` overlap: `\(second.path.url)` \(relation) `\(first.path.url)` (at \(location(first)))",
                      at: location(second), hint: "an object must belong to one migration; narrow one source prefix")
            return
        default:
            break
        }
        if outer.index == inner.index {
            let inside = inner.kind == .target ? "its target lies inside its source" : "its source lies inside its target"
            bag.error("migration `\(key(inner))`: \(inside) (`\(inner.path.url)` in `\(outer.path.url)`)", at: location(inner),
                      hint: "copies would be copied again; use another bucket or a prefix outside the source")
            return
        }
        let target = outer.kind == .target ? outer : inner
        let source = outer.kind == .source ? outer : inner
        bag.error("the target of `\(key(target))` (`\(target.path.url)`) overlaps the source of `\(key(source))` (`\(source.path.url)`, at \(location(source)))",
                  at: location(target), hint: "copies of one migration would be picked up by the other")
    }

    private func isBefore(_ a: SourceLocation, _ b: SourceLocation) -> Bool {
        (a.file, a.line, a.column) <= (b.file, b.line, b.column)
    }

    /// A copy resets `timeCreated`: warn where a target bucket's rules count age from
    /// it (an `age_days: 0` rule acts at once either way, so it does not count).
    func ageWarnings(buckets: [BucketResolver.Resolved], migrations: [MigrationResolver.Resolved]) {
        let targets = Set(migrations.compactMap(\.migration.targetBucketKey))
        for bucket in buckets where targets.contains(bucket.spec.key) && !bucket.preserveAgeWritten {
            guard let rules = bucket.spec.settings.lifecycle,
                  rules.contains(where: { ($0.condition.age ?? 0) > 0 || $0.condition.createdBefore != nil }) else { continue }
            bag.warning("bucket `\(bucket.spec.key)` has age-based lifecycle rules and receives copies: a copy's age starts again at the copy (its `timeCreated` is reset)",
                        at: bucket.lifecycleLocation ?? bucket.spec.origin,
                        hint: "set `preserve_age: true` to keep the source objects' age, or `preserve_age: false` to accept the restart")
        }
    }
}
