import DecantCore
import DecantEngine
import DecantState
import DecantStorage
import Foundation
import TestSupport

extension EngineFixture {
    /// The rollback plan to `target`, in batches of two objects so that tests see several.
    func rollbackPlan(to target: Int64, codeRoot: String? = nil, store: (any ObjectStore)? = nil) async throws -> PlannedChanges {
        try await RollbackPlanner(store: store ?? self.store, state: state, clock: clock)
            .plan(to: target, environment: "dev", options: RollbackOptions(batchSize: 2, codeRoot: codeRoot))
    }

    func rollback(_ changes: PlannedChanges, store: (any ObjectStore)? = nil, codeRoot: String? = nil) async throws -> ApplyResult {
        try await Applier(store: store ?? self.store, state: state, clock: clock, writeCode: CheckedCodeWriter.write)
            .apply(changes, kind: .rollback, rollbackTo: changes.rollback?.target,
                   options: ApplyOptions(parallelism: 8, codeRoot: codeRoot))
    }

    /// Every object of `bucket` with its bytes.
    func contents(_ bucket: String) async throws -> [String: Data] {
        var out: [String: Data] = [:]
        for name in await store.objectNames(bucket) {
            out[name] = try await store.download(bucket, name, generation: nil).0
        }
        return out
    }

    /// Applies hand-made code edits as a run of their own (what rewrite_code does).
    func applyCodeEdits(_ edits: [CodeEdit], root: String) async throws -> ApplyResult {
        let actions = edits.map { Action(id: ActionID("rewrite_code", $0.path), kind: .rewriteCode, reason: .codeAtOldLocation(migrations: []), payload: .code($0)) }
        let changes = PlannedChanges(environment: "dev", generatedAt: clock.now(), inputDigest: "code", stateLineage: state.lineage,
                                     stateSerial: try await state.currentSerial, graph: try ActionGraph(actions))
        return try await Applier(store: store, state: state, clock: clock, writeCode: CheckedCodeWriter.write)
            .apply(changes, options: ApplyOptions(codeRoot: root))
    }
}

/// Writes an edit the way the code module does: only over the content the edit
/// starts from, leaving a file that already holds the result alone.
enum CheckedCodeWriter {
    struct Changed: Error {}

    static let write: CodeEditWriter = { edit, root in
        let url = URL(fileURLWithPath: root).appendingPathComponent(edit.path)
        let hash = Digest.sha256Hex(try Data(contentsOf: url))
        if hash == edit.afterHash { return }
        guard hash == edit.beforeHash else { throw Changed() }
        try Data(edit.afterContent.utf8).write(to: url)
    }
}

/// A store whose mutations the test chooses to "lose": the write happens, then the
/// call fails as if the connection dropped before the answer, so nothing of it
/// reaches the ledger. That is a crash between a store call and its record.
final class LosingStore: ObjectStore, @unchecked Sendable {
    // @unchecked: `counts` is a `Locked`; the other fields are immutable.
    enum Mutation: Hashable { case copy, delete }

    let base: any ObjectStore
    let lose: @Sendable (Mutation, Int) -> Bool
    private let counts = Locked([Mutation: Int]())
    private let lostCalls = Locked(0)

    /// `lose(kind, n)`: whether the answer of the n-th (from 1) mutation of that kind is lost.
    init(_ base: any ObjectStore, lose: @escaping @Sendable (Mutation, Int) -> Bool) {
        self.base = base
        self.lose = lose
    }

    /// How many answers were lost.
    var lost: Int { lostCalls.current }

    private func after(_ kind: Mutation) throws(StoreError) {
        let n = counts.withLock { c -> Int in
            c[kind, default: 0] += 1
            return c[kind] ?? 0
        }
        guard lose(kind, n) else { return }
        lostCalls.withLock { $0 += 1 }
        throw .transient(bucket: nil, object: nil, detail: "connection reset after the write (test)")
    }

    var capabilities: StoreCapabilities { base.capabilities }
    func getBucket(_ name: String) async throws(StoreError) -> BucketInfo? { try await base.getBucket(name) }
    func createBucket(_ name: String, project: String?, settings: BucketSettings) async throws(StoreError) -> BucketInfo {
        try await base.createBucket(name, project: project, settings: settings)
    }
    func patchBucket(_ name: String, _ patch: BucketPatch, ifMetagenerationMatch: Int64?) async throws(StoreError) -> BucketInfo {
        try await base.patchBucket(name, patch, ifMetagenerationMatch: ifMetagenerationMatch)
    }
    func deleteBucket(_ name: String) async throws(StoreError) { try await base.deleteBucket(name) }
    func listObjects(_ bucket: String, _ options: ListOptions) -> ObjectPages { base.listObjects(bucket, options) }
    func headObject(_ bucket: String, _ name: String, generation: Int64?) async throws(StoreError) -> ObjectRecord? {
        try await base.headObject(bucket, name, generation: generation)
    }
    func copyObject(_ request: CopyRequest) async throws(StoreError) -> ObjectRecord {
        let made = try await base.copyObject(request)
        try after(.copy)
        return made
    }
    func deleteObject(_ bucket: String, _ name: String, ifGenerationMatch: Int64?) async throws(StoreError) {
        try await base.deleteObject(bucket, name, ifGenerationMatch: ifGenerationMatch)
        try after(.delete)
    }
    func upload(_ bucket: String, _ name: String, data: Data, ifGenerationMatch: Int64?, contentType: String?,
                metadata: [String: String]?) async throws(StoreError) -> ObjectRecord {
        try await base.upload(bucket, name, data: data, ifGenerationMatch: ifGenerationMatch, contentType: contentType, metadata: metadata)
    }
    func download(_ bucket: String, _ name: String, generation: Int64?) async throws(StoreError) -> (Data, ObjectRecord) {
        try await base.download(bucket, name, generation: generation)
    }
    func bucketIAMPolicy(_ bucket: String) async throws(StoreError) -> IAMPolicy { try await base.bucketIAMPolicy(bucket) }
    func setBucketIAMPolicy(_ bucket: String, _ policy: IAMPolicy, ifMatchEtag: String?) async throws(StoreError) -> IAMPolicy {
        try await base.setBucketIAMPolicy(bucket, policy, ifMatchEtag: ifMatchEtag)
    }
}
