import DecantCore
import DecantState
import DecantStorage

/// create_bucket: creates the bucket with the planned settings and records that
/// decant created it (what lets its undo delete it, invariant 4).
struct CreateBucket: ActionStep {
    let creation: BucketCreation

    func perform(_ action: Action, in run: RunEnvironment) async throws -> ActionOutcome {
        _ = try await run.store.createBucket(creation.name, project: creation.project, settings: creation.settings)
        try await run.state.recordBucketCreated(name: creation.name, project: creation.project, settings: creation.settings,
                                                serial: run.serial)
        // Some stores keep only the name on insert: patch the rest right away.
        if !run.store.capabilities.settingsOnCreate {
            let patch = BucketPatch(creation.settings)
            if !patch.isEmpty { _ = try await run.store.patchBucket(creation.name, patch, ifMetagenerationMatch: nil) }
        }
        return .succeeded(action)
    }
}

/// delete_bucket, the undo of create_bucket: deletes a bucket decant created
/// (safety invariant 4), only once empty.
struct DeleteCreatedBucket: ActionStep {
    let name: String

    func perform(_ action: Action, in run: RunEnvironment) async throws -> ActionOutcome {
        guard try await run.state.createdBucket(named: name) != nil else {
            // Recorded by this very run already (a resumed step), or never decant's.
            let mine = try await run.state.createdBuckets(includeDeleted: true).contains { $0.name == name && $0.deletedSerial == run.serial }
            if mine { return .succeeded(action) }
            throw EngineError.notCreatedByDecant(name)
        }
        if try await run.store.getBucket(name) != nil {
            let remaining = try await countObjects(run.store)
            guard remaining == 0 else { throw EngineError.bucketNotEmpty(name: name, objects: remaining) }
            let store = run.store
            if case .failure(let error) = await Result(catching: { try await store.deleteBucket(name) }) {
                switch error {
                case StoreError.notFound: break  // gone in between: as good as deleted
                case StoreError.conflict: throw EngineError.bucketNotEmpty(name: name, objects: max(1, try await countObjects(store)))
                default: throw error
                }
            }
        }
        try await run.state.recordBucketDeleted(name: name, serial: run.serial)
        return .succeeded(action)
    }

    private func countObjects(_ store: any ObjectStore) async throws -> Int {
        var count = 0
        for try await page in store.listObjects(name, ListOptions()) { count += page.objects.count }
        return count
    }
}
