import DecantCore
import DecantState
import DecantStorage
import Foundation

/// The per-object outcome of one migration.
struct MigrationOutcome: Sendable {
    var report: MigrationPlan
    /// Copies to make: target absent (`target.generation` nil) or an allowed overwrite.
    var copies = SpooledList()
    /// Identical copies found in the target, to verify and record.
    var adoptions = SpooledList()
    /// Sources cleanup deletes: those whose verified copy allows it now, and those
    /// copied or adopted in this run that it deletes once verified (`after: 0d`), in name order.
    var deletions = SpooledList()
    /// Names decant refuses to map, and why.
    var unsafeNames: [(name: String, problem: String)] = []
    var listed = 0
    /// Wall time this migration spent waiting for listings.
    var listingTime: Duration = .zero
    /// Wall time this migration spent reading the ledger.
    var ledgerTime: Duration = .zero
    /// What the move's cost is computed from (when the plan is costed).
    var cost: CostTally?
}

/// Diffs one migration: merges the sorted source listing, the sorted target
/// listing and the ledger in one pass per rename group, classifying every object.
struct MigrationDiffer {
    let migration: Migration
    let store: any ObjectStore
    let state: StateStore?
    let now: Date
    /// When validation periods and retention are judged: `now`, or the real clock
    /// when `--now` is ahead of it (PinnedNow).
    let deletionNow: Date
    let targetExists: Bool
    /// The target bucket's spec, when the plan manages it (for `preserve_age`).
    let targetSpec: BucketSpec?
    /// Why code keeps this migration's sources (`ReferenceHolds`), nil when nothing does.
    let codeHold: HoldReason?
    let allowReferences: Bool
    /// Where the object lists go, a batch of `migration.batchSize` at a time.
    let spool: ObjectSpool
    /// Collects what the cost model needs; nil when the plan is not costed.
    var cost: CostTally? = nil

    static let sampleCount = 5

    func run(movement: DataMovement) async throws -> MigrationOutcome {
        var outcome = MigrationOutcome(report: MigrationPlan(
            key: migration.key, phase: migration.phase, description: migration.description,
            source: migration.source, target: migration.target, movement: movement))
        outcome.report.verifyLevel = migration.verify
        if let window = PartitionWindow.relativeBounds(migration, today: CalendarDay(now)),
           let bounds = migration.partitions?.range.bounds(today: CalendarDay(now)) {
            outcome.report.warnings.append("only partitions \(bounds.lowerBound)..\(bounds.upperBound) were listed "
                + "(\(migration.source.prefix)\(window.lower)…); partitions outside the range stay in the source and are not counted")
        }
        var totals = Accumulator(migration: migration, now: deletionNow, today: CalendarDay(now), cost: cost, spool: spool)
        let window = PartitionWindow.relativeBounds(migration, today: CalendarDay(now))
        for group in RenameGroup.groups(for: migration) {
            let sourceSpace = KeySpace(bucket: migration.source.bucket, base: group.sourceBase, excluded: group.sourceExcluded,
                                       lower: window.map { group.sourceBase + $0.lower }, upper: window.map { group.sourceBase + $0.upper })
            let targetSpace = KeySpace(bucket: migration.target.bucket, base: group.targetBase, excluded: group.targetExcluded,
                                       lower: window.map { group.targetBase + $0.lower }, upper: window.map { group.targetBase + $0.upper })
            var source = ObjectCursor(store: store, space: sourceSpace)
            var target: ObjectCursor? = targetExists ? ObjectCursor(store: store, space: targetSpace) : nil
            var rows = LedgerCursor(state: state, bucket: migration.source.bucket, prefix: group.sourceBase)
            while true {
                let s = try await source.peek()
                let t = try await target?.peek()
                if s == nil, t == nil { break }
                let order: Int
                switch (s, t) {
                case let (s?, t?):
                    order = ByteOrder.compare(ByteOrder.dropPrefix(group.sourceBase, from: s.name).utf8,
                                              ByteOrder.dropPrefix(group.targetBase, from: t.name).utf8)
                case (_?, nil): order = -1
                default: order = 1
                }
                if order <= 0, let s {
                    let history = try await rows.rows(for: s.name)
                    try totals.source(s, target: order == 0 ? t : nil, group: group, history: history, differ: self)
                    source.advance()
                    if order == 0 { target?.advance() }
                } else if let t {
                    totals.targetOnly(t)
                    target?.advance()
                }
            }
            outcome.listed += source.listed + (target?.listed ?? 0)
            outcome.listingTime += source.listingTime + (target?.listingTime ?? .zero)
            outcome.ledgerTime += rows.readingTime
        }
        try totals.finish(into: &outcome, differ: self)
        return outcome
    }

