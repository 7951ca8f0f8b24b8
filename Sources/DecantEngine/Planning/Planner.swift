import DecantCore
import DecantState
import DecantStorage
import Foundation

/// Diffs the desired state (a `Plan` for one environment) against what the store
/// holds, the ledger records and the code references, into `PlannedChanges`. It
/// only reads: planning never writes to a store.
public struct Planner: Sendable {
    public let store: any ObjectStore
    /// The state of earlier applies; nil for an environment never applied.
    public let state: StateStore?
    public let clock: any Clock
    public let code: CodeFindings?

    public init(store: any ObjectStore, state: StateStore?, clock: any Clock = SystemClock(), code: CodeFindings? = nil) {
        self.store = store
        self.state = state
        self.clock = clock
        self.code = code
    }

    public func plan(_ plan: Plan, options: PlanOptions = PlanOptions()) async throws -> PlannedChanges {
        try await planMeasured(plan, options: options).changes
    }

    /// Plans and says where the time went (`decant plan --timings`, benchmarks).
    public func planMeasured(_ plan: Plan, options: PlanOptions = PlanOptions()) async throws -> (changes: PlannedChanges, statistics: PlanStatistics) {
        let stopwatch = ContinuousClock.now
        let now = clock.now()
        let selection = try select(plan, options)
        var diagnostics: [Diagnostic] = []
        let spool = try ObjectSpool.temporary(in: options.spoolDirectory)

        // Observe every bucket that matters, concurrently.
        let bucketNames = Set(selection.buckets.map(\.name) + selection.migrations.flatMap { [$0.source.bucket, $0.target.bucket] })
        let observed = try await observeBuckets(Array(bucketNames).sorted(), width: options.listingWidth)

        // Buckets.
        var bucketPlans: [BucketPlan] = []
        var bucketActions: [Action] = []
        for spec in selection.buckets {
            let (plan, actions, problems) = planBucket(spec, observed: observed[spec.name] ?? nil, project: plan.storageProject)
            bucketPlans.append(plan)
            bucketActions += actions
            diagnostics += problems
        }
        let bucketActionIDs = Dictionary(grouping: bucketActions, by: { $0.bucket ?? "" }).mapValues { $0.map(\.id) }
        // Access: after the bucket exists, before code reads it (copies do not wait for it).
        var access = try await AccessPlanning(store: store).plan(buckets: selection.buckets, migrations: plan.migrations,
                                                                 observed: observed, project: plan.storageProject)
        for index in bucketPlans.indices {
            guard let planned = access.plans[bucketPlans[index].name] else { continue }
            bucketPlans[index].access = planned
            if planned.status == .change, bucketPlans[index].status == .unchanged { bucketPlans[index].status = .update }
        }
        bucketActions += access.actions
        diagnostics += access.diagnostics

        // Migrations, a few at a time, kept in plan order.
        let holds = ReferenceHolds(code, acknowledgements: plan.code?.acknowledged ?? [])
        var outcomes = try await diffMigrations(selection.migrations, plan: plan, observed: observed, now: now,
                                                deletionNow: options.pinnedNow?.deletionTime ?? now,
                                                holds: holds, options: options, spool: spool)
        diagnostics += Self.pinnedNowWarnings(options.pinnedNow, cleanups: selection.migrations.contains { $0.cleanup?.deleteSource == true })
        for (index, migration) in selection.migrations.enumerated() {
            diagnostics += migrationDiagnostics(migration, outcome: outcomes[index], plan: plan, observed: observed)
            outcomes[index].report.references = (code?.references ?? []).filter { $0.migration == migration.key }
            outcomes[index].report.referencesHold = migration.cleanup?.deleteSource == true && !options.allowReferences
                && holds.hold(for: migration) != nil
            if let note = try await interruptedCopies(outcomes[index].adoptions) { outcomes[index].report.warnings.append(note) }
        }

        TransferPlanning.chooseEngines(selection.migrations, outcomes: &outcomes, thresholds: plan.engines)

        // Who would lose access at cutover.
        let continuity = try await AccessPlanning(store: store).continuity(selection.migrations, plan: plan, observed: observed,
                                                                           outcome: &access)
        for (index, warnings) in continuity.perMigration.enumerated() { outcomes[index].report.accessWarnings = warnings }

        // What stays behind.
        var leftovers: LeftoverReport?
        if options.computeLeftovers {
            if selection.isEverything {
                leftovers = try await findLeftovers(plan, observed: observed)
            } else {
                leftovers = LeftoverReport(entries: [], note: "not computed for a --target or --phase selection")
            }
        }

        // Deletion threshold.
        let deleting = outcomes.reduce(0) { $0 + $1.deletions.count }
        if deleting > options.maxDelete {
            diagnostics.append(.error("this plan deletes \(deleting) source objects, more than --max-delete \(options.maxDelete)",
                                      hint: "review the deletions, then raise --max-delete explicitly"))
        }

        // Code.
        var codePlan: CodePlan?
        var edits: [CodeEdit] = []
        if let code {
            let selectedKeys = Set(selection.migrations.filter(\.rewriteCode).map(\.key))
            edits = code.edits.filter { !Set($0.migrations).isDisjoint(with: selectedKeys) }
            let sourceBuckets = Set(selection.migrations.map(\.source.bucket))
            codePlan = CodePlan(filesScanned: code.filesScanned, edits: edits,
                                unrewritable: code.unrewritable.filter { $0.migration.map(selectedKeys.contains) ?? false },
                                unmanaged: code.references.filter { $0.migration == nil },
                                referencesOverridden: options.allowReferences,
                                unplaced: sourceBuckets.sorted().flatMap(holds.unplaced(in:)),
                                acknowledged: holds.acknowledged.filter { $0.reference.bucket.map(sourceBuckets.contains) ?? false },
                                skipped: code.skipped, outsideRoot: code.outsideRoot)
            for unused in holds.unmatched {
                diagnostics.append(.warning("code.acknowledged: no reference decant cannot place in \(unused.path)"
                    + (unused.contains.isEmpty ? "" : " has a line containing `\(unused.contains)`"), at: unused.origin,
                    hint: "remove the acknowledgement, or correct its path or `contains`"))
            }
            if options.allowReferences {
                for migration in selection.migrations where migration.cleanup?.deleteSource == true {
                    guard case let .codeReferences(source, references, bucket, unplaced)? = holds.hold(for: migration) else { continue }
                    let what = (references > 0 ? ["\(references) reference(s) in \(source)"] : [])
                        + (unplaced > 0 ? ["\(unplaced) reference(s) to \(bucket) decant cannot place"] : [])
                    diagnostics.append(.warning("--allow-references: sources of \(migration.key) are deleted although code still names them: "
                                                + what.joined(separator: ", ")))
                }
            }
        }

        let graphStart = ContinuousClock.now
        let graph = try GraphBuilder.build(bucketActions: bucketActions, bucketActionIDs: bucketActionIDs,
                                           migrations: selection.migrations, outcomes: outcomes, edits: edits,
                                           hasErrors: diagnostics.hasErrors,
                                           accessActionIDs: Dictionary(access.actions.map { ($0.bucket ?? "", $0.id) },
                                                                       uniquingKeysWith: { a, _ in a }))
        let statistics = PlanStatistics(objectsListed: outcomes.reduce(0) { $0 + $1.listed },
                                        listing: outcomes.reduce(Duration.zero) { $0 + $1.listingTime },
                                        ledger: outcomes.reduce(Duration.zero) { $0 + $1.ledgerTime },
                                        graph: ContinuousClock.now - graphStart, total: ContinuousClock.now - stopwatch)
        var made = PlannedChanges(
            environment: plan.environment, generatedAt: now, inputDigest: plan.inputDigest,
            stateLineage: state?.lineage, stateSerial: try await state?.currentSerial ?? 0,
            selection: .init(targets: options.targets, phase: options.phase), buckets: bucketPlans,
            migrations: outcomes.map(\.report), leftovers: leftovers, code: codePlan, diagnostics: diagnostics, graph: graph)
        if let pricing = options.pricing {
            CostPlanning.cost(&made, migrations: selection.migrations, outcomes: outcomes, plan: plan, observed: observed,
                              pricing: pricing, now: now)
        }
        made.pinnedNow = options.pinnedNow
        made.maxDelete = options.maxDelete
        made.accessNotes = continuity.notes.isEmpty ? nil : continuity.notes
        return (made, statistics)
    }

