/// The dedicated bucket a temperature suggests: the seed's "temperature-based
/// storage class transitions" (cold data straight to COLDLINE, reference data
/// cheaper after a month, hot staging kept STANDARD while it is fresh).
public struct SuggestedStorage: Hashable, Sendable {
    /// The lifecycle policy's name in a plan file.
    public var policy: String
    public var storageClass: StorageClass
    /// `{ set_storage_class: …, when: { age_days: … } }` entries, as a plan file writes them.
    public var rules: [Transition]

    /// Objects move to `storageClass` once `ageDays` old.
    public struct Transition: Hashable, Sendable {
        public var storageClass: StorageClass
        public var ageDays: Int
        public init(_ storageClass: StorageClass, _ ageDays: Int) {
            self.storageClass = storageClass
            self.ageDays = ageDays
        }
    }

    /// Rules on age restart at a copy: with any rule past day 0, copies should keep their age (`preserve_age`).
    public var needsPreservedAge: Bool { rules.contains { $0.ageDays > 0 } }

    /// In words: `COLDLINE at once`, `NEARLINE after 30 days, ARCHIVE after 365 days`.
    public var summary: String {
        rules.map { $0.ageDays == 0 ? "\($0.storageClass.rawValue) at once" : "\($0.storageClass.rawValue) after \($0.ageDays) days" }
            .joined(separator: ", ")
    }
}

extension Temperature {
    public var suggestedStorage: SuggestedStorage {
        switch self {
        case .cold:
            return SuggestedStorage(policy: "immediate_coldline", storageClass: .coldline, rules: [.init(.coldline, 0)])
        case .warm:
            return SuggestedStorage(policy: "standard_with_archiving", storageClass: .standard,
                                    rules: [.init(.nearline, 30), .init(.archive, 365)])
        case .hot:
            return SuggestedStorage(policy: "hot_staging", storageClass: .standard, rules: [.init(.nearline, 30)])
        }
    }
}
