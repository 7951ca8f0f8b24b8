import DecantCore
import DecantState
import DecantStorage

/// verify: checks each copy against its source at the migration's level — this
/// run's copies by what the store answered for them, objects found already in
/// the target (`adopt`) by reading them — and records the result: this run's copies
/// are marked verified, found ones are recorded already verified (as decant's when
/// a journaled intent says decant wrote them). Only a checksum-verified copy lets
/// the deletion gate through.
struct VerifyCopies: ActionStep {
    let items: [ObjectItem]

    func perform(_ action: Action, in run: RunEnvironment) async throws -> ActionOutcome {
        let level = action.migration.flatMap { run.migrations[$0]?.verifyLevel } ?? .checksum
        let byTarget = await run.copies.take(items.compactMap(\.target), from: action.dependsOn)
        // Objects found in the target: an interrupted run of decant may have copied them.
        let intents = try await run.state.openCopyIntents(targets: items.filter(\.adopt).compactMap(\.target))
        let results = await run.limiter.map(items) { item -> CopyResult in
            guard let target = item.target else { return .failed("\(item.source): no target") }
            var copy: MadeCopy
            if let recorded = byTarget[CopyResults.key(target.bucket, target.name)] {
                copy = recorded
            } else if item.adopt {
                do {
                    guard let existing = try await run.store.headObject(target.bucket, target.name, generation: target.generation) else {
                        return .failed("gs://\(target.bucket)/\(target.name) generation \(target.generation ?? 0) is gone")
                    }
                    copy = MadeCopy(item, target: existing, migration: action.migration,
                                    adopted: !item.writtenByDecant(existing, at: target, intents: intents), at: run.clock.now())
                } catch {
                    return .failed(RunEnvironment.describe(error))
                }
            } else {
                return .failed("gs://\(target.bucket)/\(target.name) was not copied in this run")
            }
            if let problem = copy.verify(against: item.content, level: level, clock: run.clock) {
                return .failed("gs://\(target.bucket)/\(target.name): \(problem)")
            }
            if item.adopt { run.observer.handle(.progress(objects: 1, bytes: item.content.size)) }
            return item.adopt ? .adopted(copy) : .copied(copy)
        }
        // Found objects are recorded already verified; this run's copies are marked.
        let found = results.compactMap(\.adopted).map(\.record)
        if !found.isEmpty { _ = try await run.state.recordCopies(found, serial: run.serial) }
        let madeKeys = results.compactMap(\.copied).map(\.record.key)
        if !madeKeys.isEmpty { _ = try await run.state.markVerified(madeKeys, level: level, serial: run.serial) }
        return .finished(action, errors: results.map(\.error),
                         done: results.compactMap(\.made).reduce(Tally()) { $0 + Tally(objects: 1, bytes: $1.record.content.size) })
    }
}
