import DecantCore
import DecantEngine
import DecantState
import DecantStorage
import Foundation
import TestSupport
import Testing

/// Copies by Storage Transfer Service (issue 18), against `TransferTestServer`
/// copying on the same store decant plans against: the engine choice and its
/// reasons, one job a prefix mapping, copies checked and recorded as decant's,
/// the deletion gate and rollback as for API copies, a killed apply watching its
/// job's operation again, failed objects reported and left in the source.
@Suite struct TransferEngineTests {
    static let archive = "archive-bucket-dev"

    static func plan(engine: CopyEngine = .transferService, cleanup: CleanupPolicy? = nil,
                     thresholds: EngineThresholds = EngineThresholds()) -> Plan {
        var plan = EngineFixture.historizationPlan(cleanup: cleanup)
        plan.migrations[0].engine = engine
        plan.engines = thresholds
        return plan
    }

    /// Applies with a client of `server`, polling fast; `observer` sees the events.
    static func apply(_ f: EngineFixture, _ changes: PlannedChanges, server: TransferTestServer,
                      observer: any ApplyObserver = SilentObserver(), actionParallelism: Int = 8) async throws -> ApplyResult {
        var options = ApplyOptions(parallelism: 8, actionParallelism: actionParallelism)
        options.transferPoll = TransferPollPolicy(initialInterval: 0.001, maximumInterval: 0.01, multiplier: 2)
        return try await Applier(store: f.store, state: f.state, clock: f.clock, observer: observer, transfer: client(server))
            .apply(changes, options: options)
    }

    static func client(_ server: TransferTestServer) -> TransferClient {
        TransferClient(endpoint: server.endpoint, projectId: "decant-test", tokens: nil, quotas: .unlimited)
    }

    static func transferActions(_ changes: PlannedChanges) -> [Action] {
        changes.graph.actions.filter { $0.reason.transferMapping != nil }
    }

    @Test func autoPicksTheEngineByThresholdAndThePlanSaysWhy() async throws {
        let f = try await EngineFixture()
        defer { f.directory.remove() }
        try await f.fillHistorization()
        let below = try await f.plan(Self.plan(engine: .auto))
        #expect(below.migrations[0].engine == EngineChoice(engine: .api, why: .belowThresholds(bytes: 1 << 40, objects: 10_000_000)))
        #expect(Self.transferActions(below).isEmpty)

        let byObjects = try await f.plan(Self.plan(engine: .auto, thresholds: EngineThresholds(transferServiceAboveObjects: 4)))
        #expect(byObjects.migrations[0].engine == EngineChoice(engine: .transferService, why: .objectsAbove(objects: 5, threshold: 4)))
        let byBytes = try await f.plan(Self.plan(engine: .auto, thresholds: EngineThresholds(transferServiceAboveBytes: 10)))
        #expect(byBytes.migrations[0].engine?.why.code == "bytes_above_threshold")
        let asked = try await f.plan(Self.plan(engine: .api, thresholds: EngineThresholds(transferServiceAboveBytes: 0)))
        #expect(asked.migrations[0].engine == EngineChoice(engine: .api, why: .requested))
    }

    @Test func oneJobPerPrefixMappingSelectingByPrefixWhenTheTargetIsEmpty() async throws {
        let f = try await EngineFixture()
        defer { f.directory.remove() }
        try await f.fillHistorization()
        let changes = try await f.plan(Self.plan())
        let mappings = Self.transferActions(changes).compactMap(\.reason.transferMapping)
        // The migration's own prefixes (minus the renamed folders), and one job per rename.
        #expect(mappings.map(\.index) == [0, 1, 2])
        #expect(mappings[0].source.prefix == "historization/" && mappings[0].target.prefix == "archives/")
        #expect(mappings[0].excludePrefixes == ["int_firebase/", "tracking/"])
        #expect(mappings[1].source.prefix == "historization/tracking/" && mappings[1].target.prefix == "archives/firebase_tracking/")
        #expect(mappings.allSatisfy { $0.selection == .prefixes })
        #expect(Self.transferActions(changes).map(\.reason.code) == Array(repeating: "copy_transfer_service", count: 3))
        // Every planned copy is in exactly one job.
        #expect(Self.transferActions(changes).reduce(0) { $0 + $1.objects.count } == 5)
        // A saved plan carries the jobs as reviewed.
        let path = f.directory.path + "/saved.json"
        try SavedPlan(plan: Self.plan(), changes: changes).write(to: path)
        #expect(try SavedPlan.read(from: path).changes.graph.actions == changes.graph.actions)
    }

