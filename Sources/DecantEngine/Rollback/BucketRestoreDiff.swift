import DecantCore
import DecantStorage

/// What putting back a bucket's previous settings takes: only the fields decant
/// changed (from `previous` to `decant`), compared with what the bucket holds
/// now (`live`). A field still as decant left it is patched back; one already
/// back needs nothing; one someone changed since is a conflict, and then nothing
/// of the bucket is restored. Lifecycle goes back as a whole list; labels key by
/// key, removing the ones decant added.
struct BucketRestoreDiff: Equatable {
    var patch = BucketPatch()
    /// `before`: as it is now (decant's), `after`: as it was before decant.
    var changes: [SettingChange] = []
    var conflicts: [String] = []
    /// Fields decant set where nothing was reported before: a patch cannot unset them.
    var cannotUnset: [BucketSettings.Field] = []

    init(previous: BucketSettings, decant: BucketSettings, live: BucketSettings, capabilities: StoreCapabilities) {
        for field in BucketSettings.Field.allCases where !field.isImmutable {
            switch field.kind {
            case .labels: labels(previous: previous.labels, decant: decant.labels, live: live.labels ?? [:], merge: capabilities.labelMerge)
            case .lifecycle: lifecycle(previous: previous.lifecycle, decant: decant.lifecycle, live: live.lifecycle)
            case .text, .storageClass, .flag, .seconds: scalar(field, previous[field], decant[field], live[field])
            }
        }
    }

    /// Nothing to patch and nothing in the way: the bucket is back already.
    var isRestored: Bool { patch.isEmpty && conflicts.isEmpty }

    private mutating func scalar(_ field: BucketSettings.Field, _ previous: BucketSettingValue?, _ decant: BucketSettingValue?,
                                 _ live: BucketSettingValue?) {
        guard previous != decant else { return }
        guard let previous else {
            cannotUnset.append(field)
            return
        }
        if live == previous { return }
        if live == decant {
            changes.append(SettingChange(field: field, before: live?.description, after: previous.description))
            patch[field] = previous
        } else {
            conflicts.append("\(field.rawValue) is \(live?.description ?? "unset") now, decant set \(decant?.description ?? "unset")")
        }
    }

    private mutating func labels(previous: [String: String]?, decant: [String: String]?, live: [String: String], merge: Bool) {
        guard previous != nil || decant != nil else { return }
        let before = previous ?? [:], after = decant ?? [:]
        let keys = Set(before.keys).union(after.keys).filter { before[$0] != after[$0] }.sorted()
        var restore: [String: String?] = [:]
        for key in keys where live[key] != before[key] {
            if live[key] == after[key] {
                restore[key] = .some(before[key])
            } else {
                conflicts.append("label \(key) is \(live[key] ?? "unset") now, decant set \(after[key] ?? "unset")")
            }
        }
        guard !restore.isEmpty else { return }
        var result = live
        for (key, value) in restore { result[key] = value }
        changes.append(SettingChange(field: .labels, before: BucketSettings.describe(live.filter { restore[$0.key] != nil }),
                                     after: BucketSettings.describe(result.filter { restore[$0.key] != nil })))
        // A store that replaces the whole map on PATCH gets the whole map.
        patch.labels = merge ? restore : result.mapValues { Optional($0) }
    }

    private mutating func lifecycle(previous: [LifecycleRule]?, decant: [LifecycleRule]?, live: [LifecycleRule]?) {
        let before = previous ?? [], after = decant ?? [], now = live ?? []
        guard !before.isEquivalent(to: after), !now.isEquivalent(to: before) else { return }
        if now.isEquivalent(to: after) {
            changes.append(SettingChange(field: .lifecycle, before: BucketSettings.describe(now), after: BucketSettings.describe(before)))
            patch.lifecycle = before
        } else {
            conflicts.append("lifecycle is \(BucketSettings.describe(now)) now, decant set \(BucketSettings.describe(after))")
        }
    }
}
