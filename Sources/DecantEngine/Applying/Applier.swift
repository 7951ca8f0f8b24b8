import DecantCore
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

    public init(parallelism: Int = 32, actionParallelism: Int = 8, maxDelete: Int = 1000, codeRoot: String? = nil,
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
    public let recorder: any ApplyRecorder
    public let clock: any Clock
    public let observer: any ApplyObserver
    public let writeCode: CodeEditWriter?

    public init(store: any ObjectStore, recorder: any ApplyRecorder, clock: any Clock = SystemClock(),
                observer: any ApplyObserver = SilentObserver(), writeCode: CodeEditWriter? = nil) {
        self.store = store
        self.recorder = recorder
        self.clock = clock
        self.observer = observer
        self.writeCode = writeCode
    }

    public func apply(_ changes: PlannedChanges, kind: RunKind = .apply, options: ApplyOptions = ApplyOptions()) async throws -> ApplyResult {
        guard !changes.hasErrors else { throw ApplyError.planHasErrors(changes.diagnostics.errors.count) }
        let deleting = changes.graph.actions.filter { $0.kind == .deleteSource }.reduce(0) { $0 + $1.objects.count }
        if deleting > options.maxDelete { throw ApplyError.tooManyDeletions(deleting, limit: options.maxDelete) }

        let startedAt = clock.now()
        let summaryText = Self.describe(changes)
        let serial = try await recorder.beginRun(kind: kind, planDigest: changes.inputDigest, summary: summaryText)
        let totals = changes.graph.actions.reduce((0, Int64(0))) { acc, a in
            (acc.0 + a.objects.count, acc.1 + a.objects.reduce(0) { $0 + $1.content.size })
        }
        observer.handle(.started(serial: serial, actions: changes.graph.count, objects: totals.0, bytes: totals.1))

        let context = RunContext(store: store, recorder: recorder, clock: clock, observer: observer, writeCode: writeCode,
                                 serial: serial, limiter: AsyncLimiter(width: options.parallelism), options: options,
                                 migrations: Dictionary(changes.migrations.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a }))
        let outcomes = await Scheduler(graph: changes.graph, width: options.actionParallelism).run { action in
            await context.run(action)
        }
        let failed = outcomes.contains { $0.status != .succeeded }
        let status: RunStatus = failed ? .failed : .succeeded
        let result = ApplyResult(serial: serial, status: status, startedAt: startedAt, finishedAt: clock.now(), outcomes: outcomes)
        try await recorder.finishRun(serial: serial, status: status, summary: Self.describe(result))
        try await recorder.checkpoint()
        observer.handle(.finished(result))
        return result
    }

    static func describe(_ changes: PlannedChanges) -> String {
        let s = changes.summary
        return "\(s.bucketsToCreate) bucket(s) to create, \(s.bucketsToUpdate) to update, \(s.copy.objects) object(s) to copy, \(s.adopt.objects) to adopt, \(s.delete.objects) to delete, \(s.filesToEdit) file(s) to edit"
    }

    static func describe(_ result: ApplyResult) -> String {
        let copied = result.total([.copy, .restoreObject]).objects
        let deleted = result.total([.deleteSource, .deleteCopy]).objects
        return "\(result.succeeded.count) action(s) succeeded, \(result.failed.count) failed, \(result.skipped.count) skipped; \(copied) object(s) copied, \(deleted) deleted"
    }
}

public enum ApplyError: Error, Equatable, LocalizedError {
    case planHasErrors(Int)
    case tooManyDeletions(Int, limit: Int)

    public var errorDescription: String? {
        switch self {
        case .planHasErrors(let n): return "the plan has \(n) error(s); nothing was applied"
        case let .tooManyDeletions(n, limit): return "the plan deletes \(n) source objects, more than --max-delete \(limit); nothing was applied"
        }
    }
}