    @Test func appliesVerifiesRecordsCleansUpAndRollsBackLikeAPICopies() async throws {
        let f = try await EngineFixture()
        defer { f.directory.remove() }
        try await f.fillHistorization()
        let sources = try await f.contents(EngineFixture.source)
        let server = try TransferTestServer(store: f.store)
        defer { server.stop() }
        let changes = try await f.plan(Self.plan(cleanup: CleanupPolicy(deleteSource: true, after: .days(14))))
        let events = Locked<[TransferProgress]>([])
        let result = try await Self.apply(f, changes, server: server, observer: TransferEvents(events))
        #expect(result.status == .succeeded, "\(result.outcomes.flatMap(\.errors))")
        #expect(await f.names(Self.archive).count == 5)
        #expect(!(await f.names(Self.archive)).contains { $0.hasPrefix("_decant/") }, "a manifest was left behind")
        #expect(server.jobNames.count == 3)
        #expect(!events.current.isEmpty, "no progress from the operations")
        // Recorded as decant's copies, checksum-verified, the operations journaled.
        let stats = try await f.state.stats()
        #expect(stats.adoptedCopies == 0)
        #expect(try await f.state.history().last?.ledger.objectsCopied == 5)
        let journal = try await f.state.journal(serial: 1)
        #expect(journal.filter { $0.actionID.rawValue.hasPrefix("transfer:") }.count == 3)
        #expect(journal.filter { $0.actionID.rawValue.hasPrefix("transfer:") }.allSatisfy { $0.state == .done })

        // Cleanup waits for the validation period, then deletes the sources behind the gate.
        #expect(try await f.plan(Self.plan(cleanup: CleanupPolicy(deleteSource: true, after: .days(14))))
            .graph.actions.filter { $0.kind == .deleteSource }.isEmpty)
        let later = FixedClock(parsing: "2026-12-05T12:00:00Z")!
        let cleanup = try await f.plan(Self.plan(cleanup: CleanupPolicy(deleteSource: true, after: .days(14))), clock: later)
        #expect(cleanup.graph.actions.filter { $0.kind == .deleteSource }.reduce(0) { $0 + $1.objects.count } == 5)
        #expect(try await Self.apply(f, cleanup, server: server).status == .succeeded)
        #expect(await f.names(EngineFixture.source).count == 2)

