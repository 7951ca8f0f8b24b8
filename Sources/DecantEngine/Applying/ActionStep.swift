import DecantCore

/// One kind of action, carried out. Each step lives in the room of what it
/// guards, beside the step that undoes it:
/// - `Objects/`: copy and delete_copy, verify (with adoption), restore_object;
/// - `Transfer/`: copy by a Storage Transfer Service job (undone by delete_copy, as any copy);
/// - `DeletionGate.swift`: delete_source, alone (invariant 1);
/// - `Buckets/`: create_bucket and delete_bucket, update_bucket / set_lifecycle and restore_bucket;
/// - `Code/`: rewrite_code and revert_code;
/// - `Access/`: set_bucket_iam and restore_bucket_iam.
/// A rollback's steps check again what its plan checked (the store may have changed
/// since), are idempotent (a step that finds the store already as it leaves it only
/// records), and record what they undid under the rollback's serial, so that running
/// the rollback again after a crash finishes it.
/// A new kind of action is a new step in its room and one case in `step(for:)`.
protocol ActionStep: Sendable {
    /// Does the work, records it in the ledger under `run.serial`, and says how it
    /// ended; the journal entries around it are `RunEnvironment.run`'s.
    func perform(_ action: Action, in run: RunEnvironment) async throws -> ActionOutcome
}

extension RunEnvironment {
    /// The step for `action`: the one place where a kind of action, with the payload
    /// it must carry, meets the code that carries it out.
    static func step(for action: Action) throws -> any ActionStep {
        // A plan's object lists are read from its spool when their action starts, one batch at a time.
        var payload = action.payload
        switch payload {
        case .spooled, .spooledList: payload = .objects(try action.loadObjects())
        default: break
        }
        switch (action.kind, payload) {
        case (.createBucket, .createBucket(let creation)): return CreateBucket(creation: creation)
        case (.updateBucket, .patchBucket(let change)), (.setLifecycle, .patchBucket(let change)): return PatchBucket(change: change)
        case (.copy, .objects(let items)):
            if let mapping = action.reason.transferMapping { return TransferCopy(items: items, mapping: mapping) }
            return CopyObjects(items: items)
        case (.verify, .objects(let items)): return VerifyCopies(items: items)
        case (.deleteSource, .objects(let items)): return DeletionGate(items: items)
        case (.rewriteCode, .code(let edit)): return RewriteCode(edit: edit)
        case (.setBucketIAM, .bucketIAM(let change)): return SetBucketIAM(change: change)
        // A rollback's steps.
        case (.restoreObject, .objects(let items)): return RestoreSources(items: items)
        case (.deleteCopy, .objects(let items)): return RemoveCopies(items: items)
        case (.revertCode, .code(let edit)): return RevertCode(edit: edit)
        case (.restoreBucket, .patchBucket(let change)): return RestoreBucket(change: change)
        case (.deleteBucket, .deleteBucket(let name)): return DeleteCreatedBucket(name: name)
        case (.restoreBucketIAM, .bucketIAM(let change)): return RestoreBucketIAM(change: change)
        default: throw EngineError.unsupported(action.kind)
        }
    }
}
