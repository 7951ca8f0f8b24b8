import DecantCore
import DecantState
import DecantStorage

/// update_bucket and set_lifecycle: patches the bucket with
/// `ifMetagenerationMatch` (the metageneration it was planned against, where the
/// store keeps them) and records the settings it replaced, for its undo.
struct PatchBucket: ActionStep {
    let change: BucketChange

    func perform(_ action: Action, in run: RunEnvironment) async throws -> ActionOutcome {
        let precondition = run.store.capabilities.metageneration ? change.expectedMetageneration : nil
        let info = try await run.store.patchBucket(change.name, change.patch, ifMetagenerationMatch: precondition)
        try await run.state.recordBucketChanged(BucketChangeRecord(name: change.name, actionID: action.id, previous: change.previous,
                                                                   new: info.settings, metagenerationBefore: change.expectedMetageneration,
                                                                   metagenerationAfter: info.metageneration), serial: run.serial)
        return .succeeded(action)
    }
}

/// restore_bucket, the undo of update_bucket and set_lifecycle: puts back the
/// settings decant replaced, computed again from the ledger rows against the
/// bucket as it is now (`BucketRestoreDiff`: only fields still as decant left
/// them), patched with `ifMetagenerationMatch` where the store keeps metagenerations.
struct RestoreBucket: ActionStep {
    let change: BucketChange

    func perform(_ action: Action, in run: RunEnvironment) async throws -> ActionOutcome {
        guard let ids = action.ledgerIDs, !ids.isEmpty else { throw EngineError.missingLedgerRow(action.id) }
        var rows: [BucketChangeRow] = []
        for id in ids {
            guard let row = try await run.state.bucketChange(id: id) else { throw EngineError.missingLedgerRow(action.id) }
            if let undone = row.restoredSerial, undone != run.serial {
                throw EngineError.alreadyUndone(what: "the change of bucket \(row.change.name) at serial \(row.serial)", serial: undone)
            }
            rows.append(row)
        }
        rows.sort { $0.id < $1.id }
        let pending = rows.filter { $0.restoredSerial == nil }
        if let oldest = rows.first, let newest = rows.last, !pending.isEmpty {
            let store = run.store
            guard let live = try await store.getBucket(change.name) else { throw EngineError.bucketGone(change.name) }
            let diff = BucketRestoreDiff(previous: oldest.change.previous, decant: newest.change.new, live: live.settings,
                                         capabilities: store.capabilities)
            guard diff.conflicts.isEmpty else {
                throw EngineError.bucketChanged(name: change.name, detail: diff.conflicts.joined(separator: "; "))
            }
            if !diff.patch.isEmpty {
                let precondition = store.capabilities.metageneration ? live.metageneration : nil
                if case .failure(let error) = await Result(catching: {
                    try await store.patchBucket(change.name, diff.patch, ifMetagenerationMatch: precondition)
                }) {
                    guard case StoreError.preconditionFailed = error else { throw error }
                    throw EngineError.bucketChanged(name: change.name, detail: "its metadata changed during the rollback")
                }
            }
        }
        for row in pending { try await run.state.recordBucketRestored(changeID: row.id, serial: run.serial) }
        return .succeeded(action)
    }
}
