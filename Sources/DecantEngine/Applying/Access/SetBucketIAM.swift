import DecantCore
import DecantState
import DecantStorage

/// set_bucket_iam: replaces the bucket's IAM policy with the planned one, only if it
/// is still the policy the plan was made against (`ifMatchEtag` with the observed
/// etag; a policy changed since is a conflict: nothing is overwritten, the step
/// fails and says to plan again). The policy replaced is recorded before the `PUT`
/// and the policy set after it, for its undo.
struct SetBucketIAM: ActionStep {
    let change: BucketIAMChange

    func perform(_ action: Action, in run: RunEnvironment) async throws -> ActionOutcome {
        let store = run.store, bucket = change.bucket
        guard store.capabilities.iamPolicies else { throw EngineError.accessNotObservable(bucket: bucket) }
        var previous = change.observed
        var etag = change.observed.etag
        if etag == nil || !store.capabilities.iamEtags {
            // Planned before this run created the bucket (no etag yet), or a store whose
            // etags guard nothing: the grants must still be the planned ones.
            let live = try await store.bucketIAMPolicy(bucket)
            guard live.grantsEqual(change.observed) else { throw EngineError.accessChanged(bucket: bucket, rollback: false) }
            previous = live
            etag = store.capabilities.iamEtags ? live.etag : nil
        }
        let id = try await run.state.recordIAMIntent(bucket: bucket, actionID: action.id, previous: previous,
                                                     new: change.policy, serial: run.serial)
        let set: IAMPolicy
        switch await Result(catching: { try await store.setBucketIAMPolicy(bucket, change.policy, ifMatchEtag: etag) }) {
        case .success(let policy):
            set = policy
        case .failure(let error):
            switch error as? StoreError {
            case .preconditionFailed?:
                // A retried PUT whose first attempt took effect fails its precondition too.
                let live = try await store.bucketIAMPolicy(bucket)
                guard live.grantsEqual(change.policy) else {
                    try await run.state.dropIAMIntent(id: id)
                    throw EngineError.accessChanged(bucket: bucket, rollback: false)
                }
                set = live
            case .invalid?:
                // Refused whole: nothing changed.
                try await run.state.dropIAMIntent(id: id)
                throw error
            default:
                // Unknown whether the PUT took effect: the intent stays for a rollback to judge.
                throw error
            }
        }
        try await run.state.recordIAMSet(id: id, set: set)
        return .succeeded(action)
    }
}

/// restore_bucket_iam, the undo of set_bucket_iam: puts back the policy the oldest
/// change replaced, only while the live policy still grants what decant set (else
/// it is someone else's now: left alone). A policy already back is only recorded.
struct RestoreBucketIAM: ActionStep {
    let change: BucketIAMChange

    func perform(_ action: Action, in run: RunEnvironment) async throws -> ActionOutcome {
        let state = run.state
        let rows = try await run.rowsToUndo(action, fetch: { try await state.iamChange(id: $0) }, id: \.id, undoneBy: \.restoredSerial,
                                            what: { "the IAM change of bucket \($0.bucket) at serial \($0.serial)" })
        let pending = rows.filter { $0.restoredSerial == nil }
        if let oldest = rows.first, let newest = rows.last, !pending.isEmpty {
            let store = run.store, bucket = change.bucket
            guard store.capabilities.iamPolicies else { throw EngineError.accessNotObservable(bucket: bucket) }
            let live = try await store.bucketIAMPolicy(bucket)
            switch AccessUndo.judge(live: live, oldest: oldest, newest: newest) {
            case .alreadyBack: break
            case .changedSince: throw EngineError.accessChanged(bucket: bucket, rollback: true)
            case .restore:
                let before = IAMPolicy(version: oldest.previous.version, bindings: oldest.previous.bindings)
                if case .failure(let error) = await Result(catching: {
                    try await store.setBucketIAMPolicy(bucket, before, ifMatchEtag: store.capabilities.iamEtags ? live.etag : nil)
                }) {
                    guard case StoreError.preconditionFailed = error else { throw error }
                    guard try await store.bucketIAMPolicy(bucket).grantsEqual(oldest.previous) else {
                        throw EngineError.accessChanged(bucket: bucket, rollback: true)
                    }
                }
            }
        }
        for row in pending { try await run.state.recordIAMRestored(changeID: row.id, serial: run.serial) }
        return .succeeded(action)
    }
}