    /// What a reviewer must know when `--now` is ahead of the real clock.
    static func pinnedNowWarnings(_ pinned: PinnedNow?, cleanups: Bool) -> [Diagnostic] {
        guard let pinned, pinned.isAhead, cleanups else { return [] }
        let at = RFC3339.format(pinned.at), real = RFC3339.format(pinned.realClock)
        if pinned.allowsFutureDeletions {
            return [.warning("--allow-future-now: validation periods and retention are judged at --now \(at), ahead of the real clock (\(real)); "
                             + "sources are deleted that the real clock still holds, and the state history records it")]
        }
        return [.warning("--now \(at) is ahead of the real clock (\(real)): validation periods and retention are judged by the real clock",
                         hint: "--now is for reproducible plans; pass --allow-future-now to let it decide deletions (the state history records it)")]
    }

    /// Of the objects to adopt, those an interrupted run of decant copied (an open
    /// copy intent): apply records them as decant's copies, not as adopted.
    func interruptedCopies(_ adoptions: SpooledList) async throws -> String? {
        guard let state, !adoptions.isEmpty else { return nil }
        var serials: Set<Int64> = []
        var ours = 0
        for batch in adoptions.batches {
            let items = try batch.items()
            let intents = try await state.openCopyIntents(targets: items.compactMap(\.target))
            guard !intents.isEmpty else { continue }
            for item in items {
                guard let target = item.target,
                      let intent = intents[StateStore.intentKey(target.bucket, target.name)]?.first(where: { $0.wrote(target, from: item.source) })
                else { continue }
                serials.insert(intent.serial)
                ours += 1
            }
        }
        guard ours > 0 else { return nil }
        return "\(ours) of the objects to adopt were copied by an interrupted run of decant (serial "
            + serials.sorted().map(String.init).joined(separator: ", ")
            + "): apply records them as decant's copies, which a rollback removes"
    }

