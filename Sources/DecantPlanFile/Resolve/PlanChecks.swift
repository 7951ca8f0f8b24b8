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

    private struct Place {
        enum Kind { case source, target }
        let path: BucketPath
        let kind: Kind
        let migration: MigrationResolver.Resolved
        var location: SourceLocation { kind == .source ? migration.sourceLocation : migration.targetLocation }
        var key: String { migration.migration.key }
    }

    /// Every pair of places where one contains the other: sorted by bucket and prefix,
    /// the places containing an entry are exactly the open ones on a stack, so this
    /// is O(n log n) plus one report per overlap.
    func overlaps(_ migrations: [MigrationResolver.Resolved]) {
        var places: [Place] = []
        for m in migrations {
            places.append(Place(path: m.migration.source, kind: .source, migration: m))
            places.append(Place(path: m.migration.target, kind: .target, migration: m))
        }
        places.sort { ($0.path.bucket, $0.path.prefix, $0.location.file, $0.location.line, $0.location.column)
            < ($1.path.bucket, $1.path.prefix, $1.location.file, $1.location.line, $1.location.column) }
        var open: [Place] = []
        for place in places {
            while let top = open.last, !top.path.contains(place.path) { open.removeLast() }
            for outer in open { report(outer: outer, inner: place) }
            open.append(place)
        }
    }

    private func report(outer: Place, inner: Place) {
        // Point at the later of the two in the files, and name the other.
        let (first, second) = isBefore(outer.location, inner.location) ? (outer, inner) : (inner, outer)
        let same = outer.path == inner.path
        let relation = same ? "is the same place as" : (second.path == inner.path ? "lies inside" : "contains")
        let what: String
        switch (outer.kind, inner.kind) {
        case (.target, .target):
            what = "the targets of `\(first.key)` and `\(second.key)` overlap: `\(second.path.url)` \(relation) `\(first.path.url)`"
            bag.error(what + " (at \(first.location))", at: second.location,
                      hint: "give each migration its own target prefix, e.g. `\(second.key)/`")
            return
        case (.source, .source):
            what = "the sources of `\(first.key)` and `\(second.key)` overlap: `\(second.path.url)` \(relation) `\(first.path.url)`"
            bag.error(what + " (at \(first.location))", at: second.location,
                      hint: "an object must belong to one migration; narrow one source prefix")
            return
        default:
            break
        }
        if outer.key == inner.key {
            let inside = inner.kind == .target ? "its target lies inside its source" : "its source lies inside its target"
            bag.error("migration `\(inner.key)`: \(inside) (`\(inner.path.url)` in `\(outer.path.url)`)",
                      at: inner.kind == .target ? inner.migration.targetLocation : inner.migration.sourceLocation,
                      hint: "copies would be copied again; use another bucket or a prefix outside the source")
            return
        }
        let targetPlace = outer.kind == .target ? outer : inner
        let sourcePlace = outer.kind == .source ? outer : inner
        bag.error("the target of `\(targetPlace.key)` (`\(targetPlace.path.url)`) overlaps the source of `\(sourcePlace.key)` (`\(sourcePlace.path.url)`, at \(sourcePlace.location))",
                  at: targetPlace.location, hint: "copies of one migration would be picked up by the other")
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
