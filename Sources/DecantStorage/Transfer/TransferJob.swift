import DecantCore
import Foundation

// The `TransferJob` message of Storage Transfer Service REST v1 and the parts of it
// decant uses, shaped field for field as the public API reference has them (camelCase
// names, enums by name). Fields decant never sets (notification and logging
// configuration, agent pools, event streams, time-based object conditions) are left
// out: a job read back from the service keeps them on the service, not here.

/// `transferJobs/<name>`: one copy (source bucket and path to sink bucket and path)
/// that can run many times, one operation at a time.
public struct TransferJob: Hashable, Sendable, Codable {
    /// `transferJobs/…`; decant always chooses it (`TransferJobName.make`) so that
    /// a resumed apply finds its job again instead of making another.
    public var name: String?
    public var description: String?
    public var projectId: String?
    public var transferSpec: TransferSpec?
    /// Absent: the job runs only when `transferJobs.run` is called.
    public var schedule: TransferSchedule?
    public var status: TransferJobStatus?
    /// Output only (RFC 3339).
    public var creationTime: String?
    /// Output only (RFC 3339).
    public var lastModificationTime: String?
    /// Output only (RFC 3339), set once the job is DELETED.
    public var deletionTime: String?
    /// Output only: the operation the job started last (`transferOperations/…`).
    public var latestOperationName: String?

    public init(name: String? = nil, description: String? = nil, projectId: String? = nil,
                transferSpec: TransferSpec? = nil, schedule: TransferSchedule? = nil,
                status: TransferJobStatus? = .enabled, creationTime: String? = nil,
                lastModificationTime: String? = nil, deletionTime: String? = nil,
                latestOperationName: String? = nil) {
        self.name = name
        self.description = description
        self.projectId = projectId
        self.transferSpec = transferSpec
        self.schedule = schedule
        self.status = status
        self.creationTime = creationTime
        self.lastModificationTime = lastModificationTime
        self.deletionTime = deletionTime
        self.latestOperationName = latestOperationName
    }
}

/// `TransferJob.status`.
public enum TransferJobStatus: String, TransferWireEnum {
    case unspecified = "STATUS_UNSPECIFIED"
    /// New operations may start.
    case enabled = "ENABLED"
    /// No new operation starts; running ones go on.
    case disabled = "DISABLED"
    /// Garbage-collected about 30 days later; its name stays taken until then.
    case deleted = "DELETED"
}

/// `TransferSpec`, GCS to GCS.
public struct TransferSpec: Hashable, Sendable, Codable {
    public var gcsDataSource: GCSData?
    public var gcsDataSink: GCSData?
    public var objectConditions: ObjectConditions?
    public var transferOptions: TransferOptions?
    /// Only the objects the manifest lists (within the object conditions) are copied.
    public var transferManifest: TransferManifest?

    public init(gcsDataSource: GCSData? = nil, gcsDataSink: GCSData? = nil, objectConditions: ObjectConditions? = nil,
                transferOptions: TransferOptions? = nil, transferManifest: TransferManifest? = nil) {
        self.gcsDataSource = gcsDataSource
        self.gcsDataSink = gcsDataSink
        self.objectConditions = objectConditions
        self.transferOptions = transferOptions
        self.transferManifest = transferManifest
    }

    /// The spec as the service stores it: an empty path, an empty prefix list or an
    /// empty option block is the same as none (proto3 leaves defaults out), so two
    /// specs compare equal when they ask for the same transfer.
    public var normalized: TransferSpec {
        var spec = self
        spec.gcsDataSource = gcsDataSource?.normalized
        spec.gcsDataSink = gcsDataSink?.normalized
        spec.objectConditions = objectConditions?.normalized
        spec.transferOptions = transferOptions?.normalized
        return spec
    }
}

/// `GcsData`: a bucket and a path inside it (an object prefix: empty, or ending in `/`).
public struct GCSData: Hashable, Sendable, Codable {
    public var bucketName: String
    public var path: String?

    public init(bucketName: String, path: String? = nil) {
        self.bucketName = bucketName
        self.path = path
    }

    var normalized: GCSData { GCSData(bucketName: bucketName, path: path?.isEmpty == true ? nil : path) }
}

/// `ObjectConditions`: which objects under the source path take part. Prefixes are
/// relative to the source path (`TransferJobRules.conditionProblems` checks them).
public struct ObjectConditions: Hashable, Sendable, Codable {
    public var includePrefixes: [String]?
    public var excludePrefixes: [String]?