    // MARK: - Selection

    struct Selection {
        var buckets: [BucketSpec]
        var migrations: [Migration]
        var isEverything: Bool
    }

    func select(_ plan: Plan, _ options: PlanOptions) throws -> Selection {
        var migrations = plan.migrations
        var buckets = plan.buckets
        var isEverything = true
        if let phase = options.phase {
            isEverything = false
            migrations = migrations.filter { $0.phase == phase }
            guard !migrations.isEmpty else { throw EngineError.noMigrationInPhase(phase) }
            let targets = Set(migrations.map(\.target.bucket))
            buckets = buckets.filter { targets.contains($0.name) }
        }
        if !options.targets.isEmpty {
            isEverything = false
            var keepMigrations: Set<String> = []
            var keepBuckets: Set<String> = []
            for target in options.targets {
                if let m = migrations.first(where: { $0.key == target }) {
                    keepMigrations.insert(m.key)
                    keepBuckets.insert(m.target.bucket)
                } else if let b = buckets.first(where: { $0.key == target || $0.name == target }) {
                    keepBuckets.insert(b.name)
                } else if let phase = options.phase, let other = plan.migrations.first(where: { $0.key == target }) {
                    throw EngineError.targetOutsidePhase(target, phases: [other.phase], selected: phase)
                } else if let phase = options.phase,
                          let bucket = plan.buckets.first(where: { $0.key == target || $0.name == target }) {
                    let phases = Set(plan.migrations.filter { $0.target.bucket == bucket.name }.map(\.phase)).sorted()
                    throw EngineError.targetOutsidePhase(target, phases: phases, selected: phase)
                } else {
                    let names = plan.migrations.map(\.key) + plan.buckets.flatMap { [$0.key, $0.name] }
                    throw EngineError.unknownTarget(target, suggestion: Suggest.closest(to: target, among: names))
                }
            }
            migrations = migrations.filter { keepMigrations.contains($0.key) }
            buckets = buckets.filter { keepBuckets.contains($0.name) }
        }
        return Selection(buckets: buckets, migrations: migrations, isEverything: isEverything)
    }

