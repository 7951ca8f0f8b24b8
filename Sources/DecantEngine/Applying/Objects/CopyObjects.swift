import DecantCore
import DecantState
import DecantStorage

/// copy: server-side copies with the planned preconditions (invariant 2: a target
/// is overwritten only at the generation `overwrite` allowed when planning), each
/// journaled as an intent before any call (invariant 5). A copy refused because
/// the target now exists is recorded if that target already holds the same content
/// (as decant's copy when an intent says decant wrote it: a retried request whose
/// first attempt succeeded), and fails otherwise.
struct CopyObjects: ActionStep {
    let items: [ObjectItem]

    func perform(_ action: Action, in run: RunEnvironment) async throws -> ActionOutcome {
        try await run.state.recordCopyIntents(items.compactMap(\.copyIntent), actionID: action.id, serial: run.serial)
        let results = await run.limiter.map(items) { item -> CopyResult in
            guard let target = item.target else { return .failed("\(item.source): no target") }
            let request = CopyRequest(sourceBucket: item.source.bucket, sourceName: item.source.name,
                                      sourceGeneration: item.source.generation, targetBucket: target.bucket,
                                      targetName: target.name, ifTargetGenerationMatch: target.generation ?? 0,
                                      storageClass: item.storageClass, customTime: item.customTime)
            do {
                let made = try await run.store.copyObject(request)
                run.observer.handle(.progress(objects: 1, bytes: item.content.size))
                return .copied(MadeCopy(item, target: made, migration: action.migration, at: run.clock.now()))
            } catch StoreError.preconditionFailed {
                return await Self.adoptExisting(item, target: target, migration: action.migration, run: run)
            } catch {
                return .failed(RunEnvironment.describe(error))
            }
        }
        let copied = results.compactMap(\.copied), found = results.compactMap(\.adopted)
        if !copied.isEmpty || !found.isEmpty {
            _ = try await run.state.recordCopies((copied + found).map(\.record), serial: run.serial)
        }
        let made = results.compactMap(\.made)
        await run.copies.store(made, for: action.id)
        return .finished(action, errors: results.map(\.error),
                         done: made.reduce(Tally()) { $0 + Tally(objects: 1, bytes: $1.record.content.size) })
    }

    private static func adoptExisting(_ item: ObjectItem, target: ObjectRef, migration: String?, run: RunEnvironment) async -> CopyResult {
        do {
            guard let existing = try await run.store.headObject(target.bucket, target.name, generation: nil) else {
                return .failed("\(item.source): precondition failed and the target \(target.name) does not exist (the source changed since planning?)")
            }
            guard ContentIdentity(existing).matches(item.content) else {
                return .failed("gs://\(target.bucket)/\(target.name) appeared since planning with different content; not overwritten")
            }
            let intents = try await run.state.openCopyIntents(targets: [target])
            return .adopted(MadeCopy(item, target: existing, migration: migration,
                                     adopted: !item.writtenByDecant(existing, at: target, intents: intents), at: run.clock.now()))
        } catch {
            return .failed(RunEnvironment.describe(error))
        }
    }
}

/// delete_copy, the undo of copy: deletes each copy decant made only while it is
/// still the generation decant wrote, never one whose deleted source is not back;
/// an adopted copy (there before decant) is left in place and only its record is
/// dropped.
struct RemoveCopies: ActionStep {
    let items: [ObjectItem]

    func perform(_ action: Action, in run: RunEnvironment) async throws -> ActionOutcome {
        var results: [String?] = []
        var removable: [ObjectItem] = []
        for item in items {
            if let problem = try await Self.sourceNotBack(item, run: run) {
                results.append(problem)
            } else {
                removable.append(item)
            }
        }
        let outcomes = await run.limiter.map(removable) { item -> String? in
            do {
                return try await Self.removeOne(item, run: run)
            } catch {
                return "\(item.source.url): \(RunEnvironment.describe(error))"
            }
        }
        let removed = zip(removable, outcomes).filter { _, problem in problem == nil }.map { item, _ in item }
        let ids = removed.compactMap(\.ledgerID)
        if !ids.isEmpty { try await run.state.recordCopiesRemoved(ids, serial: run.serial) }
        let done = removed.filter { !$0.adopt }.reduce(Tally()) { $0 + Tally(objects: 1, bytes: $1.content.size) }
        return .finished(action, errors: results + outcomes, done: done)
    }

    /// Why `item`'s copy must stay: the source it justified deleting is not restored.
    private static func sourceNotBack(_ item: ObjectItem, run: RunEnvironment) async throws -> String? {
        guard let copyID = item.ledgerID else { return "\(item.source.url): no ledger row to remove" }
        guard let source = item.target, let generation = source.generation,
              let deletion = try await run.state.deletion(bucket: source.bucket, name: source.name, generation: generation),
              deletion.copy.id == copyID, deletion.restoredSerial == nil else { return nil }
        return "\(item.source.url): its source \(source.url) was deleted at serial \(deletion.serial) and is not restored; the copy is kept"
    }

    /// Nil when the copy is gone (deleted now, or before); a message when it is left alone.
    private static func removeOne(_ item: ObjectItem, run: RunEnvironment) async throws -> String? {
        if item.adopt { return nil }
        guard let generation = item.source.generation else { return "\(item.source.url): no generation to delete" }
        // Checked here too: some stores (fake-gcs-server) ignore the precondition.
        guard let live = try await run.store.headIfPresent(item.source.bucket, item.source.name) else { return nil }
        guard live.generation == generation else {
            return "\(item.source.url) changed since decant copied it (generation \(live.generation), decant wrote \(generation)); left alone"
        }
        let store = run.store
        switch await Result(catching: { try await store.deleteObject(item.source.bucket, item.source.name, ifGenerationMatch: generation) }) {
        case .success, .failure(StoreError.notFound): break
        case .failure(StoreError.preconditionFailed): return "\(item.source.url) changed since decant copied it; left alone"
        case .failure(let error): throw error
        }
        run.observer.handle(.progress(objects: 1, bytes: item.content.size))
        return nil
    }
}
