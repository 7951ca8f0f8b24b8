import DecantCore
import DecantState
import DecantStorage

/// The object side of a rollback, decided from the ledger and what the store
/// holds now: deleted sources to restore from their verified copies, copies to
/// remove, adopted copies to forget, and what to leave alone. Reads only.
struct ObjectUndo: Sendable {
    /// A migration's objects moving from one bucket to another (restores) or
    /// removed from one bucket (`from == to`).
    struct GroupKey: Hashable, Comparable, Sendable {
        var migration: String
        var from: String
        var to: String

        static func < (a: GroupKey, b: GroupKey) -> Bool { (a.migration, a.from, a.to) < (b.migration, b.from, b.to) }
    }

    /// An item of a step, and whether the store already looks as the step leaves it.
    struct Planned: Sendable {
        var item: ObjectItem
        var recordOnly: Bool
    }

    var restores: [GroupKey: [Planned]] = [:]
    var removals: [GroupKey: [Planned]] = [:]
    var forgets: [GroupKey: [Planned]] = [:]
    /// Per bucket, the names the removals take out of it (or find gone already).
    var removedNames: [String: Set<String>] = [:]

    enum RestoreCheck: Sendable {
        case restore, recordOnly, notDeleted
        case refused(reason: RefusalReason, sample: String)
    }

    enum RemovalCheck: Sendable {
        case remove, recordOnly, forget
        case refused(reason: RefusalReason, sample: String)
    }

    /// Streams the deletions and copies recorded after `target`, checking each
    /// against the store `width` at a time.
    static func plan(state: StateStore, store: any ObjectStore, target: Int64, width: Int,
                     refusals: inout RefusalBook) async throws -> ObjectUndo {
        var undo = ObjectUndo()
        let limiter = AsyncLimiter(width: width)
        // Copies whose deleted source cannot be restored must stay.
        var unrestorable: Set<Int64> = []
        for try await page in state.deletions(after: target) {
            let checks = await limiter.map(page) { row in await Result(catching: { try await checkRestore(row, store: store) }) }
            for (row, result) in zip(page, checks) {
                let check = try result.get()
                let copy = row.copy.record
                let item = ObjectItem(source: copy.targetRef, target: ObjectRef(bucket: row.object.bucket, name: row.object.name),
                                      content: copy.content, sourceCreated: copy.sourceCreated, ledgerID: row.id)
                let key = GroupKey(migration: copy.migration, from: copy.key.targetBucket, to: row.object.bucket)
                switch check {
                case .restore: undo.restores[key, default: []].append(Planned(item: item, recordOnly: false))
                case .recordOnly: undo.restores[key, default: []].append(Planned(item: item, recordOnly: true))
                case .notDeleted: break
                case let .refused(reason, sample):
                    unrestorable.insert(row.copy.id)
                    refusals.add(.restoreObject, reason, sample: sample, bytes: copy.content.size)
                }
            }
        }
        for try await page in state.copiesMade(after: target) {
            let blocked = unrestorable
            let checks = await limiter.map(page) { row in await Result(catching: { try await checkRemoval(row, unrestorable: blocked, store: store) }) }
            for (row, result) in zip(page, checks) {
                let check = try result.get()
                let copy = row.record
                let item = ObjectItem(source: copy.targetRef, target: copy.key.source, content: copy.content,
                                      sourceCreated: copy.sourceCreated, adopt: copy.adopted, ledgerID: row.id)
                let key = GroupKey(migration: copy.migration, from: copy.key.targetBucket, to: copy.key.targetBucket)
                switch check {
                case .remove, .recordOnly:
                    undo.removals[key, default: []].append(Planned(item: item, recordOnly: check.isRecordOnly))
                    undo.removedNames[key.from, default: []].insert(copy.key.targetName)
                case .forget: undo.forgets[key, default: []].append(Planned(item: item, recordOnly: false))
                case let .refused(reason, sample): refusals.add(.deleteCopy, reason, sample: sample, bytes: copy.content.size)
                }
            }
        }
        for key in Array(undo.restores.keys) { undo.restores[key]?.sort { $0.item.target?.name ?? "" < $1.item.target?.name ?? "" } }
        for key in Array(undo.removals.keys) { undo.removals[key]?.sort { $0.item.source.name < $1.item.source.name } }
        for key in Array(undo.forgets.keys) { undo.forgets[key]?.sort { $0.item.source.name < $1.item.source.name } }
        return undo
    }

    /// A deleted source can come back when its name is free and its verified copy
    /// is still the recorded generation; a name holding the same content already
    /// is only recorded (a rollback cut short, or someone restored it).
    static func checkRestore(_ row: DeletionRow, store: any ObjectStore) async throws -> RestoreCheck {
        let original = row.object
        // A deletion journaled but not confirmed, whose object is still there, never happened.
        if row.pending, try await store.headIfPresent(original.bucket, original.name, generation: original.generation) != nil {
            return .notDeleted
        }
        let copy = row.copy.record
        if let live = try await store.headIfPresent(original.bucket, original.name) {
            if ContentIdentity(live).matches(copy.content) { return .recordOnly }
            return .refused(reason: .originalTaken,
                            sample: "\(original.url) holds generation \(live.generation) (\(ByteFormat.string(live.size))), not the deleted content")
        }
        let from = copy.targetRef
        guard let held = try await store.headIfPresent(from.bucket, from.name) else {
            return .refused(reason: .copyChanged, sample: "\(from.url) is gone (to restore \(original.url))")
        }
        guard held.generation == copy.targetGeneration, ContentIdentity(held).matches(copy.content) else {
            return .refused(reason: .copyChanged,
                            sample: "\(from.url) is generation \(held.generation), decant verified \(copy.targetGeneration) (to restore \(original.url))")
        }
        return .restore
    }

    /// A copy decant made goes when it is still the generation decant wrote; an
    /// adopted one is only forgotten; one whose deleted source cannot come back stays.
    static func checkRemoval(_ row: CopyRow, unrestorable: Set<Int64>, store: any ObjectStore) async throws -> RemovalCheck {
        let copy = row.record
        let target = copy.targetRef
        if unrestorable.contains(row.id) {
            return .refused(reason: .sourceNotRestorable, sample: "\(target.url) (copy of \(copy.key.source.url))")
        }
        if copy.adopted { return .forget }
        guard let live = try await store.headIfPresent(target.bucket, target.name) else { return .recordOnly }
        guard live.generation == copy.targetGeneration else {
            return .refused(reason: .targetChanged,
                            sample: "\(target.url) is generation \(live.generation), decant wrote \(copy.targetGeneration)")
        }
        return .remove
    }
}

extension ObjectUndo.RemovalCheck {
    var isRecordOnly: Bool {
        if case .recordOnly = self { return true }
        return false
    }
}