    public init(includePrefixes: [String]? = nil, excludePrefixes: [String]? = nil) {
        self.includePrefixes = includePrefixes
        self.excludePrefixes = excludePrefixes
    }

    var normalized: ObjectConditions? {
        let include = includePrefixes?.isEmpty == true ? nil : includePrefixes
        let exclude = excludePrefixes?.isEmpty == true ? nil : excludePrefixes
        return include == nil && exclude == nil ? nil : ObjectConditions(includePrefixes: include, excludePrefixes: exclude)
    }

    /// Whether an object name (relative to the source path) takes part. Prefixes
    /// match byte for byte (object names are bytes, not canonical Unicode).
    public func admits(_ relativeName: String) -> Bool {
        let name = relativeName.utf8
        if let include = includePrefixes, !include.isEmpty, !include.contains(where: { name.starts(with: $0.utf8) }) {
            return false
        }
        return !(excludePrefixes ?? []).contains { name.starts(with: $0.utf8) }
    }
}

/// `TransferOptions`. The two delete options are here only so that a job read back
/// can be checked: decant never sets them (it deletes sources itself, behind its
/// gate), and `TransferJobRules` refuses a job that does.
public struct TransferOptions: Hashable, Sendable, Codable {
    public var overwriteObjectsAlreadyExistingInSink: Bool?
    public var deleteObjectsUniqueInSink: Bool?
    public var deleteObjectsFromSourceAfterTransfer: Bool?
    public var overwriteWhen: OverwriteWhen?
    public var metadataOptions: MetadataOptions?

    public init(overwriteWhen: OverwriteWhen? = nil, metadataOptions: MetadataOptions? = nil,
                overwriteObjectsAlreadyExistingInSink: Bool? = nil, deleteObjectsUniqueInSink: Bool? = nil,
                deleteObjectsFromSourceAfterTransfer: Bool? = nil) {
        self.overwriteWhen = overwriteWhen
        self.metadataOptions = metadataOptions
        self.overwriteObjectsAlreadyExistingInSink = overwriteObjectsAlreadyExistingInSink
        self.deleteObjectsUniqueInSink = deleteObjectsUniqueInSink
        self.deleteObjectsFromSourceAfterTransfer = deleteObjectsFromSourceAfterTransfer
    }

    var normalized: TransferOptions? {
        func set(_ flag: Bool?) -> Bool? { flag == true ? true : nil }
        let metadata = metadataOptions?.normalized
        let options = TransferOptions(overwriteWhen: overwriteWhen == .unspecified ? nil : overwriteWhen,
                                      metadataOptions: metadata,
                                      overwriteObjectsAlreadyExistingInSink: set(overwriteObjectsAlreadyExistingInSink),
                                      deleteObjectsUniqueInSink: set(deleteObjectsUniqueInSink),
                                      deleteObjectsFromSourceAfterTransfer: set(deleteObjectsFromSourceAfterTransfer))
        return options == TransferOptions() ? nil : options
    }
}

/// `TransferOptions.overwriteWhen`. Unset: `overwriteObjectsAlreadyExistingInSink`
/// decides (true: ALWAYS), else objects are overwritten only when different.
public enum OverwriteWhen: String, TransferWireEnum {
    case unspecified = "OVERWRITE_WHEN_UNSPECIFIED"
    /// Overwrite when the name is the same but the ETag or checksum differs.
    case different = "DIFFERENT"
    /// Never overwrite an existing object: it is skipped.
    case never = "NEVER"
    /// Overwrite even when the content is the same.
    case always = "ALWAYS"

    /// The plan file's `overwrite`.
    public init(_ policy: OverwritePolicy) {
        switch policy {
        case .never: self = .never
        case .different: self = .different
        case .always: self = .always
        }
    }
}

/// `MetadataOptions` (the two decant sets; POSIX and ACL options are left out).
public struct MetadataOptions: Hashable, Sendable, Codable {
    public var storageClass: TransferStorageClass?
    public var timeCreated: TimeCreatedOption?

    public init(storageClass: TransferStorageClass? = nil, timeCreated: TimeCreatedOption? = nil) {
        self.storageClass = storageClass
        self.timeCreated = timeCreated
    }

    var normalized: MetadataOptions? {
        let options = MetadataOptions(storageClass: storageClass == .unspecified ? nil : storageClass,
                                      timeCreated: timeCreated == .unspecified ? nil : timeCreated)
        return options == MetadataOptions() ? nil : options
    }
}

