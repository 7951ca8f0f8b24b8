import Foundation

/// What makes a migration's copies: the plan file's `engine:`.
public enum CopyEngine: String, Hashable, Sendable, Codable, CaseIterable {
    /// Server-side `objects.rewrite` calls from the machine decant runs on.
    case api
    /// Storage Transfer Service jobs (GCS to GCS), watched and verified by decant.
    case transferService = "transfer_service"
    /// `transfer_service` above the plan's `engines:` thresholds, else `api`.
    case auto
}

/// `engines:` in the plan file: when `engine: auto` picks Storage Transfer Service.
/// Google's own guidance is STS above about 1 TB; object counts matter too (the API
/// engine makes one request an object from one machine).
public struct EngineThresholds: Hashable, Sendable, Codable {
    /// `transfer_service_above`: more bytes to copy than this picks STS.
    public var transferServiceAboveBytes: Int64
    /// `transfer_service_above_objects`: more objects to copy than this picks STS.
    public var transferServiceAboveObjects: Int

    public static let defaultBytes: Int64 = 1 << 40
    public static let defaultObjects = 10_000_000

    public init(transferServiceAboveBytes: Int64 = EngineThresholds.defaultBytes,
                transferServiceAboveObjects: Int = EngineThresholds.defaultObjects) {
        self.transferServiceAboveBytes = transferServiceAboveBytes
        self.transferServiceAboveObjects = transferServiceAboveObjects
    }

    /// The engine for a migration that copies `objects` objects of `bytes` bytes, and why.
    public func choose(_ requested: CopyEngine, objects: Int, bytes: Int64) -> EngineChoice {
        switch requested {
        case .api: return EngineChoice(engine: .api, why: .requested)
        case .transferService: return EngineChoice(engine: .transferService, why: .requested)
        case .auto:
            if bytes > transferServiceAboveBytes {
                return EngineChoice(engine: .transferService, why: .bytesAbove(bytes: bytes, threshold: transferServiceAboveBytes))
            }
            if objects > transferServiceAboveObjects {
                return EngineChoice(engine: .transferService, why: .objectsAbove(objects: objects, threshold: transferServiceAboveObjects))
            }
            return EngineChoice(engine: .api, why: .belowThresholds(bytes: transferServiceAboveBytes, objects: transferServiceAboveObjects))
        }
    }
}

/// The engine the planner picked for a migration's copies, and why.
public struct EngineChoice: Hashable, Sendable, Codable {
    /// `api` or `transferService`, never `auto`.
    public var engine: CopyEngine
    public var why: EngineReason

    public init(engine: CopyEngine, why: EngineReason) {
        self.engine = engine
        self.why = why
    }
}

/// Why a migration copies with the engine it does (the sentence is DecantRender's).
public enum EngineReason: Hashable, Sendable, Codable {
    /// The plan file names the engine (`engine: api` or `engine: transfer_service`).
    case requested
    /// `engine: auto`, and more bytes to copy than `engines.transfer_service_above`.
    case bytesAbove(bytes: Int64, threshold: Int64)
    /// `engine: auto`, and more objects to copy than `engines.transfer_service_above_objects`.
    case objectsAbove(objects: Int, threshold: Int)
    /// `engine: auto`, and neither threshold is passed.
    case belowThresholds(bytes: Int64, objects: Int)

    /// A stable name (`engine_reason` in the JSON plan).
    public var code: String {
        switch self {
        case .requested: return "requested"
        case .bytesAbove: return "bytes_above_threshold"
        case .objectsAbove: return "objects_above_threshold"
        case .belowThresholds: return "below_thresholds"
        }
    }
}

/// One Storage Transfer Service job of a migration: every object under `source`
/// lands under `target` with the same relative name (a migration with subfolder
/// renames has one job per rename, plus one for what no rename covers).
public struct TransferMapping: Hashable, Sendable, Codable {
    /// The job's number within the migration (it is part of the job's name).
    public var index: Int
    public var source: BucketPath
    public var target: BucketPath
    /// Folders under `source` other jobs of the migration copy (relative to `source`).
    public var excludePrefixes: [String]
    public var selection: TransferSelection

    public init(index: Int, source: BucketPath, target: BucketPath, excludePrefixes: [String] = [], selection: TransferSelection) {
        self.index = index
        self.source = source
        self.target = target
        self.excludePrefixes = excludePrefixes
        self.selection = selection
    }
}

/// How a transfer job selects its objects.
public enum TransferSelection: Hashable, Sendable, Codable {
    /// Everything under the job's source path (minus its exclude prefixes): the plan
    /// copies all of it and nothing of it is in the target yet.
    case prefixes
    /// A manifest listing exactly the planned objects, staged by decant in the target
    /// bucket and removed once the job has ended; `why` says what prefixes could not express.
    case manifest(why: ManifestReason)
}

/// Why a transfer job selects by manifest rather than by prefix.
public enum ManifestReason: String, Hashable, Sendable, Codable, CaseIterable {
    /// `include:` or `exclude:` globs.
    case globs
    /// `file_types:`.
    case fileTypes = "file_types"
    /// `partitions:`.
    case partitions
    /// `recursive: false`.
    case notRecursive = "not_recursive"
    /// Objects under the source prefix the selection leaves out for another reason.
    case leftOut = "left_out"
    /// The target already holds objects under the prefix (in sync, to adopt, or others).
    case targetNotEmpty = "target_not_empty"
}

/// A size written `1TiB`, `500GB`, `750 GiB` or `1048576` in a plan file.
public enum ByteSize {
    /// Nil when `text` is not a size.
    public static func parse(_ text: String) -> Int64? {
        let t = text.trimmingCharacters(in: .whitespaces)
        let digits = t.prefix { $0.isNumber || $0 == "." }
        guard !digits.isEmpty, let value = Double(digits), value >= 0 else { return nil }
        let unit = t.dropFirst(digits.count).trimmingCharacters(in: .whitespaces)
        let scales: [String: Double] = ["": 1, "B": 1, "KB": 1e3, "MB": 1e6, "GB": 1e9, "TB": 1e12, "PB": 1e15,
                                        "KiB": 1024, "MiB": 1_048_576, "GiB": 1_073_741_824, "TiB": 1_099_511_627_776,
                                        "PiB": 1_125_899_906_842_624]
        guard let scale = scales[unit] else { return nil }
        let bytes = (value * scale).rounded()
        guard bytes < 9.2e18 else { return nil }
        return Int64(bytes)
    }
}
