import DecantCore
import DecantStorage

/// The difference between a bucket's desired and observed settings, field by
/// field (`BucketSettings.Field`, in the order plans print them). Only fields the
/// plan sets are compared (nil means "not managed"), and only fields the store
/// really reports.
struct BucketDiff {
    var changes: [SettingChange] = []
    var patch = BucketPatch()
    /// Differences that cannot be patched (location is fixed at creation).
    var immutable: [SettingChange] = []
    var notCompared: [BucketSettings.Field] = []
    var lifecycleChange: SettingChange?

    init(desired: BucketSettings, observed: BucketSettings, capabilities: StoreCapabilities) {
        for field in BucketSettings.Field.allCases {
            if field.isImmutable {
                // Compared as GCS compares locations: without case.
                if let want = desired[field]?.description, let have = observed[field]?.description, want.uppercased() != have.uppercased() {
                    immutable.append(SettingChange(field: field, before: have, after: want))
                }
                continue
            }
            guard desired.isSet(field) else { continue }
            guard capabilities.keeps(field) else {
                notCompared.append(field)
                continue
            }
            switch field.kind {
            case .labels: labels(desired.labels ?? [:], observed.labels ?? [:])
            case .lifecycle: lifecycle(desired.lifecycle ?? [], observed.lifecycle ?? [])
            case .text, .storageClass, .flag, .seconds:
                guard let want = desired[field], want != observed[field] else { continue }
                changes.append(SettingChange(field: field, before: observed[field]?.description, after: want.description))
                patch[field] = want
            }
        }
    }

    /// decant manages the label keys it names and leaves others alone.
    private mutating func labels(_ want: [String: String], _ have: [String: String]) {
        let differing = want.filter { have[$0.key] != $0.value }
        guard !differing.isEmpty else { return }
        let before = have.filter { want[$0.key] != nil }
        changes.append(SettingChange(field: .labels, before: BucketSettings.describe(before), after: BucketSettings.describe(want)))
        patch.labels = differing.mapValues { Optional($0) }
    }

    /// Rules are set as a whole by an action of their own (`set_lifecycle`).
    private mutating func lifecycle(_ want: [LifecycleRule], _ have: [LifecycleRule]) {
        guard !want.isEquivalent(to: have) else { return }
        lifecycleChange = SettingChange(field: .lifecycle, before: BucketSettings.describe(have), after: BucketSettings.describe(want))
    }
}