/// `MetadataOptions.StorageClass`: note the `STORAGE_CLASS_` prefix of every value.
public enum TransferStorageClass: String, TransferWireEnum {
    case unspecified = "STORAGE_CLASS_UNSPECIFIED"
    /// The sink bucket's default class (the service's default).
    case destinationBucketDefault = "STORAGE_CLASS_DESTINATION_BUCKET_DEFAULT"
    /// The source object's class.
    case preserve = "STORAGE_CLASS_PRESERVE"
    case standard = "STORAGE_CLASS_STANDARD"
    case nearline = "STORAGE_CLASS_NEARLINE"
    case coldline = "STORAGE_CLASS_COLDLINE"
    case archive = "STORAGE_CLASS_ARCHIVE"

    /// An explicit class; nil for the legacy classes STS cannot set.
    public init?(_ storageClass: StorageClass) {
        switch storageClass {
        case .standard: self = .standard
        case .nearline: self = .nearline
        case .coldline: self = .coldline
        case .archive: self = .archive
        case .multiRegional, .regional, .durableReducedAvailability: return nil
        }
    }

    /// The explicit class this value names (nil for the default, preserve, unspecified).
    public var explicitClass: StorageClass? {
        switch self {
        case .standard: return .standard
        case .nearline: return .nearline
        case .coldline: return .coldline
        case .archive: return .archive
        case .unspecified, .destinationBucketDefault, .preserve: return nil
        }
    }
}

/// `MetadataOptions.TimeCreated`.
public enum TimeCreatedOption: String, TransferWireEnum {
    case unspecified = "TIME_CREATED_UNSPECIFIED"
    /// The copy gets its own creation time (the default).
    case skip = "TIME_CREATED_SKIP"
    /// The copy's `customTime` is the source's `timeCreated` (the source's own
    /// `customTime` is then not carried): what `preserve_age` needs.
    case preserveAsCustomTime = "TIME_CREATED_PRESERVE_AS_CUSTOM_TIME"
}

/// `TransferManifest`: a CSV object in GCS listing the objects to copy.
public struct TransferManifest: Hashable, Sendable, Codable {
    /// `gs://bucket/path/manifest.csv`.
    public var location: String

    public init(location: String) { self.location = location }
}

/// `Schedule`. Start date equal to end date runs once; without `startTimeOfDay` a
/// one-time transfer starts at once when its date is the day it was created.
public struct TransferSchedule: Hashable, Sendable, Codable {
    /// A `google.type.Date` (`{"year":2026,"month":12,"day":1}`), UTC.
    public var scheduleStartDate: CalendarDay?
    public var scheduleEndDate: CalendarDay?
    public var startTimeOfDay: TimeOfDay?
    public var endTimeOfDay: TimeOfDay?
    /// Between runs of a repeating job (a `Duration`, `"86400s"`).
    public var repeatInterval: ProtoDuration?

    public init(scheduleStartDate: CalendarDay? = nil, scheduleEndDate: CalendarDay? = nil,
                startTimeOfDay: TimeOfDay? = nil, endTimeOfDay: TimeOfDay? = nil, repeatInterval: ProtoDuration? = nil) {
        self.scheduleStartDate = scheduleStartDate
        self.scheduleEndDate = scheduleEndDate
        self.startTimeOfDay = startTimeOfDay
        self.endTimeOfDay = endTimeOfDay
        self.repeatInterval = repeatInterval
    }

    /// Runs once, on `day` (UTC), as soon as the job exists if that is today.
    public static func runOnce(on day: CalendarDay) -> TransferSchedule {
        TransferSchedule(scheduleStartDate: day, scheduleEndDate: day)
    }

    /// Start and end on the same day, no repeat interval.
    public var isRunOnce: Bool {
        scheduleStartDate != nil && scheduleStartDate == scheduleEndDate && repeatInterval == nil
    }
}

/// `google.type.TimeOfDay`; zero fields are left out.
public struct TimeOfDay: Hashable, Sendable, Codable {
    public var hours: Int?
    public var minutes: Int?
    public var seconds: Int?
    public var nanos: Int?

    public init(hours: Int? = nil, minutes: Int? = nil, seconds: Int? = nil, nanos: Int? = nil) {
        self.hours = hours
        self.minutes = minutes
        self.seconds = seconds
        self.nanos = nanos
    }
}
