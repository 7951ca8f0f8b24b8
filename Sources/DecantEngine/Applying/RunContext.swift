import DecantCore
import DecantState
import DecantStorage
import Foundation

/// Everything one run shares, and how each kind of action is carried out.
struct RunContext: Sendable {
    let store: any ObjectStore
    let state: StateStore
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
            try await state.journalIntent(serial: serial, action: action)
            outcome = try await perform(action)
            let counts = JournalCounts(objects: Int64(outcome.done.objects), bytes: outcome.done.bytes)
            if outcome.status == .succeeded {
                try await state.journalDone(serial: serial, actionID: action.id, counts: counts)
            } else {
                try await state.journalFailed(serial: serial, actionID: action.id, error: outcome.errors.joined(separator: "; "), counts: counts)
            }
        } catch {
            outcome = ActionOutcome(id: action.id, kind: action.kind, migration: action.migration, status: .failed,
                                    errors: [Self.describe(error)])
            try? await state.journalFailed(serial: serial, actionID: action.id, error: Self.describe(error))
        }
        observer.handle(.actionFinished(outcome))
        return outcome
    }

    func perform(_ action: Action) async throws -> ActionOutcome {
        // A rollback's steps (Rollback/RunContext+Undo.swift).
        if Self.undoKinds.contains(action.kind) { return try await undo(action) }
        switch action.payload {
        case .createBucket(let creation): return try await createBucket(action, creation)
        case .patchBucket(let change): return try await patchBucket(action, change)
        case .objects(let items):
            switch action.kind {
            case .copy: return try await copy(action, items)
            case .verify: return try await verify(action, items)
            case .deleteSource: return try await delete(action, items)
            default: throw EngineError.unsupported(action.kind)
            }
        case .code(let edit): return try await rewrite(action, edit)
        case .deleteBucket: throw EngineError.unsupported(action.kind)
        }
    }

    // MARK: - Buckets

    func createBucket(_ action: Action, _ creation: BucketCreation) async throws -> ActionOutcome {
        _ = try await store.createBucket(creation.name, project: creation.project, settings: creation.settings)
        try await state.recordBucketCreated(name: creation.name, project: creation.project, settings: creation.settings, serial: serial)
        // Some stores keep only the name on insert: patch the rest right away.
        if !store.capabilities.settingsOnCreate {
            let patch = BucketPatch(creation.settings)
            if !patch.isEmpty { _ = try await store.patchBucket(creation.name, patch, ifMetagenerationMatch: nil) }
        }
        return ActionOutcome(id: action.id, kind: action.kind, migration: action.migration, status: .succeeded, done: Tally(objects: 1))
    }

    func patchBucket(_ action: Action, _ change: BucketChange) async throws -> ActionOutcome {
        let precondition = store.capabilities.metageneration ? change.expectedMetageneration : nil
        let info = try await store.patchBucket(change.name, change.patch, ifMetagenerationMatch: precondition)
        try await state.recordBucketChanged(BucketChangeRecord(name: change.name, actionID: action.id, previous: change.previous,
                                                               new: info.settings, metagenerationBefore: change.expectedMetageneration,
                                                               metagenerationAfter: info.metageneration), serial: serial)
        return ActionOutcome(id: action.id, kind: action.kind, migration: action.migration, status: .succeeded, done: Tally(objects: 1))
    }

    // MARK: - Objects

    /// A copy as the store reported it.
    struct MadeCopy: Sendable {
        var record: CopyRecord
        /// Size and checksums of the new target object, as the store answered.
        var targetContent: ContentIdentity
    }

    enum ItemResult: Sendable {
        case copied(MadeCopy)
        case adopted(MadeCopy)
        case failed(String)
    }

    /// Server-side copies with the planned preconditions, each recorded as an intent
    /// before any call. A copy refused because the target now exists is recorded if
    /// that target already holds the same content (as decant's copy when an intent
    /// says decant wrote it: a retried request whose first attempt succeeded), and
    /// fails otherwise.
    func copy(_ action: Action, _ items: [ObjectItem]) async throws -> ActionOutcome {
        try await state.recordCopyIntents(items.compactMap(Self.intent), actionID: action.id, serial: serial)
        let results = await limiter.map(items) { item -> ItemResult in
            guard let target = item.target else { return .failed("\(item.source): no target") }
            let request = CopyRequest(sourceBucket: item.source.bucket, sourceName: item.source.name,
                                      sourceGeneration: item.source.generation, targetBucket: target.bucket,
                                      targetName: target.name, ifTargetGenerationMatch: target.generation ?? 0,
                                      storageClass: item.storageClass, customTime: item.customTime)
            do {
                let made = try await store.copyObject(request)
                observer.handle(.progress(objects: 1, bytes: item.content.size))
                return .copied(ledgerCopy(item, target: made, migration: action.migration))
            } catch StoreError.preconditionFailed {
                return await adoptExisting(item, target: target, migration: action.migration)
            } catch {
                return .failed(Self.describe(error))
            }
        }
        let done = results.compactMap { r -> (MadeCopy, Bool)? in
            switch r {
            case .copied(let c): return (c, false)
            case .adopted(let c): return (c, true)
            case .failed: return nil
            }
        }
        let copied = done.filter { !$0.1 }.map { $0.0 }, adopted = done.filter { $0.1 }.map { $0.0 }
        if !copied.isEmpty || !adopted.isEmpty {
            _ = try await state.recordCopies((copied + adopted).map(\.record), serial: serial)
        }
        await copies.store(done.map { $0.0 }, for: action.id)
        return outcome(action, results.map { if case .failed(let e) = $0 { return e } else { return nil } },
                       done: done.reduce(Tally()) { $0 + Tally(objects: 1, bytes: $1.0.record.content.size) })
    }

    private func adoptExisting(_ item: ObjectItem, target: ObjectRef, migration: String?) async -> ItemResult {
        do {
            guard let existing = try await store.headObject(target.bucket, target.name, generation: nil) else {
                return .failed("\(item.source): precondition failed and the target \(target.name) does not exist (the source changed since planning?)")
            }
            guard ContentIdentity(existing).matches(item.content) else {
                return .failed("gs://\(target.bucket)/\(target.name) appeared since planning with different content; not overwritten")
            }
            let intents = try await state.openCopyIntents(targets: [target])
            return .adopted(ledgerCopy(item, target: existing, migration: migration,
                                       adopted: !Self.decantWrote(existing, item: item, target: target, intents: intents)))
        } catch {
            return .failed(Self.describe(error))
        }
    }

    /// The intent recorded before copying `item`.
    static func intent(_ item: ObjectItem) -> CopyIntent? {
        guard let target = item.target else { return nil }
        return CopyIntent(key: CopyKey(sourceBucket: item.source.bucket, sourceName: item.source.name,
                                       sourceGeneration: item.source.generation ?? 0, targetBucket: target.bucket,
                                       targetName: target.name),
                          expectedTargetGeneration: target.generation ?? 0)
    }

    /// Whether `existing` (with the source's content) was written by a copy decant
    /// journaled and never recorded (invariant 5): then it is decant's copy, not an
    /// adopted object, and a rollback removes it.
    static func decantWrote(_ existing: ObjectRecord, item: ObjectItem, target: ObjectRef,
                            intents: [String: [CopyIntent]]) -> Bool {
        intents[StateStore.intentKey(target.bucket, target.name)]?.contains {
            $0.wrote(ObjectRef(bucket: target.bucket, name: existing.name, generation: existing.generation), from: item.source)
        } ?? false
    }

    func ledgerCopy(_ item: ObjectItem, target: ObjectRecord, migration: String?, adopted: Bool = false) -> MadeCopy {
        let key = CopyKey(sourceBucket: item.source.bucket, sourceName: item.source.name, sourceGeneration: item.source.generation ?? 0,
                          targetBucket: item.target?.bucket ?? "", targetName: target.name)
        let record = CopyRecord(key: key, migration: migration ?? "", content: item.content, sourceCreated: item.sourceCreated,
                                targetGeneration: target.generation, copiedAt: clock.now(), adopted: adopted)
        return MadeCopy(record: record, targetContent: ContentIdentity(target))
    }

    /// Checks each copy against its source at the migration's level: the copies of
    /// this run by what the store answered for them, adopted objects by reading them.
    func verify(_ action: Action, _ items: [ObjectItem]) async throws -> ActionOutcome {
        let level = action.migration.flatMap { migrations[$0]?.verifyLevel } ?? .checksum
        let made = await copies.results(for: action.dependsOn)
        let byTarget = Dictionary(made.map { ("\($0.record.key.targetBucket)/\($0.record.key.targetName)", $0) }, uniquingKeysWith: { a, _ in a })
        // Objects found in the target: an interrupted run of decant may have copied them.
        let intents = try await state.openCopyIntents(targets: items.filter(\.adopt).compactMap(\.target))
        let results = await limiter.map(items) { item -> ItemResult in
            guard let target = item.target else { return .failed("\(item.source): no target") }
            var copy: MadeCopy
            if let recorded = byTarget["\(target.bucket)/\(target.name)"] {
                copy = recorded
            } else if item.adopt {
                do {
                    guard let existing = try await store.headObject(target.bucket, target.name, generation: target.generation) else {
                        return .failed("gs://\(target.bucket)/\(target.name) generation \(target.generation ?? 0) is gone")
                    }
                    copy = ledgerCopy(item, target: existing, migration: action.migration,
                                      adopted: !Self.decantWrote(existing, item: item, target: target, intents: intents))
                } catch {
                    return .failed(Self.describe(error))
                }
            } else {
                return .failed("gs://\(target.bucket)/\(target.name) was not copied in this run")
            }
            if let problem = CopyCheck.problem(expected: item.content, actual: copy.targetContent, level: level) {
                return .failed("gs://\(target.bucket)/\(target.name): \(problem)")
            }
            copy.record.verification = Verification(level: level, at: clock.now())
            if item.adopt { observer.handle(.progress(objects: 1, bytes: item.content.size)) }
            return item.adopt ? .adopted(copy) : .copied(copy)
        }
        let verified = results.compactMap { r -> (MadeCopy, Bool)? in
            if case .copied(let c) = r { return (c, false) }
            if case .adopted(let c) = r { return (c, true) }
            return nil
        }
        // Adopted objects are recorded already verified; this run's copies are marked.
        let adopted = verified.filter { $0.1 }.map { $0.0.record }
        if !adopted.isEmpty { _ = try await state.recordCopies(adopted, serial: serial) }
        let madeKeys = verified.filter { !$0.1 }.map { $0.0.record.key }
        if !madeKeys.isEmpty { _ = try await state.markVerified(madeKeys, level: level, serial: serial) }
        return outcome(action, results.map { if case .failed(let e) = $0 { return e } else { return nil } },
                       done: verified.reduce(Tally()) { $0 + Tally(objects: 1, bytes: $1.0.record.content.size) })
    }

    /// Deletes sources at their recorded generation, each only after checking
    /// again that the ledger holds a checksum-verified copy and that the copy is
    /// still there, unchanged.
    func delete(_ action: Action, _ items: [ObjectItem]) async throws -> ActionOutcome {
        var allowed: [(item: ObjectItem, key: CopyKey?)] = []
        var errors: [String?] = []
        // Each check reads the ledger and asks the store for the copy: one round trip
        // per object, so they run as wide as the deletes themselves.
        let kind = action.kind
        let checks = await limiter.map(items) { item in await Result { try await self.deletionCheck(item, kind: kind) } }
        for (item, check) in zip(items, checks) {
            switch try check.get() {
            case .refused(let problem): errors.append("\(item.source): \(problem)")
            case .allowed(let key): allowed.append((item, key))
            }
        }
        // Journaled before the calls: a run cut short leaves them pending, to reconcile.
        let keys = allowed.compactMap(\.key)
        let ids = keys.isEmpty ? [] : try await state.recordDeletions(keys, serial: serial, pending: true)
        let idByKey = Dictionary(zip(keys, ids), uniquingKeysWith: { a, _ in a })
        let results = await limiter.map(allowed.map(\.item)) { item -> DeleteResult in
            do {
                try await store.deleteObject(item.source.bucket, item.source.name, ifGenerationMatch: item.source.generation)
            } catch StoreError.notFound {
                // Already gone (a run cut short after the delete): record it as done.
            } catch let error as StoreError where error.mayHaveHappened {
                return .unknown("\(item.source): \(Self.describe(error)); the next run checks whether it was deleted")
            } catch {
                return .refused("\(item.source): \(Self.describe(error))")
            }
            observer.handle(.progress(objects: 1, bytes: item.content.size))
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
        try await state.markDeletionsDone(done)
        // A refused delete did not happen; one whose answer was lost stays pending for the next run to check.
        try await state.discardPendingDeletions(refused)
        return outcome(action, errors + results.map(\.error), done: deleted)
    }

    enum DeleteResult: Sendable {
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

    enum DeletionCheck: Sendable {
        /// Allowed, justified by this ledger copy.
        case allowed(CopyKey?)
        case refused(String)
    }

    /// Whether `item` may be deleted now (DESIGN.md invariant 1): the ledger must hold
    /// a checksum-verified copy of exactly this source generation, and that copy must
    /// still be there, unchanged.
    func deletionCheck(_ item: ObjectItem, kind: ActionKind) async throws -> DeletionCheck {
        guard let generation = item.source.generation else { return .refused("no generation to delete with") }
        let rows = try await state.copies(sourceBucket: item.source.bucket, sourceName: item.source.name)
        guard let copy = rows.first(where: { $0.key.sourceGeneration == generation && $0.isChecksumVerified && $0.isCurrent }) else {
            return .refused("no checksum-verified copy of generation \(generation) is recorded; not deleted")
        }
        guard copy.record.content.matches(item.content) else { return .refused("the recorded copy does not match this source; not deleted") }
        let target = copy.record.targetRef
        let live: ObjectRecord?
        do {
            live = try await store.headObject(target.bucket, target.name, generation: target.generation)
        } catch {
            return .refused("cannot read the copy gs://\(target.bucket)/\(target.name): \(Self.describe(error)); not deleted")
        }
        guard let live, live.generation == target.generation, ContentIdentity(live).matches(item.content) else {
            return .refused("the copy gs://\(target.bucket)/\(target.name) is gone or changed since it was verified; not deleted")
        }
        return .allowed(copy.key)
    }

    // MARK: - Code

    func rewrite(_ action: Action, _ edit: CodeEdit) async throws -> ActionOutcome {
        guard let writeCode, let root = options.codeRoot else { throw EngineError.noCodeRoot }
        try writeCode(edit, root)
        try await state.recordCodeEdit(edit, serial: serial)
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
    private var byAction: [ActionID: [RunContext.MadeCopy]] = [:]
    func store(_ copies: [RunContext.MadeCopy], for id: ActionID) { byAction[id] = copies }
    func results(for ids: [ActionID]) -> [RunContext.MadeCopy] { ids.flatMap { byAction[$0] ?? [] } }
}

/// Comparing a copy with its source.
enum CopyCheck {
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
