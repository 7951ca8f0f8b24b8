import DecantCore
import DecantState
import DecantStorage

/// restore_object, the undo of delete_source: copies each verified copy back to
/// its original name, only if that name is free (`ifGenerationMatch=0`, and
/// checked first for stores that ignore it); a name already holding the same
/// content is only recorded.
struct RestoreSources: ActionStep {
    let items: [ObjectItem]

    enum Restored: Sendable {
        case restored(deletionID: Int64, generation: Int64)
        case refused(String)
    }

    func perform(_ action: Action, in run: RunEnvironment) async throws -> ActionOutcome {
        let results = await run.limiter.map(items) { item -> Restored in
            do {
                return try await Self.restoreOne(item, run: run)
            } catch {
                return .refused("\(item.target?.url ?? item.source.url): \(RunEnvironment.describe(error))")
            }
        }
        let restored = results.compactMap { r -> (deletionID: Int64, generation: Int64)? in
            if case let .restored(id, generation) = r { return (id, generation) }
            return nil
        }
        if !restored.isEmpty { try await run.state.recordSourcesRestored(restored, serial: run.serial) }
        var done = Tally()
        for (item, result) in zip(items, results) {
            if case .restored = result { done.add(item.content.size) }
        }
        return .finished(action, errors: results.map { if case .refused(let e) = $0 { return e } else { return nil } }, done: done)
    }

    private static func restoreOne(_ item: ObjectItem, run: RunEnvironment) async throws -> Restored {
        guard let deletionID = item.ledgerID, let original = item.target, let copyGeneration = item.source.generation else {
            return .refused("\(item.source.url): no ledger row to restore")
        }
        let store = run.store
        let expected = item.content
        if let live = try await store.headIfPresent(original.bucket, original.name) {
            guard ContentIdentity(live).matches(expected) else {
                return .refused("\(original.url) holds other content now (generation \(live.generation)); not overwritten")
            }
            return .restored(deletionID: deletionID, generation: live.generation)
        }
        guard let copy = try await store.headIfPresent(item.source.bucket, item.source.name),
              copy.generation == copyGeneration, ContentIdentity(copy).matches(expected) else {
            return .refused("the copy \(item.source.url) changed since decant verified it (generation \(copyGeneration)); \(original.url) not restored")
        }
        let request = CopyRequest(sourceBucket: item.source.bucket, sourceName: item.source.name, sourceGeneration: copyGeneration,
                                  targetBucket: original.bucket, targetName: original.name, ifTargetGenerationMatch: 0,
                                  customTime: store.capabilities.customTime ? copy.customTime : nil,
                                  metadata: store.capabilities.copyMetadata ? copy.metadata.flatMap { $0.isEmpty ? nil : $0 } : nil)
        let made: ObjectRecord
        switch await Result(catching: { try await store.copyObject(request) }) {
        case .success(let record):
            made = record
        case .failure(StoreError.preconditionFailed):
            // Our own retried request, someone else, or the copy changed under us: look.
            guard let live = try await store.headIfPresent(original.bucket, original.name), ContentIdentity(live).matches(expected) else {
                return .refused("\(original.url) could not be restored: the copy or the name changed during the rollback")
            }
            return .restored(deletionID: deletionID, generation: live.generation)
        case .failure(let error):
            throw error
        }
        guard ContentIdentity(made).matches(expected) else {
            return .refused("\(original.url) was written but does not match the recorded size and checksum; check it")
        }
        run.observer.handle(.progress(objects: 1, bytes: expected.size))
        return .restored(deletionID: deletionID, generation: made.generation)
    }
}
