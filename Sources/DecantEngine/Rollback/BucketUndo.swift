import DecantCore
import DecantState
import DecantStorage

/// The bucket side of a rollback: settings to put back and buckets decant
/// created to delete, decided from the ledger and the buckets as they are now.
struct BucketUndo: Sendable {
    struct Restore: Sendable {
        var name: String
        /// The ledger rows undone, oldest first.
        var changes: [BucketChangeRow]
        var diff: BucketRestoreDiff
        var live: BucketInfo
    }

    struct Deletion: Sendable {
        var row: CreatedBucketRow
        /// The bucket is gone already: only recorded.
        var recordOnly: Bool
    }

    var restores: [Restore] = []
    var deletions: [Deletion] = []

    static func plan(scope: RollbackScope, store: any ObjectStore, removedNames: [String: Set<String>],
                     refusals: inout RefusalBook) async throws -> BucketUndo {
        var undo = BucketUndo()
        // All of one bucket's changes go back together: to the settings before the oldest.
        let byName = Dictionary(grouping: scope.bucketChanges, by: \.change.name)
        for name in byName.keys.sorted() {
            let rows = (byName[name] ?? []).sorted { $0.id < $1.id }
            guard let oldest = rows.first, let newest = rows.last else { continue }
            guard let live = try await store.getBucket(name) else {
                refusals.add(.restoreBucket, .bucketGone, sample: "gs://\(name) (changed at serial \(newest.serial))")
                continue
            }
            let diff = BucketRestoreDiff(previous: oldest.change.previous, decant: newest.change.new, live: live.settings,
                                         capabilities: store.capabilities)
            if !diff.conflicts.isEmpty {
                refusals.add(.restoreBucket, .bucketChanged,
                             sample: "gs://\(name): " + diff.conflicts.joined(separator: "; "))
                continue
            }
            undo.restores.append(Restore(name: name, changes: rows, diff: diff, live: live))
        }
        for row in scope.createdBuckets.sorted(by: { $0.name < $1.name }) {
            guard try await store.getBucket(row.name) != nil else {
                undo.deletions.append(Deletion(row: row, recordOnly: true))
                continue
            }
            let leaving = removedNames[row.name] ?? []
            var remaining = 0
            var examples: [String] = []
            for try await page in store.listObjects(row.name, ListOptions()) {
                for object in page.objects where !leaving.contains(object.name) {
                    remaining += 1
                    if examples.count < 3 { examples.append(object.name) }
                }
            }
            if remaining > 0 {
                refusals.add(.deleteBucket, .bucketNotEmpty,
                             sample: "gs://\(row.name) (created at serial \(row.serial)): \(remaining) object(s) would remain, e.g. "
                                 + examples.joined(separator: ", "))
                continue
            }
            undo.deletions.append(Deletion(row: row, recordOnly: false))
        }
        return undo
    }
}
