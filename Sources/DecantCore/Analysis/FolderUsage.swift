import Foundation

/// One analysed subfolder of the shared bucket: a candidate use case.
public struct FolderUsage: Hashable, Sendable, Codable {
    /// The folder, ending with `/` (`bigquery_imports/seed/`).
    public var path: String
    /// True when this entry holds only the objects directly in `path`, whose
    /// subfolders are analysed apart.
    public var directObjectsOnly: Bool
    public var stats: FolderStats
    public var temperature: Temperature
    /// Files that write to the folder (PUSH), sorted.
    public var writers: [String]
    /// Files that read from it (PULL), sorted; a file can be a writer too.
    public var readers: [String]
    /// Files that name it without a readable direction.
    public var mentions: [String]
    /// Every reference to the folder, sorted by path and line; each says how decant
    /// followed the bucket to it (`via`, `through`).
    public var references: [CodeReference]
    /// The files (DAGs) that launch a job script with the bucket, for the script's
    /// references to this folder.
    public var launchers: [String] = []
    /// Files that also name other analysed folders, with those folders.
    public var sharedFiles: [SharedFile]
    public var isolation: Isolation
    /// Files that read (or may read) the folder without writing it: the consumers a
    /// move has to switch over.
    public var consumers: [String]
    /// Recently written, yet no code file writes it: an external system or people do.
    public var externalWriter: Bool
    /// Code writes it, yet no code file reads it: its readers are outside the code.
    public var externalReader: Bool
    public var tier: PriorityTier
    /// Why the tier, in words, one reason a line.
    public var reasons: [String]
    /// The dedicated bucket it would move to (`{use-case}-bucket-{env}`), without the environment suffix.
    public var useCase: String
    /// What moving it to its suggested class and lifecycle costs and saves (same
    /// location, sources deleted once copied); nil when not costed.
    public var cost: MigrationCost?

    public init(path: String, directObjectsOnly: Bool = false, stats: FolderStats, temperature: Temperature,
                writers: [String] = [], readers: [String] = [], mentions: [String] = [], references: [CodeReference] = [],
                sharedFiles: [SharedFile] = [], isolation: Isolation, consumers: [String] = [], externalWriter: Bool = false,
                externalReader: Bool = false, tier: PriorityTier, reasons: [String] = [], useCase: String) {
        self.path = path
        self.directObjectsOnly = directObjectsOnly
        self.stats = stats
        self.temperature = temperature
        self.writers = writers
        self.readers = readers
        self.mentions = mentions
        self.references = references
        self.sharedFiles = sharedFiles
        self.isolation = isolation
        self.consumers = consumers
        self.externalWriter = externalWriter
        self.externalReader = externalReader
        self.tier = tier
        self.reasons = reasons
        self.useCase = useCase
    }

    /// Every code file that names the folder, sorted.
    public var files: [String] { Set(writers + readers + mentions).sorted() }
}

/// A code file that names several analysed folders: moving one of them edits a
/// file the others depend on too.
public struct SharedFile: Hashable, Sendable, Codable {
    public var path: String
    public var otherFolders: [String]

    public init(path: String, otherFolders: [String]) {
        self.path = path
        self.otherFolders = otherFolders
    }
}

/// How recently a folder was written, the seed's cold → warm → hot.
public enum Temperature: String, Hashable, Sendable, Codable, CaseIterable {
    /// Nothing written for longer than the cold threshold.
    case cold
    case warm
    /// Written within the hot threshold.
    case hot
}

/// When a folder is hot or cold, in days since its newest write (`--hot-days`, `--cold-days`).
public struct TemperatureThresholds: Hashable, Sendable, Codable {
    /// Written within this many days: hot.
    public var hotDays: Int
    /// Nothing written for more than this many days: cold.
    public var coldDays: Int

    /// A week (daily and weekly pipelines are hot) and 30 days (GCS's Nearline
    /// minimum: data untouched for a month pays to move to a colder class).
    public static let standard = TemperatureThresholds(hotDays: 7, coldDays: 30)

    public init(hotDays: Int, coldDays: Int) {
        self.hotDays = hotDays
        self.coldDays = coldDays
    }

    /// The temperature of a folder whose newest write is `newest`; an empty folder is cold.
    public func temperature(newest: Date?, now: Date) -> Temperature {
        guard let newest else { return .cold }
        let days = now.timeIntervalSince(newest) / 86_400
        if days <= Double(hotDays) { return .hot }
        if days > Double(coldDays) { return .cold }
        return .warm
    }
}

/// How many consumers a folder has, the seed's "perfect isolation" versus "shared".
public enum Isolation: String, Hashable, Sendable, Codable, CaseIterable {
    /// No code names it (manual or legacy data).
    case unreferenced
    /// At most one consumer.
    case isolated
    /// Several consumers.
    case shared
}

/// The seed's four migration priority tiers (and roadmap phases).
public enum PriorityTier: Int, Hashable, Sendable, Codable, CaseIterable, Comparable {
    case coldIsolated = 1
    case warmIsolated = 2
    case hot = 3
    case deferred = 4

    public var title: String {
        switch self {
        case .coldIsolated: return "Tier 1: Immediate Cold Storage Migration (Maximum Cost Savings, Minimal Risk)"
        case .warmIsolated: return "Tier 2: Warm Isolated Data Migration (Good Cost Benefits, Moderate Risk)"
        case .hot: return "Tier 3: Hot Data Migration (Lower Cost Benefits, Higher Complexity)"
        case .deferred: return "Tier 4: Low Priority / Keep in Main Bucket (Minimal Benefits or Active Dependencies)"
        }
    }

    /// The roadmap phase of the tier.
    public var phaseTitle: String {
        switch self {
        case .coldIsolated: return "Phase 1: Cold Storage Migration - Maximum Impact, Minimal Risk"
        case .warmIsolated: return "Phase 2: Warm Isolated Data Migration - Good Benefits, Moderate Risk"
        case .hot: return "Phase 3: Hot Data Migration - Lower Priority, Higher Complexity"
        case .deferred: return "Phase 4: Low Priority / Deferred - Consider Later or Keep in Main Bucket"
        }
    }

    public static func < (a: PriorityTier, b: PriorityTier) -> Bool { a.rawValue < b.rawValue }
}
