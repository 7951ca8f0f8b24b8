import DecantCore
import DecantEngine
import DecantPlanFile
import DecantState
import DecantStorage
import Foundation

/// The live wiring of one command for one environment: the plan files, the store,
/// the state and the code, resolved against the working directory (`--chdir`).
/// This is the only place live implementations are chosen.
struct Workspace {
    let context: CommandContext
    /// The plan directory, read and parsed once; each environment is resolved from it when asked.
    let plans: PlanSet
    let environment: String
    let clock: any Clock
    /// `--now` beside the real clock (and `--allow-future-now`); nil without `--now`.
    let pinnedNow: PinnedNow?

    /// The common options: `--plans DIR`, `--env ENV`, `--now DATE`.
    init(_ arguments: ParsedArguments, _ context: CommandContext) throws {
        self.context = context
        guard let environment = arguments.value("env") else {
            throw CommandError("--env is required (the environment to work on, as declared in the plan files)")
        }
        self.environment = environment
        let directory = context.resolve(arguments.value("plans") ?? "plans")
        plans = PlanSet.read(directory: directory, shownAs: context.shown(directory))
        if let now = arguments.value("now") {
            guard let fixed = FixedClock(parsing: now) else {
                throw CommandError("--now \(now) is neither a date (2026-11-20) nor an RFC 3339 time (2026-11-20T10:00:00Z)")
            }
            clock = fixed
            pinnedNow = PinnedNow(at: fixed.instant, realClock: Date(), allowsFutureDeletions: arguments.flag("allow-future-now"))
        } else {
            clock = SystemClock()
            pinnedNow = nil
        }
    }

    static let options: [OptionSpec] = [
        OptionSpec("env", value: "ENV", help: "The environment (as declared under `environments:`)."),
        OptionSpec("plans", value: "DIR", help: "The plan directory (default: plans)."),
        OptionSpec("now", value: "TIME", help: "Pin the clock (2026-11-20 or an RFC 3339 time) for date ranges and validation periods."),
    ]

    /// The plan of `environment` (default: `--env`) and its diagnostics, printed once
    /// on standard error with the paths `validate` prints; throws when one is an error.
    /// `shownInPlan`: the command renders the plan, whose diagnostics carry the
    /// warnings, so only errors (no plan is rendered then) are printed here.
    func loadPlan(_ environment: String? = nil, shownInPlan: Bool = false) throws -> (Plan, [Diagnostic]) {
        let (plan, diagnostics) = plans.resolve(environment ?? self.environment)
        if !shownInPlan || diagnostics.hasErrors { PlanOutput.printDiagnostics(diagnostics, context: context) }
        guard let plan, !diagnostics.hasErrors else {
            throw CommandError("the plan files have \(diagnostics.errors.count) error(s); nothing was done")
        }
        return (plan, diagnostics)
    }

    /// The code root of `plan`, resolved against the working directory; nil without `code:`.
    func codeRoot(_ plan: Plan) -> String? {
        plan.code.map { context.resolve($0.root) }
    }

    // MARK: - Store

    func store(for plan: Plan) throws -> any ObjectStore {
        switch plan.storage {
        case .local(let root):
            return LocalStore(root: context.resolve(root), options: LocalStore.Options(clock: clock))
        case let .gcs(project, endpoint, emulator):
            let profile = emulator.flatMap(GCSProfile.init(rawValue:)) ?? .gcs
            let log = RetryLog(console: context.console)
            return try GCSStore.fromEnvironment(endpoint: endpoint, project: project, profile: profile,
                                                environment: context.console.environment, observer: log.handle)
        }
    }

    /// Storage Transfer Service for `changes`, when a copy of it is by `transfer_service`
    /// (else nil): `DECANT_TRANSFER_ENDPOINT` or production, the storage project,
    /// the usual credentials. A local store works only with a local test server.
    func transferClient(for changes: PlannedChanges, plan: Plan) throws -> TransferClient? {
        guard changes.graph.actions.contains(where: { $0.reason.transferMapping != nil }) else { return nil }
        let environment = context.console.environment
        let endpoint = try TransferEndpoint.resolve(explicit: nil, environment: environment)
        let project: String
        switch plan.storage {
        case .gcs(let named, _, _):
            guard let named else {
                throw CommandError("copies by Storage Transfer Service need `storage.project` (the project that runs the jobs)")
            }
            project = named
        case .local:
            guard endpoint.isTestServer else {
                throw CommandError("copies by Storage Transfer Service need `storage.provider: gcs`; the local store works only "
                                   + "with a local test server in DECANT_TRANSFER_ENDPOINT")
            }
            project = "local"
        }
        return try TransferClient.fromEnvironment(projectId: project, environment: environment)
    }

    // MARK: - State

    func backend(for plan: Plan, store: any ObjectStore) -> any StateBackend {
        switch plan.state {
        case .local(let path):
            let resolved = context.resolve(path)
            return LocalStateBackend { _ in resolved }
        case let .gcs(bucket, prefix):
            return GCSStateBackend(store: store, bucket: bucket, prefix: prefix)
        }
    }