    /// `customTime` for a copy: with `preserve_age`, the source's own age.
    func customTime(for source: ObjectRecord) -> Date? {
        guard targetSpec?.preserveAge == true else { return nil }
        return source.customTime ?? source.timeCreated
    }
}

/// Running totals of one migration's diff.
private struct Accumulator {
    let migration: Migration
    let selector: MigrationSelector
    let now: Date
    var copies: ObjectListWriter
    var adoptions: ObjectListWriter
    var deletions: ObjectListWriter
    var unsafe: [(String, String)] = []
    var copy = Tally(), overwrite = Tally(), inSync = Tally(), adopt = Tally(), conflicts = Tally(), targetOnly = Tally()
    var conflictSamples: [ObjectMapping] = []
    var copySamples: [ObjectMapping] = [], syncSamples: [ObjectMapping] = []
    var excluded: [MigrationSelector.Exclusion: Tally] = [:]
    var held: [HoldReason: MigrationPlan.HeldDeletion] = [:]
    var collisions: [Collision] = []
    var cost: CostTally?

    init(migration: Migration, now: Date, today: CalendarDay, cost: CostTally?, spool: ObjectSpool) {
        self.migration = migration
        copies = ObjectListWriter(spool: spool, batchSize: migration.batchSize)
        adoptions = ObjectListWriter(spool: spool, batchSize: migration.batchSize)
        deletions = ObjectListWriter(spool: spool, batchSize: migration.batchSize)
        self.selector = MigrationSelector(migration, today: today)
        self.now = now
        self.cost = cost
    }

    mutating func source(_ s: ObjectRecord, target t: ObjectRecord?, group: RenameGroup, history: [LedgerEntry],
                         differ: MigrationDiffer) throws {
        let inGroup = String(ByteOrder.dropPrefix(group.sourceBase, from: s.name))
        let relative = group.relativeBase + inGroup
        if let reason = selector.exclusion(relative: relative) {
            excluded[reason, default: Tally()].add(s.size)
            return
        }
        let targetName = group.targetBase + inGroup
        // The target adds only a validated prefix to the checked source part: its length is what can go wrong.
        if let problem = ObjectName.problem(s.name)
            ?? (targetName.utf8.count > ObjectName.maxBytes ? "maps to a target name longer than \(ObjectName.maxBytes) bytes" : nil) {
            unsafe.append((s.name, problem))
            return
        }
        if group.foreignTargets.contains(where: { ByteOrder.hasPrefix(targetName, $0) }) {
            collisions.append(Collision(target: targetName, sources: [s.name]))
            return
        }
        var mapping: ObjectMapping { ObjectMapping(source: s.name, target: targetName, size: s.size) }
        func item(targetGeneration: Int64?) -> ObjectItem {
            ObjectItem(source: ObjectRef(bucket: migration.source.bucket, name: s.name, generation: s.generation),
                       target: ObjectRef(bucket: migration.target.bucket, name: targetName, generation: targetGeneration),
                       content: ContentIdentity(s), sourceCreated: s.timeCreated, customTime: differ.customTime(for: s),
                       storageClass: migration.storageClass)
        }
        guard let t else {
            cost?.copy(s, targetName: targetName)
            copy.add(s.size)
            if copySamples.count < MigrationDiffer.sampleCount { copySamples.append(mapping) }
            let planned = item(targetGeneration: nil)
            try copies.append(planned)
            try considerDeletion(s, relative: relative, planned: planned, verifiedAt: nil, differ: differ)
            return
        }
        if s.hasSameContent(as: t) {
            let recorded = history.first { row in
                row.sourceGeneration == s.generation && row.targetBucket == migration.target.bucket
                    && ByteOrder.equal(row.targetName, targetName) && row.targetGeneration == t.generation
                    && (row.verification?.level ?? .count) >= migration.verify && row.isVerified
            }
            if let recorded {
                cost?.present(source: s, target: t)
                inSync.add(s.size)
                if syncSamples.count < MigrationDiffer.sampleCount { syncSamples.append(mapping) }
                // Most objects of a large plan are in sync: build their item only when cleanup may need it.
                if migration.cleanup?.deleteSource == true {
                    try considerDeletion(s, relative: relative, planned: item(targetGeneration: t.generation),
                                     verifiedAt: recorded.isChecksumVerified ? recorded.verification?.at : nil, differ: differ)
                }
            } else if migration.overwrite == .always {
                cost?.copy(s, targetName: targetName)
                overwrite.add(s.size)
                let planned = item(targetGeneration: t.generation)
                try copies.append(planned)
                try considerDeletion(s, relative: relative, planned: planned, verifiedAt: nil, differ: differ)
            } else {
                cost?.present(source: s, target: t)
                adopt.add(s.size)
                var planned = item(targetGeneration: t.generation)
                planned.adopt = true
                try adoptions.append(planned)
                try considerDeletion(s, relative: relative, planned: planned, verifiedAt: nil, differ: differ)
            }
            return
        }
        switch migration.overwrite {
        case .never:
            conflicts.add(s.size)
            if conflictSamples.count < MigrationDiffer.sampleCount { conflictSamples.append(mapping) }
        case .different, .always:
            cost?.copy(s, targetName: targetName)
            overwrite.add(s.size)
            let planned = item(targetGeneration: t.generation)
            try copies.append(planned)
            try considerDeletion(s, relative: relative, planned: planned, verifiedAt: nil, differ: differ)
        }
    }

