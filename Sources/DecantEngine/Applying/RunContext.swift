import DecantCore
import DecantStorage
import Foundation

/// Everything one run shares, and how each kind of action is carried out.
struct RunContext: Sendable {
    let store: any ObjectStore
    let recorder: any ApplyRecorder
    let clock: any Clock
    let observer: any ApplyObserver
    let writeCode: CodeEditWriter?
    let serial: Int64
    let limiter: AsyncLimiter
    let options: ApplyOptions
    let migrations: [String: MigrationPlan]
    let copies = CopyResults()

    /// Runs one action between its journal entries. Errors of the state itself
    /// fail the action (the record is what makes work safe to resume).
    func run(_ action: Action) async -> ActionOutcome {
        observer.handle(.actionStarted(action))
        var outcome: ActionOutcome
        do {
            try await recorder.journalIntent(serial: serial, action: action)
            outcome = try await perform(action)
            if outcome.status == .succeeded {
                try await recorder.journalDone(serial: serial, action: action.id, objects: outcome.done.objects, bytes: outcome.done.bytes)
            } else {
                try await recorder.journalFailed(serial: serial, action: action.id, error: outcome.errors.joined(separator: "; "))
            }
        } catch {
            outcome = ActionOutcome(id: action.id, kind: action.kind, migration: action.migration, status: .failed,
                                    errors: [Self.describe(error)])
            try? await recorder.journalFailed(serial: serial, action: action.id, error: Self.describe(error))
        }
        observer.handle(.actionFinished(outcome))
        return outcome
    }

    func perform(_ action: Action) async throws -> ActionOutcome {
        switch action.payload {
        case .createBucket(let creation): return try await createBucket(action, creation)
        case .patchBucket(let change): return try await patchBucket(action, change)
        case .objects(let items):
            switch action.kind {
            case .copy, .restoreObject: return try await copy(action, items)
            case .verify: return try await verify(action, items)
            case .deleteSource, .deleteCopy: return try await delete(action, items)
            default: throw EngineError.unsupported(action.kind)
            }
        case .code(let edit): return try await rewrite(action, edit)
        case .deleteBucket(let name): return try await deleteBucket(action, name)
        }
    }

    // MARK: - Buckets

    func createBucket(_ action: Action, _ creation: BucketCreation) async throws -> ActionOutcome {
        var info = try await store.createBucket(creation.name, project: creation.project, settings: creation.settings)
        try await recorder.recordBucketCreated(name: creation.name, settings: creation.settings, serial: serial)
        // Some stores keep only the name on insert: patch the rest right away.
        if !store.capabilities.settingsOnCreate {
            let patch = BucketPatch(storageClass: creation.settings.storageClass,
                                    labels: creation.settings.labels?.mapValues { Optional($0) },
                                    versioning: creation.settings.versioning, lifecycle: creation.settings.lifecycle)
            if !patch.isEmpty { info = try await store.patchBucket(creation.name, patch, ifMetagenerationMatch: nil) }
        }
        _ = info
        return ActionOutcome(id: action.id, kind: action.kind, migration: action.migration, status: .succeeded, done: Tally(objects: 1))
    }

    func patchBucket(_ action: Action, _ change: BucketChange) async throws -> ActionOutcome {
        let precondition = store.capabilities.metageneration ? change.expectedMetageneration : nil
        let info = try await store.patchBucket(change.name, change.patch, ifMetagenerationMatch: precondition)
        try await recorder.recordBucketChanged(name: change.name, previous: change.previous, new: info.settings, serial: serial)
        return ActionOutcome(id: action.id, kind: action.kind, migration: action.migration, status: .succeeded, done: Tally(objects: 1))
    }

    func deleteBucket(_ action: Action, _ name: String) async throws -> ActionOutcome {
        guard try await recorder.createdBuckets().contains(name) else { throw EngineError.notCreatedByDecant(name) }
        try await store.deleteBucket(name)
        return ActionOutcome(id: action.id, kind: action.kind, migration: action.migration, status: .succeeded, done: Tally(objects: 1))
    }

    // MARK: - Objects

    enum ItemResult: Sendable {
        case copied(LedgerCopy)
        case adopted(LedgerCopy)
        case failed(String)
    }

