import DecantCore
import DecantState
import DecantStorage
import Foundation

/// How to apply.
public struct ApplyOptions: Sendable {
    /// Store requests in flight at once, across all actions (server-side copies are
    /// cheap for the client: the default is wide).
    public var parallelism: Int
    /// Actions running at once.
    public var actionParallelism: Int
    /// Refuse to delete more source objects than this in one run.
    public var maxDelete: Int
    /// The code root for rewrite_code actions (absolute).
    public var codeRoot: String?
    /// How often remote state is checkpointed during a long run.
    public var checkpointInterval: TimeInterval
    /// How often a Storage Transfer Service operation is polled (bounded backoff).
    public var transferPoll: TransferPollPolicy = .standard
    /// `Migration.inputsDigest` by migration key: each migration the run applies is
    /// recorded under it (`migration_outcomes`), for a later environment's promotion.
    public var migrationDigests: [String: String] = [:]
    /// Migrations the promotion gate refused and `--ignore-promotion` let through,
    /// with why: recorded with the run.
    public var promotionIgnored: [String: String] = [:]

    public init(parallelism: Int = 128, actionParallelism: Int = 8, maxDelete: Int = 1000, codeRoot: String? = nil,
                checkpointInterval: TimeInterval = 30) {
        self.parallelism = parallelism
        self.actionParallelism = actionParallelism
        self.maxDelete = maxDelete
        self.codeRoot = codeRoot
        self.checkpointInterval = checkpointInterval
    }
}

/// Writes a code edit atomically if the file is still as planned (the code
/// module's `CodeFiles.apply`), injected so the engine stays testable.
public typealias CodeEditWriter = @Sendable (CodeEdit, String) throws -> Void

/// Carries out an action graph: independent actions concurrently, dependencies
/// respected, every action journaled before and after, every copy recorded and
/// verified, every deletion gated again on the ledger and the live copy. A failed
/// action fails the actions that depend on it; everything that succeeded is recorded.
public struct Applier: Sendable {
    public let store: any ObjectStore
    public let state: StateStore
    public let clock: any Clock
    public let observer: any ApplyObserver
    public let writeCode: CodeEditWriter?
    /// Makes the state durable where it lives (the GCS backend uploads it); called
    /// every `checkpointInterval` and at the end.
    public let persist: @Sendable () async throws -> Void
    /// Throws unless this run still holds the state lock (`decant state unlock`
    /// may have taken it): checked before a run is recorded as succeeded.
    public let checkLock: @Sendable () async throws -> Void
    /// Storage Transfer Service, for copies by `transfer_service`; nil when the plan has none.
    public let transfer: TransferClient?

    public init(store: any ObjectStore, state: StateStore, clock: any Clock = SystemClock(),
                observer: any ApplyObserver = SilentObserver(), writeCode: CodeEditWriter? = nil,
                persist: @escaping @Sendable () async throws -> Void = {},
                checkLock: @escaping @Sendable () async throws -> Void = {}, transfer: TransferClient? = nil) {
        self.store = store
        self.state = state
        self.persist = persist
        self.checkLock = checkLock
        self.transfer = transfer
        self.clock = clock
        self.observer = observer
        self.writeCode = writeCode
    }

