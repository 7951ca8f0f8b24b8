import DecantCore
import DecantStorage

/// The difference between a bucket's desired and observed settings, field by
/// field. Only fields the plan sets are compared (nil means "not managed"), and
/// only fields the store really reports.
struct BucketDiff {
    var changes: [SettingChange] = []
    var patch = BucketPatch()
    /// Differences that cannot be patched (location is fixed at creation).
    var immutable: [SettingChange] = []
    var notCompared: [BucketSettings.Field] = []
    var lifecycleChange: SettingChange?

    init(desired: BucketSettings, observed: BucketSettings, capabilities: StoreCapabilities) {
        if let want = desired.location, let have = observed.location, want.uppercased() != have.uppercased() {
            immutable.append(SettingChange(field: .location, before: have, after: want))
        }
        if let want = desired.storageClass {
            if !capabilities.storageClasses {
                notCompared.append(.storageClass)
            } else if observed.storageClass != want {
                changes.append(SettingChange(field: .storageClass, before: observed.storageClass?.rawValue, after: want.rawValue))
                patch.storageClass = want
            }
        }
        if let want = desired.labels {
            if !capabilities.bucketLabels {
                notCompared.append(.labels)
            } else {
                // decant manages the label keys it names and leaves others alone.
                let have = observed.labels ?? [:]
                let differing = want.filter { have[$0.key] != $0.value }
                if !differing.isEmpty {
                    let before = have.filter { want[$0.key] != nil }
                    changes.append(SettingChange(field: .labels, before: Self.describe(before), after: Self.describe(want)))
                    patch.labels = differing.mapValues { Optional($0) }
                }
            }
        }
        compare(.versioning, desired.versioning, observed.versioning, \.versioning)
        compare(.uniformAccess, desired.uniformAccess, observed.uniformAccess, \.uniformAccess)
        compare(.publicAccessPrevention, desired.publicAccessPrevention, observed.publicAccessPrevention, \.publicAccessPrevention)
        compare(.retentionPeriod, desired.retentionPeriodSeconds, observed.retentionPeriodSeconds, \.retentionPeriodSeconds)
        compare(.softDelete, desired.softDeleteSeconds, observed.softDeleteSeconds, \.softDeleteSeconds)
        compare(.autoclass, desired.autoclass, observed.autoclass, \.autoclass)
        if let want = desired.lifecycle {
            if !capabilities.lifecycle {
                notCompared.append(.lifecycle)
            } else if !want.isEquivalent(to: observed.lifecycle ?? []) {
                lifecycleChange = SettingChange(field: .lifecycle, before: Self.describe(observed.lifecycle ?? []),
                                                after: Self.describe(want))
            }
        }
    }

    private mutating func compare<T: Equatable>(_ field: BucketSettings.Field, _ want: T?, _ have: T?,
                                                _ path: WritableKeyPath<BucketPatch, T?>) {
        guard let want, want != have else { return }
        changes.append(SettingChange(field: field, before: have.map { "\($0)" }, after: "\(want)"))
        patch[keyPath: path] = want
    }

    static func describe(_ labels: [String: String]) -> String {
        "{" + labels.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "}"
    }

    static func describe(_ rules: [LifecycleRule]) -> String {
        guard !rules.isEmpty else { return "no rules" }
        return rules.canonical.map(\.description).joined(separator: "; ")
    }
}