    /// Server-side copies with the planned preconditions. A copy refused because the
    /// target now exists is adopted if that target already holds the same content
    /// (a copy made before a crash or a retried request), and fails otherwise.
    func copy(_ action: Action, _ items: [ObjectItem]) async throws -> ActionOutcome {
        let results = await limiter.map(items) { item -> ItemResult in
            guard let target = item.target else { return .failed("\(item.source): no target") }
            let request = CopyRequest(sourceBucket: item.source.bucket, sourceName: item.source.name,
                                      sourceGeneration: item.source.generation, targetBucket: target.bucket,
                                      targetName: target.name, ifTargetGenerationMatch: target.generation ?? 0,
                                      storageClass: item.storageClass, customTime: item.customTime)
            do {
                let made = try await store.copyObject(request)
                observer.handle(.progress(objects: 1, bytes: item.content.size))
                return .copied(ledgerCopy(item, target: made))
            } catch StoreError.preconditionFailed {
                return await adoptExisting(item, target: target)
            } catch {
                return .failed(Self.describe(error))
            }
        }
        let done = results.compactMap { r -> (LedgerCopy, Bool)? in
            switch r {
            case .copied(let c): return (c, false)
            case .adopted(let c): return (c, true)
            case .failed: return nil
            }
        }
        let copied = done.filter { !$0.1 }.map { $0.0 }, adopted = done.filter { $0.1 }.map { $0.0 }
        if !copied.isEmpty { try await recorder.recordCopies(copied, migration: action.migration, adopted: false, serial: serial) }
        if !adopted.isEmpty { try await recorder.recordCopies(adopted, migration: action.migration, adopted: true, serial: serial) }
        await copies.store(done.map { $0.0 }, for: action.id)
        return outcome(action, results.map { if case .failed(let e) = $0 { return e } else { return nil } },
                       done: done.reduce(Tally()) { $0 + Tally(objects: 1, bytes: $1.0.content.size) })
    }

    private func adoptExisting(_ item: ObjectItem, target: ObjectRef) async -> ItemResult {
        do {
            guard let existing = try await store.headObject(target.bucket, target.name, generation: nil) else {
                return .failed("\(item.source): precondition failed and the target \(target.name) does not exist (the source changed since planning?)")
            }
            guard ContentIdentity(existing).matches(item.content) else {
                return .failed("gs://\(target.bucket)/\(target.name) appeared since planning with different content; not overwritten")
            }
            return .adopted(ledgerCopy(item, target: existing))
        } catch {
            return .failed(Self.describe(error))
        }
    }

    func ledgerCopy(_ item: ObjectItem, target: ObjectRecord) -> LedgerCopy {
        LedgerCopy(sourceBucket: item.source.bucket, sourceName: item.source.name, sourceGeneration: item.source.generation ?? 0,
                   content: item.content, targetBucket: item.target?.bucket ?? "", targetName: target.name,
                   targetGeneration: target.generation, verifiedAt: nil, verifyLevel: nil,
                   targetContent: ContentIdentity(target))
    }

    /// Checks each copy against its source at the migration's level: the copies of
    /// this run by what the store answered for them, adopted objects by reading them.
    func verify(_ action: Action, _ items: [ObjectItem]) async throws -> ActionOutcome {
        let level = action.migration.flatMap { migrations[$0]?.verifyLevel } ?? .checksum
        let made = await copies.results(for: action.dependsOn)
        let byTarget = Dictionary(made.map { ("\($0.targetBucket)/\($0.targetName)", $0) }, uniquingKeysWith: { a, _ in a })
        let results = await limiter.map(items) { item -> ItemResult in
            guard let target = item.target else { return .failed("\(item.source): no target") }
            var copy: LedgerCopy
            if let recorded = byTarget["\(target.bucket)/\(target.name)"] {
                copy = recorded
            } else if item.adopt {
                do {
                    guard let existing = try await store.headObject(target.bucket, target.name, generation: target.generation) else {
                        return .failed("gs://\(target.bucket)/\(target.name) generation \(target.generation ?? 0) is gone")
                    }
                    copy = ledgerCopy(item, target: existing)
                } catch {
                    return .failed(Self.describe(error))
                }
            } else {
                return .failed("gs://\(target.bucket)/\(target.name) was not copied in this run")
            }
            if let problem = Verification.problem(expected: item.content, actual: copy.targetContent, level: level) {
                return .failed("gs://\(target.bucket)/\(target.name): \(problem)")
            }
            copy.verifiedAt = clock.now()
            copy.verifyLevel = level
            observer.handle(.progress(objects: 1, bytes: item.content.size))
            return item.adopt ? .adopted(copy) : .copied(copy)
        }
        let verified = results.compactMap { r -> (LedgerCopy, Bool)? in
            if case .copied(let c) = r { return (c, false) }
            if case .adopted(let c) = r { return (c, true) }
            return nil
        }
        let adopted = verified.filter { $0.1 }.map { $0.0 }
        if !adopted.isEmpty { try await recorder.recordCopies(adopted, migration: action.migration, adopted: true, serial: serial) }
        if !verified.isEmpty { try await recorder.markVerified(verified.map { $0.0 }, level: level, at: clock.now(), serial: serial) }
        return outcome(action, results.map { if case .failed(let e) = $0 { return e } else { return nil } },
                       done: verified.reduce(Tally()) { $0 + Tally(objects: 1, bytes: $1.0.content.size) })
    }

