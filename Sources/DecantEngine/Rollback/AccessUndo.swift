import DecantCore
import DecantState
import DecantStorage

/// The access side of a rollback: each bucket whose IAM policy decant set goes
/// back to the policy before decant's oldest change, where the live policy still
/// grants what decant set. One the store shows changed since is left alone.
struct AccessUndo: Sendable {
    struct Restore: Sendable {
        var bucket: String
        /// The ledger rows undone, oldest first.
        var rows: [IAMChangeRow]
        var live: IAMPolicy
        var recordOnly: Bool
    }

    enum Judgement { case restore, alreadyBack, changedSince }

    var restores: [Restore] = []
    /// Buckets whose policy someone changed since decant set it.
    var leftAlone: Set<String> = []

    /// What to do with a bucket's policy: back already (grants equal to those before
    /// decant's oldest change), still decant's (equal to what the newest change set,
    /// or, for a change cut short before the store answered, to what it replaced),
    /// or someone else's.
    static func judge(live: IAMPolicy, oldest: IAMChangeRow, newest: IAMChangeRow) -> Judgement {
        if live.grantsEqual(oldest.previous) { return .alreadyBack }
        if live.grantsEqual(newest.new) || (!newest.confirmed && live.grantsEqual(newest.previous)) { return .restore }
        return .changedSince
    }

    static func plan(scope: RollbackScope, store: any ObjectStore, refusals: inout RefusalBook) async throws -> AccessUndo {
        var undo = AccessUndo()
        let byBucket = Dictionary(grouping: scope.iamChanges, by: \.bucket)
        for bucket in byBucket.keys.sorted() {
            let rows = (byBucket[bucket] ?? []).sorted { $0.id < $1.id }
            guard let oldest = rows.first, let newest = rows.last else { continue }
            guard store.capabilities.iamPolicies else {
                refusals.add(.restoreBucketIAM, .accessNotObservable, sample: "gs://\(bucket) (set at serial \(newest.serial))")
                continue
            }
            guard try await store.getBucket(bucket) != nil else {
                refusals.add(.restoreBucketIAM, .bucketGone, sample: "gs://\(bucket) (set at serial \(newest.serial))")
                continue
            }
            let live = try await store.bucketIAMPolicy(bucket)
            switch judge(live: live, oldest: oldest, newest: newest) {
            case .changedSince:
                undo.leftAlone.insert(bucket)
                refusals.add(.restoreBucketIAM, .accessChanged,
                             sample: "gs://\(bucket) (set at serial \(newest.serial), etag now \(live.etag ?? "none"))")
            case .alreadyBack:
                undo.restores.append(Restore(bucket: bucket, rows: rows, live: live, recordOnly: true))
            case .restore:
                undo.restores.append(Restore(bucket: bucket, rows: rows, live: live, recordOnly: false))
            }
        }
        return undo
    }
}

extension AccessUndo.Restore {
    /// Per role, what going back adds and removes.
    var changes: [IAMRoleChange] {
        guard let oldest = rows.first else { return [] }
        let keys = Set(live.bindings.map(\.key) + oldest.previous.bindings.map(\.key))
        return IAMPolicyDiff.between(declared: keys.sorted().map { key in
            DeclaredBinding(role: key.role, members: oldest.previous.bindings.filter { $0.key == key }.flatMap(\.members),
                            condition: key.condition)
        }, observed: live).changes
    }
}