    /// Where the state lives, for messages (the backend names it, as every command does).
    func stateLocation(_ plan: Plan, store: any ObjectStore) -> String {
        backend(for: plan, store: store).location(environment: plan.environment)
    }

    /// The state for reading, without taking the lock (plan, show, history): nil
    /// for an environment never applied. A remote state is read from a private
    /// snapshot, removed when the store is closed.
    func readState(_ plan: Plan, store: any ObjectStore) async throws -> StateStore? {
        try await backend(for: plan, store: store).openForReading(environment: plan.environment, clock: clock)
    }

    /// Another environment's state, read without its lock and without writing to
    /// it: a private snapshot of a local state, or the private download the GCS
    /// backend reads from; nil for an environment never applied.
    func readOtherState(_ plan: Plan, store: any ObjectStore) async throws -> StateStore? {
        switch plan.state {
        case .local(let path):
            let resolved = context.resolve(path)
            return try StateReadCopy.open(path: resolved, location: context.shown(resolved), clock: clock)
        case .gcs:
            return try await readState(plan, store: store)
        }
    }

    /// `promotion.<env>` judged for `changes`: the earlier environment's state read
    /// through its own configured backend; nil when `plan` has no promotion.
    /// The soak is judged at `--now` unless that is ahead of the real clock
    /// without `--allow-future-now` (as deletions are).
    func promotionReport(_ plan: Plan, changes: PlannedChanges) async throws -> PromotionReport? {
        guard let promotion = plan.promotion, changes.rollback == nil else { return nil }
        let (fromPlan, _) = plans.resolve(promotion.from)
        guard let fromPlan else {
            throw CommandError("`promotion.\(plan.environment)` reads \(promotion.from)'s state, but \(promotion.from)'s plan has errors; "
                               + "run `decant validate --env \(promotion.from)`")
        }
        let fromStore = try store(for: fromPlan)
        let state = try await readOtherState(fromPlan, store: fromStore)
        let outcomes: [MigrationOutcomeRecord]
        let runs: [RunRecord]
        do {
            outcomes = try await state?.migrationOutcomes() ?? []
            runs = try await state?.runs() ?? []
        } catch {
            await state?.close()
            throw error
        }
        await state?.close()
        let now = pinnedNow?.deletionTime ?? clock.now()
        return PromotionGate.report(plan: plan, changes: changes, promotion: promotion, outcomes: outcomes, runs: runs,
                                    fromState: state?.location, at: now)
    }

    /// Runs `body` holding the state lock, with what makes the state durable where
    /// it lives and checks the lock is still held; releases the lock whatever happens.
    func withLockedState<T: Sendable>(_ plan: Plan, store: any ObjectStore, operation: String,
                                      _ body: (StateStore, StateDurability) async throws -> T) async throws -> T {
        let backend = backend(for: plan, store: store)
        if case .local(let path) = plan.state {
            try FileManager.default.createDirectory(atPath: (context.resolve(path) as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
        }
        let holder = LockInfo.current(operation: operation, clock: clock)
        let lease = try await backend.acquire(environment: plan.environment, holder: holder)
        let state: StateStore
        do {
            state = try StateStore.open(path: lease.databasePath, clock: clock, location: lease.location)
        } catch {
            try? await backend.release(lease)
            throw error
        }
        let durability = StateDurability(persist: { try await backend.persist(lease, store: state) },
                                         checkLock: { try await backend.checkHeld(lease) })
        do {
            let value = try await body(state, durability)
            try await keepOrDiscard(lease, state: state, backend: backend)
            try await backend.release(lease)
            return value
        } catch {
            // The run's error comes first; a state that could not be saved where it
            // lives (the same dead endpoint) is said too, with where its records are.
            var also: [String] = []
            do { try await keepOrDiscard(lease, state: state, backend: backend) } catch let saving { also.append(DecantCLI.describe(saving)) }
            do { try await backend.release(lease) } catch let releasing { also.append(DecantCLI.describe(releasing)) }
            guard !also.isEmpty else { throw error }
            throw CommandError(([DecantCLI.describe(error)] + also).joined(separator: "\nerror: "))
        }
    }

    /// Persists the state, except a new one nothing was recorded in (the run failed
    /// before its first serial: no credentials, a refused saved plan…): that one is
    /// removed, so that a run which changed nothing leaves no state behind either.
    private func keepOrDiscard(_ lease: StateLease, state: StateStore, backend: any StateBackend) async throws {
        if lease.isNew, (try? await state.currentSerial) == 0 {
            await state.close()
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: lease.databasePath + suffix) }
            return
        }
        do {
            try await backend.persist(lease, store: state)
        } catch {
            await state.close()
            throw error
        }
        await state.close()
    }
}

/// What a locked run needs from where its state lives (the Applier's `persist` and `checkLock`).
struct StateDurability: Sendable {
    var persist: @Sendable () async throws -> Void
    var checkLock: @Sendable () async throws -> Void
}