    mutating func targetOnly(_ t: ObjectRecord) {
        targetOnly.add(t.size)
    }

    /// Whether cleanup deletes this source now, after this run's verification, or
    /// later (and why). `verifiedAt` is set when the ledger holds a checksum-verified
    /// copy; nil when the copy is made or recorded in this run.
    mutating func considerDeletion(_ s: ObjectRecord, relative: String, planned: ObjectItem, verifiedAt: Date?,
                                   differ: MigrationDiffer) throws {
        guard let cleanup = migration.cleanup, cleanup.deleteSource else { return }
        // A hold without an end (code references) is costed as if it ended with the validation period.
        func hold(_ reason: HoldReason, until: Date?) {
            cost?.remove(s, on: until ?? now.addingTimeInterval(TimeInterval(cleanup.after.seconds)))
            var entry = held[reason] ?? MigrationPlan.HeldDeletion(reason: reason, tally: Tally())
            entry.tally.add(s.size)
            if let until { entry.eligibleFrom = min(entry.eligibleFrom ?? until, until) }
            held[reason] = entry
        }
        if let reason = differ.codeHold, !differ.allowReferences {
            hold(reason, until: nil)
            return
        }
        if let retention = cleanup.retention {
            let reference = selector.partitionDate(relative: relative)?.startDate ?? s.timeCreated ?? s.updated
            guard let reference else {
                hold(.retentionAgeUnknown(retention), until: nil)
                return
            }
            let eligible = reference.addingTimeInterval(TimeInterval(retention.seconds))
            if eligible > now {
                hold(.retention(retention), until: eligible)
                return
            }
        }
        let after = TimeInterval(cleanup.after.seconds)
        if let verifiedAt {
            let eligible = verifiedAt.addingTimeInterval(after)
            if eligible > now {
                hold(.validationPeriod(cleanup.after), until: eligible)
            } else {
                cost?.remove(s, on: now)
                try deletions.append(planned)
            }
        } else if after == 0 {
            cost?.remove(s, on: now)
            try deletions.append(planned)
        } else {
            hold(.validationPeriodNotStarted(cleanup.after), until: now.addingTimeInterval(after))
        }
    }

    mutating func finish(into outcome: inout MigrationOutcome, differ: MigrationDiffer) throws {
        var report = outcome.report
        report.copy = copy
        report.overwrite = overwrite
        report.inSync = inSync
        report.adopt = adopt
        report.conflicts = conflicts
        report.conflictSamples = conflictSamples
        report.targetOnly = targetOnly
        report.collisions = collisions
        report.samples = !copySamples.isEmpty ? copySamples : syncSamples
        report.excluded = MigrationSelector.Exclusion.allCases.compactMap { reason in
            excluded[reason].map { MigrationPlan.Exclusion(reason: reason.rawValue, tally: $0) }
        }
        if !conflicts.isZero {
            report.blockers.append("\(conflicts.objects) target object(s) differ from their source and overwrite is `never`")
        }
        if !unsafe.isEmpty {
            report.blockers.append("\(unsafe.count) object name(s) cannot be mapped safely")
        }
        if !collisions.isEmpty {
            report.blockers.append("\(collisions.count) object(s) would land in a folder another subfolder rename writes to")
        }
        let blocked = !report.blockers.isEmpty
        // A blocked migration does nothing at all, deletions least of all (its blocks stay unreferenced in the spool).
        let lists = (try copies.finish(), try adoptions.finish(), try deletions.finish())
        if !blocked { (outcome.copies, outcome.adoptions, outcome.deletions) = lists }
        report.delete = outcome.deletions.total
        report.deleteHeld = held.values.sorted { $0.reason < $1.reason }
        outcome.unsafeNames = unsafe
        outcome.cost = cost
        outcome.report = report
    }
}