    // MARK: - Observation

    func observeBuckets(_ names: [String], width: Int) async throws -> [String: BucketInfo?] {
        let store = self.store
        let infos = try await AsyncLimiter(width: width).map(names) { try await store.getBucket($0) }
        var out: [String: BucketInfo?] = [:]
        for (name, info) in zip(names, infos) { out[name] = .some(info) }
        return out
    }

    func planBucket(_ spec: BucketSpec, observed: BucketInfo?, project: String?) -> (BucketPlan, [Action], [Diagnostic]) {
        let desired = spec.effectiveSettings
        guard let observed else {
            let action = Action(id: ActionID("create_bucket", spec.name), kind: .createBucket, bucket: spec.name,
                                reason: .bucketMissing(key: spec.key, origin: spec.origin),
                                payload: .createBucket(BucketCreation(name: spec.name, project: spec.project ?? project, settings: desired)))
            return (BucketPlan(key: spec.key, name: spec.name, status: .create, settings: desired), [action], [])
        }
        let diff = BucketDiff(desired: desired, observed: observed.settings, capabilities: store.capabilities)
        var actions: [Action] = []
        var diagnostics: [Diagnostic] = []
        for change in diff.immutable {
            diagnostics.append(.error("bucket \(spec.name) has \(change.field.rawValue) \(change.before ?? "unset") but the plan says \(change.after ?? "unset"); it is fixed at creation",
                                      at: spec.origin, hint: "change the plan, or migrate to a new bucket"))
        }
        if !diff.patch.isEmpty {
            actions.append(Action(id: ActionID("update_bucket", spec.name), kind: .updateBucket, bucket: spec.name,
                                  reason: .settingsDiffer(diff.changes),
                                  payload: .patchBucket(BucketChange(name: spec.name, patch: diff.patch, changes: diff.changes,
                                                                     previous: observed.settings,
                                                                     expectedMetageneration: observed.metageneration))))
        }
        if let change = diff.lifecycleChange, let rules = desired.lifecycle {
            let dependsOn = actions.map(\.id)
            actions.append(Action(id: ActionID("set_lifecycle", spec.name), kind: .setLifecycle, bucket: spec.name,
                                  reason: .lifecycleDiffers(policy: spec.lifecyclePolicy),
                                  dependsOn: dependsOn,
                                  payload: .patchBucket(BucketChange(name: spec.name, patch: BucketPatch(lifecycle: rules),
                                                                     changes: [change], previous: observed.settings,
                                                                     expectedMetageneration: dependsOn.isEmpty ? observed.metageneration : nil))))
        }
        let status: BucketPlan.Status = actions.isEmpty ? .unchanged : .update
        let changes = diff.changes + (diff.lifecycleChange.map { [$0] } ?? [])
        return (BucketPlan(key: spec.key, name: spec.name, status: status, changes: changes, notCompared: diff.notCompared),
                actions, diagnostics)
    }

    // MARK: - Migrations