        let rollback = try await f.rollback(try await f.rollbackPlan(to: 0))
        #expect(rollback.status == .succeeded, "\(rollback.outcomes.flatMap(\.errors))")
        #expect(try await f.contents(EngineFixture.source) == sources)
        #expect(try await f.store.getBucket(Self.archive) == nil, "decant's copies or its bucket are left behind")
    }

    /// A job's copies are verified by several verify actions (a batch each, all after
    /// the one copy action): each finds its own batch's copies.
    @Test func aJobLargerThanABatchIsVerifiedBatchByBatch() async throws {
        let f = try await EngineFixture()
        defer { f.directory.remove() }
        try await f.fillHistorization()
        for i in 0..<7 { try await f.put("historization/api_reco/ctx/more-\(i).parquet", "more \(i)") }
        let server = try TransferTestServer(store: f.store)
        defer { server.stop() }
        var plan = Self.plan()
        plan.migrations[0].batchSize = 2
        let changes = try await f.plan(plan)
        let verifies = changes.graph.actions.filter { $0.kind == .verify && $0.id.rawValue.contains("transfer-0000-") }
        #expect(verifies.count == 5, "\(verifies.map(\.id))")
        // Planned a batch at a time: the job's copy action names its batches in the spool, and a saved plan carries them.
        let job = try #require(changes.graph.actions.first { $0.id == ActionID("copy", "historization", "transfer-0000") })
        guard case .spooledList(let list) = job.payload else { Issue.record("the job's objects are held in memory"); return }
        #expect(list.batches.map(\.count) == [2, 2, 2, 2, 1])
        #expect(try SavedPlan.decode(SavedPlan(plan: plan, changes: changes).encoded(), path: "saved").changes.graph.actions
            .first { $0.id == job.id }?.loadObjects() == job.loadObjects())
        // One action at a time: each verify runs after the one before it has taken its copies.
        let result = try await Self.apply(f, changes, server: server, actionParallelism: 1)
        #expect(result.status == .succeeded, "\(result.outcomes.flatMap(\.errors))")
        #expect(try await f.state.stats().verifiedCopies == 12)
    }

    /// A job selecting by prefix copies an object that reached the source after
    /// planning: decant records it as its own copy, and `rollback --to 0` removes it.
    @Test func whatAPrefixJobCopiedBeyondThePlanIsDecantsAndRolledBack() async throws {
        let f = try await EngineFixture()
        defer { f.directory.remove() }
        try await f.fillHistorization()
        let server = try TransferTestServer(store: f.store)
        defer { server.stop() }
        let changes = try await f.plan(Self.plan())
        try await f.put("historization/api_reco/ctx/2024-01-02.parquet", "arrived after planning")
        let sources = try await f.contents(EngineFixture.source)
        #expect(try await Self.apply(f, changes, server: server).status == .succeeded)
        #expect(await f.names(Self.archive).contains("archives/api_reco/ctx/2024-01-02.parquet"))
        #expect(try await f.state.history().last?.ledger.objectsCopied == 6)
        let next = try await f.plan(Self.plan())
        #expect(next.migrations[0].adopt.objects == 1, "the late copy is verified by the next apply")
        #expect(try await Self.apply(f, next, server: server).status == .succeeded)
        #expect(try await f.state.stats().adoptedCopies == 0)
        #expect(try await f.rollback(try await f.rollbackPlan(to: 0)).status == .succeeded)
        #expect(try await f.store.getBucket(Self.archive) == nil, "the late copy was left behind")
        #expect(try await f.contents(EngineFixture.source) == sources)
    }

    @Test func aSelectionPrefixesCannotExpressGoesByAManifestThatIsRemovedAfter() async throws {
        let f = try await EngineFixture()
        defer { f.directory.remove() }
        try await f.fillHistorization()
        let server = try TransferTestServer(store: f.store)
        defer { server.stop() }
        var plan = Self.plan()
        plan.migrations[0].exclude = ["applicative/**"]
        let changes = try await f.plan(plan)
        let mappings = Self.transferActions(changes).compactMap(\.reason.transferMapping)
        #expect(mappings.allSatisfy { $0.selection == .manifest(why: .globs) })
        #expect(changes.migrations[0].warnings.contains { $0.hasPrefix("Storage Transfer Service's service agent must read gs://data-bucket-dev") })
        #expect(try await Self.apply(f, changes, server: server).status == .succeeded)
        let names = await f.names(Self.archive)
        #expect(names.count == 4)
        #expect(!names.contains { $0.hasPrefix("archives/applicative/") }, "the manifest did not select")
        #expect(!names.contains { $0.hasPrefix("_decant/") }, "a manifest was left behind")
    }

    @Test func failedObjectsAreReportedLeftInTheSourceAndNeverPassTheGate() async throws {
        let f = try await EngineFixture()
        defer { f.directory.remove() }
        try await f.fillHistorization()
        let server = try TransferTestServer(store: f.store)
        defer { server.stop() }
        let failing = "historization/api_reco/ctx/2024-01-01.parquet"
        server.updateFaults { $0.failingObjects[failing] = .init() }
        let cleanup = CleanupPolicy(deleteSource: true, after: .days(0))
        let result = try await Self.apply(f, try await f.plan(Self.plan(cleanup: cleanup)), server: server)
        #expect(result.status == .failed)
        let errors = result.outcomes.flatMap(\.errors)
        #expect(errors.contains { $0.contains("archives/api_reco/ctx/2024-01-01.parquet") && $0.contains("not copied by the transfer job") },
                "\(errors)")
        #expect(try await f.state.history().last?.ledger.objectsCopied == 4)
        #expect(await f.names(EngineFixture.source).count == 7, "a source was deleted although its job failed")

        // The next apply copies the failed one again (by a manifest: the target holds the others),
        // verifies everything and only then deletes.
        server.updateFaults { $0.failingObjects = [:] }
        let next = try await f.plan(Self.plan(cleanup: cleanup))
        #expect(Self.transferActions(next).flatMap(\.objects).map(\.source.name) == [failing])
        let result2 = try await Self.apply(f, next, server: server)
        #expect(result2.status == .succeeded, "\(result2.outcomes.flatMap(\.errors))")
        #expect(await f.names(Self.archive).count == 5)
        #expect(await f.names(EngineFixture.source).count == 2)
    }

    /// An operation that aborts midway: what it copied is recorded, the rest is
    /// reported with the operation's end and copied by the next apply, the same job run again.
    @Test func anAbortedOperationIsReportedAndTheNextApplyFinishes() async throws {
        let f = try await EngineFixture()
        defer { f.directory.remove() }
        try await f.fillHistorization()
        let server = try TransferTestServer(store: f.store, options: .init(objectsPerStep: 1))
        defer { server.stop() }
        var plan = Self.plan()
        plan.migrations[0].subfolders = []
        server.updateFaults { $0.abortNextOperationAfter = 2 }
        let first = try await Self.apply(f, try await f.plan(plan), server: server)
        #expect(first.status == .failed)
        let errors = first.outcomes.flatMap(\.errors)
        #expect(errors.contains { $0.contains("not copied by the transfer job") && $0.contains("ended ABORTED") }, "\(errors)")
        #expect(try await f.state.history().last?.ledger.objectsCopied == 2)
        #expect(try await f.state.journal(serial: 1).contains { $0.actionID.rawValue.hasPrefix("transfer:") && $0.state == .failed })

        let next = try await f.plan(plan)
        #expect(Self.transferActions(next).first?.reason.transferMapping?.selection == .manifest(why: .targetNotEmpty))
        #expect(try await Self.apply(f, next, server: server).status == .succeeded)
        #expect(await f.names(Self.archive).count == 5)
        let job = try #require(server.jobNames.first)
        #expect(server.jobNames.count == 1 && server.operationNames(ofJob: job).count == 2)
    }

    /// A killed apply: its job's operation goes on without it. The next apply finds
    /// the job by its name and the operation in the journal, watches that operation
    /// to its end instead of starting another, and records what it copied as decant's.
    @Test func aResumedApplyWatchesTheSameOperationAndStartsNoOther() async throws {
        let f = try await EngineFixture()
        defer { f.directory.remove() }
        try await f.fillHistorization()
        let server = try TransferTestServer(store: f.store, options: .init(objectsPerStep: 1))
        defer { server.stop() }
        var plan = Self.plan()
        plan.migrations[0].subfolders = []  // one job
        let changes = try await f.plan(plan)
        // The first apply stops watching once the operation has copied something (a kill, in effect).
        let task = Locked<Task<ApplyResult, any Error>?>(nil)
        let observer = CancelOnTransfer { progress in
            if progress.counters.objectsCopiedToSink >= 2 { task.current?.cancel() }
        }
        let first = Task { try await Self.apply(f, changes, server: server, observer: observer) }
        task.withLock { $0 = first }
        let cut = try await first.value
        #expect(cut.status == .failed)
        let job = try #require(server.jobNames.first)
        let operation = try #require(server.operationNames(ofJob: job).first)
        #expect(server.status(ofOperation: operation) == "IN_PROGRESS")
        #expect(try await f.state.journal(serial: 1).contains { $0.actionID.rawValue == "transfer:\(job)@\(operation)" && $0.state == .intent })

        let resumed = try await f.plan(plan)
        #expect(try await Self.apply(f, resumed, server: server).status == .succeeded)
        #expect(server.jobNames == [job], "another job was made")
        #expect(server.operationNames(ofJob: job) == [operation], "another operation was started")
        #expect(server.requests.filter { $0.method == "POST" && $0.path.hasSuffix(":run") }.count == 1)
        #expect(await f.names(Self.archive).count == 5)
        #expect(try await f.state.stats().adoptedCopies == 0, "copies the killed apply's job made were recorded as adopted")
        let rollback = try await f.rollback(try await f.rollbackPlan(to: 0))
        #expect(rollback.status == .succeeded)
        #expect(try await f.store.getBucket(Self.archive) == nil)
    }
}

/// Collects the transfer polls of an apply.
struct TransferEvents: ApplyObserver {
    let events: Locked<[TransferProgress]>
    init(_ events: Locked<[TransferProgress]>) { self.events = events }
    func handle(_ event: ApplyEvent) {
        if case .transfer(let progress) = event { events.withLock { $0.append(progress) } }
    }
}

/// Calls `body` on every transfer poll.
struct CancelOnTransfer: ApplyObserver {
    let body: @Sendable (TransferProgress) -> Void
    func handle(_ event: ApplyEvent) {
        if case .transfer(let progress) = event { body(progress) }
    }
}
