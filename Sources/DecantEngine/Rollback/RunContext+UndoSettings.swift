import DecantCore
import DecantState
import DecantStorage
import Foundation

/// The rollback steps that are not about objects: code, bucket settings, buckets.
extension RunContext {
    // MARK: - revert_code

    /// Writes `edit` (the reverse of a recorded edit) if the file still holds what
    /// decant wrote; a file already back is only recorded; anything else is refused.
    func revert(_ action: Action, _ edit: CodeEdit) async throws -> ActionOutcome {
        guard let id = action.ledgerIDs?.first, let row = try await state.codeEdit(id: id) else {
            throw EngineError.missingLedgerRow(action.id)
        }
        if let undone = row.revertedSerial {
            guard undone == serial else { throw EngineError.alreadyUndone(what: "the edit of \(row.edit.path) at serial \(row.serial)", serial: undone) }
            return succeeded(action)
        }
        guard let writeCode, let root = options.codeRoot else { throw EngineError.noCodeRoot }
        switch try CodeFile.hash(edit.path, root: root) {
        case edit.afterHash?:
            break
        case edit.beforeHash?:
            try writeCode(edit, root)
        case nil:
            throw EngineError.codeMissing(path: edit.path, serial: row.serial)
        default:
            throw EngineError.codeChanged(path: edit.path, serial: row.serial)
        }
        try await state.recordCodeReverted(editID: id, serial: serial)
        return succeeded(action)
    }

    // MARK: - restore_bucket

    /// Puts back the settings decant replaced, computed again from the ledger rows
    /// against the bucket as it is now, patched with `ifMetagenerationMatch` where
    /// the store keeps metagenerations.
    func restoreBucket(_ action: Action, _ change: BucketChange) async throws -> ActionOutcome {
        guard let ids = action.ledgerIDs, !ids.isEmpty else { throw EngineError.missingLedgerRow(action.id) }
        var rows: [BucketChangeRow] = []
        for id in ids {
            guard let row = try await state.bucketChange(id: id) else { throw EngineError.missingLedgerRow(action.id) }
            if let undone = row.restoredSerial, undone != serial {
                throw EngineError.alreadyUndone(what: "the change of bucket \(row.change.name) at serial \(row.serial)", serial: undone)
            }
            rows.append(row)
        }
        rows.sort { $0.id < $1.id }
        let pending = rows.filter { $0.restoredSerial == nil }
        if let oldest = rows.first, let newest = rows.last, !pending.isEmpty {
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
        for row in pending { try await state.recordBucketRestored(changeID: row.id, serial: serial) }
        return succeeded(action)
    }

    // MARK: - delete_bucket

    /// Deletes a bucket decant created (safety invariant 4), only once empty.
    func deleteCreatedBucket(_ action: Action, _ name: String) async throws -> ActionOutcome {
        guard try await state.createdBucket(named: name) != nil else {
            // Recorded by this very run already (a resumed step), or never decant's.
            let mine = try await state.createdBuckets(includeDeleted: true).contains { $0.name == name && $0.deletedSerial == serial }
            if mine { return succeeded(action) }
            throw EngineError.notCreatedByDecant(name)
        }
        if try await store.getBucket(name) != nil {
            let remaining = try await countObjects(name)
            guard remaining == 0 else { throw EngineError.bucketNotEmpty(name: name, objects: remaining) }
            if case .failure(let error) = await Result(catching: { try await store.deleteBucket(name) }) {
                switch error {
                case StoreError.notFound: break  // gone in between: as good as deleted
                case StoreError.conflict: throw EngineError.bucketNotEmpty(name: name, objects: max(1, try await countObjects(name)))
                default: throw error
                }
            }
        }
        try await state.recordBucketDeleted(name: name, serial: serial)
        return succeeded(action)
    }

    func countObjects(_ bucket: String) async throws -> Int {
        var count = 0
        for try await page in store.listObjects(bucket, ListOptions()) { count += page.objects.count }
        return count
    }

    func succeeded(_ action: Action) -> ActionOutcome {
        ActionOutcome(id: action.id, kind: action.kind, migration: action.migration, status: .succeeded, done: Tally(objects: 1))
    }
}