    func diffMigrations(_ migrations: [Migration], plan: Plan, observed: [String: BucketInfo?], now: Date, deletionNow: Date,
                        holds: ReferenceHolds, options: PlanOptions, spool: ObjectSpool) async throws -> [MigrationOutcome] {
        let store = self.store, state = self.state
        return try await AsyncLimiter(width: options.listingWidth).map(migrations) { migration in
            let targetInfo = observed[migration.target.bucket] ?? nil
            var differ = MigrationDiffer(
                migration: migration, store: store, state: state, now: now, deletionNow: deletionNow, targetExists: targetInfo != nil,
                targetSpec: plan.bucket(named: migration.target.bucket),
                codeHold: holds.hold(for: migration), allowReferences: options.allowReferences, spool: spool)
            differ.cost = options.pricing.map { CostPlanning.setup(migration, plan: plan, observed: observed, pricing: $0, now: now).tally }
            let movement = Self.movement(migration, source: observed[migration.source.bucket] ?? nil, target: targetInfo,
                                         targetSpec: plan.bucket(named: migration.target.bucket))
            if (observed[migration.source.bucket] ?? nil) == nil {
                var outcome = MigrationOutcome(report: MigrationPlan(
                    key: migration.key, phase: migration.phase, description: migration.description,
                    source: migration.source, target: migration.target, movement: movement))
                outcome.report.blockers.append("source bucket \(migration.source.bucket) does not exist")
                return outcome
            }
            return try await differ.run(movement: movement)
        }
    }

    static func movement(_ migration: Migration, source: BucketInfo?, target: BucketInfo?, targetSpec: BucketSpec?) -> DataMovement {
        let targetLocation = target?.settings.location ?? targetSpec?.settings.location
        let targetClass = migration.storageClass ?? target?.settings.storageClass ?? targetSpec?.settings.storageClass
        guard let sourceLocation = source?.settings.location, let targetLocation else {
            return .unknown("location of \(source?.settings.location == nil ? migration.source.bucket : migration.target.bucket) unknown")
        }
        let sourceClass = source?.settings.storageClass ?? .standard
        let destinationClass = targetClass ?? .standard
        if sourceLocation.uppercased() == targetLocation.uppercased(), sourceClass == destinationClass { return .metadataOnly }
        return .moves(fromLocation: sourceLocation, toLocation: targetLocation, fromClass: sourceClass, toClass: destinationClass)
    }

    func migrationDiagnostics(_ migration: Migration, outcome: MigrationOutcome, plan: Plan,
                              observed: [String: BucketInfo?]) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for (name, problem) in outcome.unsafeNames.prefix(20) {
            out.append(.error("\(migration.key): object name `\(name)` \(problem); decant will not map it", at: migration.origin))
        }
        if outcome.unsafeNames.count > 20 {
            out.append(.error("\(migration.key): \(outcome.unsafeNames.count - 20) more unsafe object names", at: migration.origin))
        }
        for collision in outcome.report.collisions.prefix(20) {
            out.append(.error("\(migration.key): \(collision.sources.joined(separator: ", ")) would be copied to \(collision.target), inside a folder another subfolder rename writes to",
                              at: migration.origin, hint: "rename that folder too, or exclude it"))
        }
        if (observed[migration.source.bucket] ?? nil) == nil {
            out.append(.error("\(migration.key): source bucket \(migration.source.bucket) does not exist", at: migration.origin))
        }
        if !outcome.report.conflicts.isZero {
            out.append(.warning("\(migration.key) is blocked: \(outcome.report.conflicts.objects) target object(s) differ from their source",
                                at: migration.origin, hint: "inspect them, then set `overwrite: different` to replace them"))
        }
        return out
    }

    // MARK: - Leftovers

    func findLeftovers(_ plan: Plan, observed: [String: BucketInfo?]) async throws -> LeftoverReport {
        let bySource = Dictionary(grouping: plan.migrations, by: \.source.bucket)
        var entries: [LeftoverReport.Entry] = []
        for bucket in bySource.keys.sorted() where (observed[bucket] ?? nil) != nil {
            entries += try await LeftoverFinder(store: store).find(bucket: bucket, sources: bySource[bucket]!.map(\.source.prefix))
        }
        return LeftoverReport(entries: entries)
    }
}

extension Plan {
    /// The project buckets are created in when a bucket does not name one.
    var storageProject: String? {
        if case .gcs(let project, _, _) = storage { return project }
        return nil
    }
}
