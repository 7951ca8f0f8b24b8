import DecantCore
import DecantState
import DecantStorage
import Foundation

/// How to plan a rollback.
public struct RollbackOptions: Sendable {
    /// Objects per restore_object / delete_copy action, for a migration not in `batchSizes`.
    public var batchSize: Int
    /// Objects per action by migration key: the plan file's `batch_size`, so that a
    /// rollback works (and is interrupted, and resumes) in the steps its apply took.
    public var batchSizes: [String: Int]
    /// Store reads in flight at once while planning.
    public var width: Int
    /// The code root recorded edits are relative to (absolute); nil when the plan has no `code:`.
    public var codeRoot: String?

    public init(batchSize: Int = Migration.defaultBatchSize, batchSizes: [String: Int] = [:], width: Int = 32, codeRoot: String? = nil) {
        self.batchSize = batchSize
        self.batchSizes = batchSizes
        self.width = width
        self.codeRoot = codeRoot
    }
}

/// Builds the plan of `decant rollback --to SERIAL` from the ledger: the inverse
/// of everything recorded after that serial and not undone yet, checked against
/// what the store and the code hold now. It reads the state, the store and the
/// code root, and writes nothing. The result is an ordinary `PlannedChanges`
/// (rendered, saved and applied like any plan) with a `RollbackReport`.
public struct RollbackPlanner: Sendable {
    public let store: any ObjectStore
    public let state: StateStore
    public let clock: any Clock

    public init(store: any ObjectStore, state: StateStore, clock: any Clock = SystemClock()) {
        self.store = store
        self.state = state
        self.clock = clock
    }

    /// The serial `rollback --last` returns to: the one before the newest serial
    /// that recorded something not undone yet. Nil when nothing is left to undo.
    public func lastTarget() async throws -> Int64? {
        guard let newest = try await state.newestUndoableSerial() else { return nil }
        return max(0, newest - 1)
    }

    /// The plan that returns the environment to `target`. Throws
    /// `StateError.invalidRollbackTarget` for a serial the state never had.
    public func plan(to target: Int64, environment: String, options: RollbackOptions = RollbackOptions()) async throws -> PlannedChanges {
        let scope = try await state.rollbackScope(to: target)
        var refusals = RefusalBook()
        let objects = try await ObjectUndo.plan(state: state, store: store, target: target, width: options.width, refusals: &refusals)
        let code = CodeUndo.plan(edits: scope.codeEdits, codeRoot: options.codeRoot, refusals: &refusals)
        var buckets = try await BucketUndo.plan(scope: scope, store: store, removedNames: objects.removedNames, refusals: &refusals)
        let access = try await AccessUndo.plan(scope: scope, store: store, refusals: &refusals)
        // A bucket decant created whose access someone changed since is someone's now: it stays.
        buckets.deletions.removeAll { deletion in
            guard !deletion.recordOnly, access.leftAlone.contains(deletion.row.name) else { return false }
            refusals.add(.deleteBucket, .accessChanged, sample: "gs://\(deletion.row.name) (created at serial \(deletion.row.serial))")
            return true
        }
        let graph = try RollbackGraph.build(objects: objects, code: code, buckets: buckets, access: access) {
            options.batchSizes[$0] ?? options.batchSize
        }

        var report = RollbackReport(target: target)
        report.runs = try await state.runs().filter { $0.serial > target }.reversed().map {
            RollbackReport.RunUndone(serial: $0.serial, kind: $0.kind.rawValue, status: $0.status.rawValue, started: $0.started)
        }
        report.restores = Self.groups(objects.restores, bucket: \.to) { ObjectMapping(source: $0.source.url, target: $0.target?.url ?? "", size: $0.content.size) }
        report.removals = Self.groups(objects.removals, bucket: \.from) { ObjectMapping(source: $0.target?.url ?? "", target: $0.source.url, size: $0.content.size) }
        report.forgotten = Self.groups(objects.forgets, bucket: \.from) { ObjectMapping(source: $0.target?.url ?? "", target: $0.source.url, size: $0.content.size) }
        report.reverts = code.reverts.map {
            RollbackReport.CodeRevert(path: $0.row.edit.path, editSerial: $0.row.serial, recordOnly: $0.recordOnly, patch: $0.row.edit.reversed.patch)
        }
        report.bucketRestores = buckets.restores.map {
            RollbackReport.BucketRestore(name: $0.name, serials: Set($0.changes.map(\.serial)).sorted(), changes: $0.diff.changes,
                                         recordOnly: $0.diff.patch.isEmpty)
        }
        report.bucketDeletions = buckets.deletions.map {
            RollbackReport.BucketDeletion(name: $0.row.name, createdSerial: $0.row.serial, recordOnly: $0.recordOnly)
        }
        report.accessRestores = access.restores.map {
            RollbackReport.AccessRestore(bucket: $0.bucket, serials: Set($0.rows.map(\.serial)).sorted(), changes: $0.changes,
                                         recordOnly: $0.recordOnly)
        }
        report.refusals = refusals.refusals

        let current = scope.currentSerial
        return PlannedChanges(environment: environment, generatedAt: clock.now(),
                              inputDigest: Digest.sha256Hex("decant rollback \(state.lineage) \(current) to \(target)"),
                              stateLineage: state.lineage, stateSerial: current, graph: graph, rollback: report)
    }

    /// Report groups in key order: what the step does, what it only records, samples.
    static func groups(_ planned: [ObjectUndo.GroupKey: [ObjectUndo.Planned]], bucket: KeyPath<ObjectUndo.GroupKey, String>,
                       sample: (ObjectItem) -> ObjectMapping) -> [RollbackReport.ObjectGroup] {
        planned.keys.sorted().map { key in
            let items = planned[key] ?? []
            var group = RollbackReport.ObjectGroup(migration: key.migration, bucket: key[keyPath: bucket])
            for p in items {
                if p.recordOnly { group.recordOnly.add(p.item.content.size) } else { group.tally.add(p.item.content.size) }
            }
            let shown = items.filter { !$0.recordOnly }.isEmpty ? items : items.filter { !$0.recordOnly }
            group.samples = shown.prefix(5).map { sample($0.item) }
            return group
        }
    }
}