    public func apply(_ changes: PlannedChanges, kind: RunKind = .apply, rollbackTo: Int64? = nil,
                      options: ApplyOptions = ApplyOptions()) async throws -> ApplyResult {
        guard !changes.hasErrors else { throw EngineError.planHasErrors(changes.diagnostics.errors.count) }
        // A rollback plan runs only as a rollback run, and a rollback run only runs one.
        guard (kind == .rollback) == (changes.rollback != nil), kind != .rollback || rollbackTo == changes.rollback?.target else {
            throw EngineError.wrongRunKind(kind)
        }
        let deleting = changes.graph.actions.filter { $0.kind == .deleteSource }.reduce(0) { $0 + $1.objectTally.objects }
        if deleting > options.maxDelete { throw EngineError.tooManyDeletions(deleting, limit: options.maxDelete) }

        let startedAt = clock.now()
        let stopwatch = ContinuousClock.now
        try await reconcilePendingDeletions()
        var startSummary = Self.summary(changes)
        if !options.promotionIgnored.isEmpty { startSummary[RunRecord.promotionIgnoredKey] = Int64(options.promotionIgnored.count) }
        let serial = try await state.beginRun(RunStart(
            kind: kind, planDigest: changes.inputDigest, inputDigest: changes.inputDigest, summary: startSummary,
            rollbackTo: rollbackTo, pinnedNow: changes.pinnedNow?.at,
            deletesByPinnedNow: deleting > 0 && changes.pinnedNow?.decidesFutureDeletions == true))
        // Progress counts each object once: its copy (or its adoption), its deletion.
        let totals = changes.graph.actions.reduce(Tally()) { $0 + ($1.kind == .verify ? $1.adoptedTally : $1.objectTally) }
        observer.handle(.started(serial: serial, actions: changes.graph.count, objects: totals.objects, bytes: totals.bytes))

        let environment = RunEnvironment(applier: self, serial: serial, limiter: AsyncLimiter(width: options.parallelism),
                                         options: options,
                                         migrations: Dictionary(changes.migrations.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a }))
        let checkpoints = Task {
            while !Task.isCancelled {
                try? await Task.sleep(nanoseconds: UInt64(options.checkpointInterval * 1_000_000_000))
                if !Task.isCancelled { try? await persist() }
            }
        }
        // A dead endpoint stops the run: nothing more is started, what is in flight fails fast and is journaled.
        let store = self.store
        let stop: @Sendable () -> String? = { store.unavailable.map { _ in "the storage endpoint stopped answering" } }
        let outcomes = await Scheduler(graph: changes.graph, width: options.actionParallelism, stop: stop).run { action in
            await environment.run(action)
        }
        checkpoints.cancel()
        // A run whose lock someone removed (`decant state unlock`) may have raced
        // another: it is never recorded as succeeded.
        var lockError: (any Error)?
        do { try await checkLock() } catch { lockError = error }
        let failed = lockError != nil || outcomes.contains { $0.status != .succeeded }
        let status: RunStatus = failed ? .failed : .succeeded
        let elapsed = ContinuousClock.now - stopwatch
        let result = ApplyResult(serial: serial, status: status, startedAt: startedAt, finishedAt: clock.now(),
                                 elapsed: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18,
                                 outcomes: outcomes)
        var summary = Self.summary(result)
        if lockError != nil { summary[RunRecord.lockLostKey] = 1 }
        if !options.promotionIgnored.isEmpty { summary[RunRecord.promotionIgnoredKey] = Int64(options.promotionIgnored.count) }
        if kind == .apply {
            try await state.recordMigrationOutcomes(serial: serial, Self.migrationOutcomes(
                changes, outcomes: outcomes, serial: serial, verifiable: lockError == nil, at: result.finishedAt, options: options))
        }
        try await state.finishRun(serial: serial, status: status, summary: summary)
        if let lockError {
            observer.handle(.finished(result))
            throw lockError
        }
        if case let .unavailable(endpoint, reason)? = store.unavailable {
            // The state may live behind the same endpoint: persisting is tried, not required, before saying so.
            try? await persist()
            observer.handle(.finished(result))
            throw EngineError.endpointUnavailable(kind, serial: serial, endpoint: endpoint, reason: reason,
                                                 unfinished: result.failed.count + result.skipped.count)
        }
        try await persist()
        observer.handle(.finished(result))
        return result
    }

    /// How each migration with a known definition digest ended: verified when the
    /// plan held nothing against it (no blocker, no conflict) and every action of
    /// it succeeded, copies and their verification included.
    static func migrationOutcomes(_ changes: PlannedChanges, outcomes: [ActionOutcome], serial: Int64, verifiable: Bool,
                                  at finished: Date, options: ApplyOptions) -> [MigrationOutcomeRecord] {
        let failedMigrations = Set(outcomes.filter { $0.status != .succeeded }.compactMap(\.migration))
        return changes.migrations.compactMap { m in
            guard let digest = options.migrationDigests[m.key] else { return nil }
            let verified = verifiable && m.blockers.isEmpty && m.conflicts.isZero && !failedMigrations.contains(m.key)
            return MigrationOutcomeRecord(serial: serial, migration: m.key, inputsDigest: digest, verified: verified,
                                          finished: finished, promotionIgnored: options.promotionIgnored[m.key])
        }
    }

    /// Counts recorded with the run, for `decant state history`.
    static func summary(_ changes: PlannedChanges) -> [String: Int64] {
        let s = changes.summary
        return ["planned_buckets_created": Int64(s.bucketsToCreate), "planned_buckets_updated": Int64(s.bucketsToUpdate),
                "planned_objects_copied": Int64(s.copy.objects), "planned_bytes_copied": s.copy.bytes,
                "planned_objects_adopted": Int64(s.adopt.objects), "planned_objects_deleted": Int64(s.delete.objects),
                "planned_files_edited": Int64(s.filesToEdit)]
    }

    static func summary(_ result: ApplyResult) -> [String: Int64] {
        ["actions_succeeded": Int64(result.succeeded.count), "actions_failed": Int64(result.failed.count),
         "actions_skipped": Int64(result.skipped.count),
         "objects_copied": Int64(result.total([.copy, .restoreObject]).objects),
         "bytes_copied": result.total([.copy, .restoreObject]).bytes,
         "objects_deleted": Int64(result.total([.deleteSource, .deleteCopy]).objects)]
    }

    /// Deletions a cut-short run recorded as pending: confirmed when the source
    /// generation is gone, dropped when it is still there.
    func reconcilePendingDeletions() async throws {
        let pending = try await state.pendingDeletions()
        guard !pending.isEmpty else { return }
        var done: [Int64] = [], kept: [Int64] = []
        for row in pending {
            let live = try await store.headObject(row.object.bucket, row.object.name, generation: row.object.generation)
            if live == nil { done.append(row.id) } else { kept.append(row.id) }
        }
        try await state.markDeletionsDone(done)
        try await state.discardPendingDeletions(kept)
    }
}