    /// Deletes sources (or, in a rollback, target copies) at their recorded
    /// generation, each only after checking again that the ledger holds a
    /// checksum-verified copy and that the copy is still there, unchanged.
    func delete(_ action: Action, _ items: [ObjectItem]) async throws -> ActionOutcome {
        var allowed: [ObjectItem] = []
        var errors: [String?] = []
        for item in items {
            if let problem = try await deletionProblem(item, kind: action.kind) {
                errors.append("\(item.source): \(problem)")
            } else {
                allowed.append(item)
            }
        }
        try await recorder.recordDeletionsPending(allowed, migration: action.migration, serial: serial)
        let results = await limiter.map(allowed) { item -> String? in
            do {
                try await store.deleteObject(item.source.bucket, item.source.name, ifGenerationMatch: item.source.generation)
            } catch StoreError.notFound {
                // Already gone (a run cut short after the delete): record it as done.
            } catch {
                return "\(item.source): \(Self.describe(error))"
            }
            observer.handle(.progress(objects: 1, bytes: item.content.size))
            return nil
        }
        let deleted = zip(allowed, results).filter { $0.1 == nil }.map { $0.0 }
        try await recorder.recordDeletionsDone(deleted, serial: serial)
        return outcome(action, errors + results, done: deleted.reduce(Tally()) { $0 + Tally(objects: 1, bytes: $1.content.size) })
    }

    /// Why `item` may not be deleted, or nil (DESIGN.md invariant 1).
    func deletionProblem(_ item: ObjectItem, kind: ActionKind) async throws -> String? {
        guard let generation = item.source.generation else { return "no generation to delete with" }
        if kind == .deleteCopy {
            // Rollback removes a copy decant made: the precondition on its generation is the guard.
            return nil
        }
        guard let copy = try await recorder.verifiedCopy(sourceBucket: item.source.bucket, sourceName: item.source.name,
                                                        sourceGeneration: generation) else {
            return "no checksum-verified copy of generation \(generation) is recorded; not deleted"
        }
        guard copy.content.matches(item.content) else { return "the recorded copy does not match this source; not deleted" }
        let live: ObjectRecord?
        do {
            live = try await store.headObject(copy.targetBucket, copy.targetName, generation: copy.targetGeneration)
        } catch {
            return "cannot read the copy gs://\(copy.targetBucket)/\(copy.targetName): \(Self.describe(error)); not deleted"
        }
        guard let live, live.generation == copy.targetGeneration, ContentIdentity(live).matches(item.content) else {
            return "the copy gs://\(copy.targetBucket)/\(copy.targetName) is gone or changed since it was verified; not deleted"
        }
        return nil
    }

    // MARK: - Code

    func rewrite(_ action: Action, _ edit: CodeEdit) async throws -> ActionOutcome {
        guard let writeCode, let root = options.codeRoot else { throw EngineError.noCodeRoot }
        try writeCode(edit, root)
        try await recorder.recordCodeEdit(edit, serial: serial)
        return ActionOutcome(id: action.id, kind: action.kind, migration: action.migration, status: .succeeded, done: Tally(objects: 1))
    }

    // MARK: - Helpers

    func outcome(_ action: Action, _ errors: [String?], done: Tally) -> ActionOutcome {
        let failures = errors.compactMap { $0 }
        return ActionOutcome(id: action.id, kind: action.kind, migration: action.migration,
                             status: failures.isEmpty ? .succeeded : .failed, done: done, failures: failures.count,
                             errors: Array(failures.prefix(5)))
    }

    static func describe(_ error: any Error) -> String {
        if let e = error as? LocalizedError, let d = e.errorDescription { return d }
        return String(describing: error)
    }
}

/// Copies made by the copy actions of this run, for their verify actions.
actor CopyResults {
    private var byAction: [ActionID: [LedgerCopy]] = [:]
    func store(_ copies: [LedgerCopy], for id: ActionID) { byAction[id] = copies }
    func results(for ids: [ActionID]) -> [LedgerCopy] { ids.flatMap { byAction[$0] ?? [] } }
}

/// Comparing a copy with its source.
enum Verification {
    static func problem(expected: ContentIdentity, actual: ContentIdentity?, level: VerifyLevel) -> String? {
        guard let actual else { return "the copy's size and checksum are unknown" }
        switch level {
        case .count: return nil
        case .size: return actual.size == expected.size ? nil : "size \(actual.size) differs from the source's \(expected.size)"
        case .checksum:
            if actual.size != expected.size { return "size \(actual.size) differs from the source's \(expected.size)" }
            return actual.matches(expected) ? nil : "checksum differs from the source's"
        }
    }
}

public enum EngineError: Error, Equatable, LocalizedError {
    case unsupported(ActionKind)
    case notCreatedByDecant(String)
    case noCodeRoot

    public var errorDescription: String? {
        switch self {
        case .unsupported(let kind): return "\(kind.rawValue) cannot run here"
        case .notCreatedByDecant(let name): return "bucket \(name) was not created by decant; decant deletes only buckets it created"
        case .noCodeRoot: return "no code root to write code edits to"
        }
    }
}
