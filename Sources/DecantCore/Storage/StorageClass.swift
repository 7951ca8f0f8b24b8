/// GCS storage classes. The legacy classes are kept so that an observed bucket
/// using one is reported as it is rather than rejected.
public enum StorageClass: String, Sendable, Codable, CaseIterable, Comparable {
    case standard = "STANDARD"
    case nearline = "NEARLINE"
    case coldline = "COLDLINE"
    case archive = "ARCHIVE"
    case multiRegional = "MULTI_REGIONAL"
    case regional = "REGIONAL"
    case durableReducedAvailability = "DURABLE_REDUCED_AVAILABILITY"

    /// The four classes a plan may ask for.
    public static let current: [StorageClass] = [.standard, .nearline, .coldline, .archive]

    public static func < (a: StorageClass, b: StorageClass) -> Bool { a.rawValue < b.rawValue }
}
