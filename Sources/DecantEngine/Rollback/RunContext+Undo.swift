import DecantCore
import DecantState
import DecantStorage
import Foundation

/// How a rollback's steps run. Each checks again what the plan checked (the
/// store may have changed since), is idempotent (a step that finds the store
/// already as it leaves it only records), and records what it undid under the
/// rollback's serial, so that running the rollback again after a crash finishes it.
extension RunContext {
    /// The action kinds only a rollback plans.
    static let undoKinds: Set<ActionKind> = [.restoreObject, .deleteCopy, .revertCode, .restoreBucket, .deleteBucket]

    func undo(_ action: Action) async throws -> ActionOutcome {
        switch (action.kind, action.payload) {
        case (.restoreObject, .objects(let items)): return try await restore(action, items)
        case (.deleteCopy, .objects(let items)): return try await removeCopies(action, items)
        case (.revertCode, .code(let edit)): return try await revert(action, edit)
        case (.restoreBucket, .patchBucket(let change)): return try await restoreBucket(action, change)
        case (.deleteBucket, .deleteBucket(let name)): return try await deleteCreatedBucket(action, name)
        default: throw EngineError.unsupported(action.kind)
        }
    }

    // MARK: - restore_object

    enum Restored: Sendable {
        case restored(deletionID: Int64, generation: Int64)
        case refused(String)
    }

    /// Copies each verified copy back to its original name, only if that name is
    /// free (`ifGenerationMatch=0`, and checked first for stores that ignore it);
    /// a name already holding the same content is only recorded.
    func restore(_ action: Action, _ items: [ObjectItem]) async throws -> ActionOutcome {
        let results = await limiter.map(items) { item -> Restored in
            do {
                return try await restoreOne(item)
            } catch {
                return .refused("\(item.target?.url ?? item.source.url): \(Self.describe(error))")
            }
        }
        let restored = results.compactMap { r -> (deletionID: Int64, generation: Int64)? in
            if case let .restored(id, generation) = r { return (id, generation) }
            return nil
        }
        if !restored.isEmpty { try await state.recordSourcesRestored(restored, serial: serial) }
        let done = zip(items, results).reduce(Tally()) { total, pair in
            if case .restored = pair.1 { return total + Tally(objects: 1, bytes: pair.0.content.size) }
            return total
        }
        return outcome(action, results.map { if case .refused(let e) = $0 { return e } else { return nil } }, done: done)
    }

    func restoreOne(_ item: ObjectItem) async throws -> Restored {
        guard let deletionID = item.ledgerID, let original = item.target, let copyGeneration = item.source.generation else {
            return .refused("\(item.source.url): no ledger row to restore")
        }
        let expected = item.content
        if let live = try await ObjectUndo.head(store, original.bucket, original.name) {
            guard ContentIdentity(live).matches(expected) else {
                return .refused("\(original.url) holds other content now (generation \(live.generation)); not overwritten")
            }
            return .restored(deletionID: deletionID, generation: live.generation)
        }
        guard let copy = try await ObjectUndo.head(store, item.source.bucket, item.source.name),
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
            guard let live = try await ObjectUndo.head(store, original.bucket, original.name), ContentIdentity(live).matches(expected) else {
                return .refused("\(original.url) could not be restored: the copy or the name changed during the rollback")
            }
            return .restored(deletionID: deletionID, generation: live.generation)
        case .failure(let error):
            throw error
        }
        guard ContentIdentity(made).matches(expected) else {
            return .refused("\(original.url) was written but does not match the recorded size and checksum; check it")
        }
        observer.handle(.progress(objects: 1, bytes: expected.size))
        return .restored(deletionID: deletionID, generation: made.generation)
    }

    // MARK: - delete_copy

    /// Deletes each copy decant made only while it is still the generation decant
    /// wrote, never one whose deleted source is not back; an adopted copy (there
    /// before decant) is left in place and only its record is dropped.
    func removeCopies(_ action: Action, _ items: [ObjectItem]) async throws -> ActionOutcome {
        var results: [String?] = []
        var removable: [ObjectItem] = []
        for item in items {
            if let problem = try await sourceNotBack(item) {
                results.append(problem)
            } else {
                removable.append(item)
            }
        }
        let outcomes = await limiter.map(removable) { item -> String? in
            do {
                return try await removeOne(item)
            } catch {
                return "\(item.source.url): \(Self.describe(error))"
            }
        }
        let removed = zip(removable, outcomes).filter { $0.1 == nil }.map(\.0)
        let ids = removed.compactMap(\.ledgerID)
        if !ids.isEmpty { try await state.recordCopiesRemoved(ids, serial: serial) }
        let done = removed.filter { !$0.adopt }.reduce(Tally()) { $0 + Tally(objects: 1, bytes: $1.content.size) }
        return outcome(action, results + outcomes, done: done)
    }

    /// Why `item`'s copy must stay: the source it justified deleting is not restored.
    func sourceNotBack(_ item: ObjectItem) async throws -> String? {
        guard let copyID = item.ledgerID else { return "\(item.source.url): no ledger row to remove" }
        guard let source = item.target, let generation = source.generation,
              let deletion = try await state.deletion(bucket: source.bucket, name: source.name, generation: generation),
              deletion.copy.id == copyID, deletion.restoredSerial == nil else { return nil }
        return "\(item.source.url): its source \(source.url) was deleted at serial \(deletion.serial) and is not restored; the copy is kept"
    }

    /// Nil when the copy is gone (deleted now, or before); a message when it is left alone.
    func removeOne(_ item: ObjectItem) async throws -> String? {
        if item.adopt { return nil }
        guard let generation = item.source.generation else { return "\(item.source.url): no generation to delete" }
        // Checked here too: some stores (fake-gcs-server) ignore the precondition.
        guard let live = try await ObjectUndo.head(store, item.source.bucket, item.source.name) else { return nil }
        guard live.generation == generation else {
            return "\(item.source.url) changed since decant copied it (generation \(live.generation), decant wrote \(generation)); left alone"
        }
        switch await Result(catching: { try await store.deleteObject(item.source.bucket, item.source.name, ifGenerationMatch: generation) }) {
        case .success, .failure(StoreError.notFound): break
        case .failure(StoreError.preconditionFailed): return "\(item.source.url) changed since decant copied it; left alone"
        case .failure(let error): throw error
        }
        observer.handle(.progress(objects: 1, bytes: item.content.size))
        return nil
    }
}
