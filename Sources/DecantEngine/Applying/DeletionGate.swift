import DecantCore
import DecantState
import DecantStorage

/// delete_source, behind safety invariant 1: a source object is deleted only when
/// the ledger holds a checksum-verified copy of exactly that generation, and that
/// copy is still there, unchanged; the delete itself carries the generation as
/// precondition. Whatever the plan says, each object is checked again here, at the
/// moment of deleting. Its undo is `RestoreSources` (Objects/).
struct DeletionGate: ActionStep {
    let items: [ObjectItem]

    func perform(_ action: Action, in run: RunEnvironment) async throws -> ActionOutcome {
        var allowed: [(item: ObjectItem, key: CopyKey?)] = []
        var errors: [String?] = []
        // Each check reads the ledger and asks the store for the copy: one round trip
        // per object, so they run as wide as the deletes themselves.
        let checks = await run.limiter.map(items) { item in await Result { try await Self.check(item, run: run) } }
        for (item, check) in zip(items, checks) {
            switch try check.get() {
            case .refused(let problem): errors.append("\(item.source): \(problem)")
            case .allowed(let key): allowed.append((item, key))
            }
        }
        // Journaled before the calls: a run cut short leaves them pending, to reconcile.
        let keys = allowed.compactMap(\.key)
        let ids = keys.isEmpty ? [] : try await run.state.recordDeletions(keys, serial: run.serial, pending: true)
        let idByKey = Dictionary(zip(keys, ids), uniquingKeysWith: { a, _ in a })
        let results = await run.limiter.map(allowed.map(\.item)) { item -> Deleted in
            do {
                try await run.store.deleteObject(item.source.bucket, item.source.name, ifGenerationMatch: item.source.generation)
            } catch StoreError.notFound {
                // Already gone (a run cut short after the delete): record it as done.
            } catch let error as StoreError where error.mayHaveHappened {
                return .unknown("\(item.source): \(RunEnvironment.describe(error)); the next run checks whether it was deleted")
            } catch {
                return .refused("\(item.source): \(RunEnvironment.describe(error))")
            }
            run.observer.handle(.progress(objects: 1, bytes: item.content.size))
            return .deleted
        }
        var done: [Int64] = [], refused: [Int64] = [], deleted = Tally()
        for ((item, key), result) in zip(allowed, results) {
            let id = key.flatMap { idByKey[$0] }
            switch result {
            case .deleted:
                deleted = deleted + Tally(objects: 1, bytes: item.content.size)
                if let id { done.append(id) }
            case .refused:
                if let id { refused.append(id) }
            case .unknown:
                break
            }
        }
        try await run.state.markDeletionsDone(done)
        // A refused delete did not happen; one whose answer was lost stays pending for the next run to check.
        try await run.state.discardPendingDeletions(refused)
        return .finished(action, errors: errors + results.map(\.error), done: deleted)
    }

    enum Check: Sendable {
        /// Allowed, justified by this ledger copy.
        case allowed(CopyKey?)
        case refused(String)
    }

    /// Whether `item` may be deleted now: the ledger must hold a checksum-verified
    /// copy of exactly this source generation, and that copy must still be there,
    /// unchanged.
    static func check(_ item: ObjectItem, run: RunEnvironment) async throws -> Check {
        guard let generation = item.source.generation else { return .refused("no generation to delete with") }
        let rows = try await run.state.copies(sourceBucket: item.source.bucket, sourceName: item.source.name)
        guard let copy = rows.first(where: { $0.key.sourceGeneration == generation && $0.isChecksumVerified && $0.isCurrent }) else {
            return .refused("no checksum-verified copy of generation \(generation) is recorded; not deleted")
        }
        guard copy.record.content.matches(item.content) else { return .refused("the recorded copy does not match this source; not deleted") }
        let target = copy.record.targetRef
        let live: ObjectRecord?
        do {
            live = try await run.store.headObject(target.bucket, target.name, generation: target.generation)
        } catch {
            return .refused("cannot read the copy gs://\(target.bucket)/\(target.name): \(RunEnvironment.describe(error)); not deleted")
        }
        guard let live, live.generation == target.generation, ContentIdentity(live).matches(item.content) else {
            return .refused("the copy gs://\(target.bucket)/\(target.name) is gone or changed since it was verified; not deleted")
        }
        return .allowed(copy.key)
    }

    enum Deleted: Sendable {
        case deleted
        /// The store refused: the source is still there.
        case refused(String)
        /// No answer: the delete may have happened (reconciled by the next run).
        case unknown(String)

        var error: String? {
            switch self {
            case .deleted: return nil
            case .refused(let text), .unknown(let text): return text
            }
        }
    }
}
