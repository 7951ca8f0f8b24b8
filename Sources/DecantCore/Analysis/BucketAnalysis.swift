import Foundation

/// What `decant analyze` found in a shared bucket and in the code that uses it:
/// the report the seed's subfolder analysis was made of by hand (use cases with
/// their writer and reader files, isolation, temperature, priority tiers, a
/// phased roadmap). Data first: the renderers and the plan scaffold read it.
public struct BucketAnalysis: Hashable, Sendable, Codable {
    public var environment: String
    public var bucket: String
    /// The instant temperatures are measured from (`--now`).
    public var now: Date
    public var thresholds: TemperatureThresholds
    /// The minimum folder depth asked for (`--depth`).
    public var depth: Int
    /// The use cases: one per analysed subfolder, in priority order (tier, then risk, then path).
    public var folders: [FolderUsage]
    /// Folders that were split because they only hold distinct use cases (`export/`).
    public var containers: [String]
    /// Objects directly at the bucket root (no folder).
    public var rootObjects: FolderStats
    /// What the code scan looked at; nil when no code was scanned.
    public var code: CodeSummary?
    /// Code references to folders that hold no object in the bucket.
    public var missing: [MissingFolder]
    /// References that name the bucket without a usable path (a person should look).
    public var unresolved: [CodeReference]
    /// The bucket's location (the scaffold creates the dedicated buckets there).
    public var location: String?
    /// The prices the folders were costed with; nil when not costed.
    public var prices: PriceSummary?

    public init(environment: String, bucket: String, now: Date, thresholds: TemperatureThresholds, depth: Int,
                folders: [FolderUsage], containers: [String] = [], rootObjects: FolderStats = FolderStats(),
                code: CodeSummary? = nil, missing: [MissingFolder] = [], unresolved: [CodeReference] = []) {
        self.environment = environment
        self.bucket = bucket
        self.now = now
        self.thresholds = thresholds
        self.depth = depth
        self.folders = folders
        self.containers = containers
        self.rootObjects = rootObjects
        self.code = code
        self.missing = missing
        self.unresolved = unresolved
    }

    public func folder(_ path: String) -> FolderUsage? { folders.first { $0.path == path } }

    /// Folders no code mentions.
    public var unreferenced: [FolderUsage] { folders.filter { $0.references.isEmpty } }

    /// The folders of each tier, in priority order: the phased roadmap.
    public var phases: [(tier: PriorityTier, folders: [FolderUsage])] {
        PriorityTier.allCases.compactMap { tier in
            let members = folders.filter { $0.tier == tier }
            return members.isEmpty ? nil : (tier, members)
        }
    }
}

/// Object count, bytes and the oldest and newest write of a folder, aggregated
/// while the listing streams by.
public struct FolderStats: Hashable, Sendable, Codable {
    public var objects: Int
    public var bytes: Int64
    public var newest: Date?
    public var oldest: Date?

    public init(objects: Int = 0, bytes: Int64 = 0, newest: Date? = nil, oldest: Date? = nil) {
        self.objects = objects
        self.bytes = bytes
        self.newest = newest
        self.oldest = oldest
    }

    /// Counts one object. Its time is `customTime` when set (a copy made with
    /// `preserve_age` carries its original creation there), else `timeCreated`.
    public mutating func add(_ object: ObjectRecord) {
        objects += 1
        bytes += object.size
        guard let time = object.customTime ?? object.timeCreated ?? object.updated else { return }
        if newest.map({ time > $0 }) ?? true { newest = time }
        if oldest.map({ time < $0 }) ?? true { oldest = time }
    }

    public mutating func merge(_ other: FolderStats) {
        objects += other.objects
        bytes += other.bytes
        if let n = other.newest, newest.map({ n > $0 }) ?? true { newest = n }
        if let o = other.oldest, oldest.map({ o < $0 }) ?? true { oldest = o }
    }
}

/// Summary of the code scan behind an analysis.
public struct CodeSummary: Hashable, Sendable, Codable {
    /// The code root as given (`--code`, or the plan's `code.root`).
    public var root: String
    public var filesScanned: Int
    /// How code names the bucket (the scanner's `source_refs`).
    public var sourceRefs: [String]

    public init(root: String, filesScanned: Int, sourceRefs: [String]) {
        self.root = root
        self.filesScanned = filesScanned
        self.sourceRefs = sourceRefs
    }
}

/// A folder the code names that holds nothing in the bucket (a typo, a folder
/// of another environment, or a pipeline that has not run here yet).
public struct MissingFolder: Hashable, Sendable, Codable {
    public var path: String
    public var references: [CodeReference]

    public init(path: String, references: [CodeReference]) {
        self.path = path
        self.references = references
    }
}
