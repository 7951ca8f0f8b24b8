import DecantCore
import DecantState

/// Turns the undo steps into an action graph in reverse dependency order:
/// sources come back before the copies they come from are removed, copies go
/// before the bucket holding them, settings go back before a bucket is deleted;
/// code reverts of one file run newest first. Ids and order are deterministic.
enum RollbackGraph {
    /// `batchSize(migration)`: objects per restore_object / delete_copy action of that migration.
    static func build(objects: ObjectUndo, code: CodeUndo, buckets: BucketUndo,
                      batchSize: (String) -> Int) throws -> ActionGraph {
        var actions: [Action] = []
        var counters: [String: Int] = [:]
        func nextID(_ kind: ActionKind, _ migration: String, prefix: String = "") -> ActionID {
            let key = kind.rawValue + ":" + migration + ":" + prefix
            counters[key, default: 0] += 1
            return ActionID(kind.rawValue, migration.isEmpty ? "-" : migration, prefix + GraphBuilder.number(counters[key] ?? 1))
        }

        // Code, newest edit first; an older edit of a file waits for the newer one.
        var lastRevert: [String: ActionID] = [:]
        for revert in code.reverts {
            let row = revert.row
            let id = ActionID("revert_code", row.edit.path, "edit-\(row.id)")
            let reason: ActionReason = revert.recordOnly ? .editAlreadyReverted(serial: row.serial) : .revertEdit(serial: row.serial)
            actions.append(Action(id: id, kind: .revertCode, migration: row.edit.migrations.first, reason: reason,
                                  dependsOn: lastRevert[row.edit.path].map { [$0] } ?? [], payload: .code(row.edit.reversed),
                                  ledgerIDs: [row.id]))
            lastRevert[row.edit.path] = id
        }

        // Objects: restores, then the removals of the copies they come from.
        var restoresFrom: [String: [ActionID]] = [:]   // "migration\0copy bucket"
        var touching: [String: [ActionID]] = [:]       // bucket → object actions reading or removing in it
        for key in objects.restores.keys.sorted() {
            for batch in (objects.restores[key] ?? []).chunked(max(1, batchSize(key.migration))) {
                let id = nextID(.restoreObject, key.migration)
                let reason = ActionReason.restoreSources(objects: batch.count, bytes: bytes(batch), from: key.from,
                                                         alreadyBack: batch.filter(\.recordOnly).count)
                actions.append(Action(id: id, kind: .restoreObject, migration: key.migration, bucket: key.to, reason: reason,
                                      payload: .objects(batch.map(\.item))))
                restoresFrom[key.migration + "\u{0}" + key.from, default: []].append(id)
                touching[key.from, default: []].append(id)
            }
        }
        for (groups, forget) in [(objects.removals, false), (objects.forgets, true)] {
            for key in groups.keys.sorted() {
                for batch in (groups[key] ?? []).chunked(max(1, batchSize(key.migration))) {
                    let id = nextID(.deleteCopy, key.migration, prefix: forget ? "forget-" : "")
                    let reason: ActionReason = forget ? .forgetAdopted(objects: batch.count, bucket: key.from)
                        : .removeCopies(objects: batch.count, bytes: bytes(batch), bucket: key.from, gone: batch.filter(\.recordOnly).count)
                    actions.append(Action(id: id, kind: .deleteCopy, migration: key.migration, bucket: key.from, reason: reason,
                                          dependsOn: restoresFrom[key.migration + "\u{0}" + key.from] ?? [],
                                          payload: .objects(batch.map(\.item))))
                    touching[key.from, default: []].append(id)
                }
            }
        }

        // Buckets: settings back, then the buckets decant created, once empty.
        var restoredBucket: [String: ActionID] = [:]
        for restore in buckets.restores {
            let id = ActionID("restore_bucket", restore.name)
            let serials = Set(restore.changes.map(\.serial)).sorted()
            let reason: ActionReason = restore.diff.patch.isEmpty ? .settingsAlreadyBack(serials: serials)
                : .restoreSettings(serials: serials, changes: restore.diff.changes)
            let change = BucketChange(name: restore.name, patch: restore.diff.patch, changes: restore.diff.changes,
                                      previous: restore.live.settings, expectedMetageneration: restore.live.metageneration)
            actions.append(Action(id: id, kind: .restoreBucket, bucket: restore.name, reason: reason,
                                  payload: .patchBucket(change), ledgerIDs: restore.changes.map(\.id)))
            restoredBucket[restore.name] = id
        }
        for deletion in buckets.deletions {
            let name = deletion.row.name
            let reason: ActionReason = deletion.recordOnly ? .createdBucketGone(serial: deletion.row.serial)
                : .deleteCreatedBucket(serial: deletion.row.serial)
            actions.append(Action(id: ActionID("delete_bucket", name), kind: .deleteBucket, bucket: name, reason: reason,
                                  dependsOn: (touching[name] ?? []) + (restoredBucket[name].map { [$0] } ?? []),
                                  payload: .deleteBucket(name: name), ledgerIDs: [deletion.row.id]))
        }
        return try ActionGraph(actions)
    }

    static func bytes(_ batch: ArraySlice<ObjectUndo.Planned>) -> Int64 {
        batch.reduce(Int64(0)) { $0 + $1.item.content.size }
    }
}
