import Foundation

/// A `google.longrunning.Operation` whose metadata is a `TransferOperation`: what
/// `transferJobs.run`, `transferOperations.get` and `.list` answer.
public struct LongRunningOperation: Hashable, Sendable, Codable {
    /// `transferOperations/transferJobs-<job>-<number>`.
    public var name: String
    public var metadata: TransferOperation?
    /// The operation ended (SUCCESS, FAILED or ABORTED).
    public var done: Bool?
    /// Set by the service when the operation ended in error.
    public var error: RPCStatus?

    public init(name: String, metadata: TransferOperation?, done: Bool?, error: RPCStatus? = nil) {
        self.name = name
        self.metadata = metadata
        self.done = done
        self.error = error
    }

    /// Ended, by `done` or by a final status (the two agree on the service).
    public var isDone: Bool { done == true || metadata?.status?.isFinal == true }
}

/// `google.rpc.Status`: a gRPC code number and a message.
public struct RPCStatus: Hashable, Sendable, Codable {
    public var code: Int?
    public var message: String?

    public init(code: Int?, message: String?) {
        self.code = code
        self.message = message
    }
}

/// The `TransferOperation` message (an operation's metadata).
public struct TransferOperation: Hashable, Sendable, Codable {
    /// Always `type.googleapis.com/google.storagetransfer.v1.TransferOperation`.
    public var type: String?
    public var name: String?
    public var projectId: String?
    public var transferSpec: TransferSpec?
    /// RFC 3339.
    public var startTime: String?
    /// RFC 3339, once the operation ended.
    public var endTime: String?
    public var status: TransferOperationStatus?
    public var counters: TransferCounters?
    public var errorBreakdowns: [TransferErrorSummary]?
    /// `transferJobs/…`.
    public var transferJobName: String?

    public static let typeURL = "type.googleapis.com/google.storagetransfer.v1.TransferOperation"

    enum CodingKeys: String, CodingKey {
        case type = "@type"
        case name, projectId, transferSpec, startTime, endTime, status, counters, errorBreakdowns, transferJobName
    }

    public init(name: String?, projectId: String?, transferSpec: TransferSpec?, startTime: String?, endTime: String?,
                status: TransferOperationStatus?, counters: TransferCounters?, errorBreakdowns: [TransferErrorSummary]?,
                transferJobName: String?) {
        self.type = TransferOperation.typeURL
        self.name = name
        self.projectId = projectId
        self.transferSpec = transferSpec
        self.startTime = startTime
        self.endTime = endTime
        self.status = status
        self.counters = counters
        self.errorBreakdowns = errorBreakdowns
        self.transferJobName = transferJobName
    }
}

/// `TransferOperation.Status`.
public enum TransferOperationStatus: String, TransferWireEnum {
    case unspecified = "STATUS_UNSPECIFIED"
    case inProgress = "IN_PROGRESS"
    case paused = "PAUSED"
    case success = "SUCCESS"
    case failed = "FAILED"
    case aborted = "ABORTED"
    /// Waiting for a slot (a project runs at most 200 operations at once).
    case queued = "QUEUED"
    case suspending = "SUSPENDING"

    /// The operation will not change any more.
    public var isFinal: Bool {
        switch self {
        case .success, .failed, .aborted: return true
        case .unspecified, .inProgress, .paused, .queued, .suspending: return false
        }
    }
}

/// `TransferCounters`: int64 values, each a decimal string on the wire and left out
/// when 0. All of the reference's counters are kept, so that a report can show them.
public struct TransferCounters: Hashable, Sendable, Codable {
    public var objectsFoundFromSource: Int64 = 0
    public var bytesFoundFromSource: Int64 = 0
    public var objectsFoundOnlyFromSink: Int64 = 0
    public var bytesFoundOnlyFromSink: Int64 = 0
    public var objectsFromSourceSkippedBySync: Int64 = 0
    public var bytesFromSourceSkippedBySync: Int64 = 0
    public var objectsCopiedToSink: Int64 = 0
    public var bytesCopiedToSink: Int64 = 0
    public var objectsDeletedFromSource: Int64 = 0
    public var bytesDeletedFromSource: Int64 = 0
    public var objectsDeletedFromSink: Int64 = 0
    public var bytesDeletedFromSink: Int64 = 0
    public var objectsFromSourceFailed: Int64 = 0
    public var bytesFromSourceFailed: Int64 = 0
    public var objectsFailedToDeleteFromSink: Int64 = 0
    public var bytesFailedToDeleteFromSink: Int64 = 0

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case objectsFoundFromSource, bytesFoundFromSource, objectsFoundOnlyFromSink, bytesFoundOnlyFromSink
        case objectsFromSourceSkippedBySync, bytesFromSourceSkippedBySync, objectsCopiedToSink, bytesCopiedToSink
        case objectsDeletedFromSource, bytesDeletedFromSource, objectsDeletedFromSink, bytesDeletedFromSink
        case objectsFromSourceFailed, bytesFromSourceFailed, objectsFailedToDeleteFromSink, bytesFailedToDeleteFromSink
    }

    private static func field(_ key: CodingKeys) -> WritableKeyPath<TransferCounters, Int64> {
        switch key {
        case .objectsFoundFromSource: return \.objectsFoundFromSource
        case .bytesFoundFromSource: return \.bytesFoundFromSource
        case .objectsFoundOnlyFromSink: return \.objectsFoundOnlyFromSink
        case .bytesFoundOnlyFromSink: return \.bytesFoundOnlyFromSink
        case .objectsFromSourceSkippedBySync: return \.objectsFromSourceSkippedBySync
        case .bytesFromSourceSkippedBySync: return \.bytesFromSourceSkippedBySync
        case .objectsCopiedToSink: return \.objectsCopiedToSink
        case .bytesCopiedToSink: return \.bytesCopiedToSink
        case .objectsDeletedFromSource: return \.objectsDeletedFromSource
        case .bytesDeletedFromSource: return \.bytesDeletedFromSource
        case .objectsDeletedFromSink: return \.objectsDeletedFromSink
        case .bytesDeletedFromSink: return \.bytesDeletedFromSink
        case .objectsFromSourceFailed: return \.objectsFromSourceFailed
        case .bytesFromSourceFailed: return \.bytesFromSourceFailed
        case .objectsFailedToDeleteFromSink: return \.objectsFailedToDeleteFromSink
        case .bytesFailedToDeleteFromSink: return \.bytesFailedToDeleteFromSink
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        for key in CodingKeys.allCases { self[keyPath: Self.field(key)] = try container.decodeInt64String(key) }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        for key in CodingKeys.allCases { try container.encodeInt64String(self[keyPath: Self.field(key)], forKey: key) }
    }
}

/// `ErrorSummary`: the failures of one kind in an operation, with a few samples.
public struct TransferErrorSummary: Hashable, Sendable, Codable {
    /// A `google.rpc.Code` name (`NOT_FOUND`, `PERMISSION_DENIED`, …).
    public var errorCode: String
    public var errorCount: Int64
    /// At most a few samples per code (the service keeps 5).
    public var errorLogEntries: [ErrorLogEntry]?

    public init(errorCode: String, errorCount: Int64, errorLogEntries: [ErrorLogEntry]?) {
        self.errorCode = errorCode
        self.errorCount = errorCount
        self.errorLogEntries = errorLogEntries
    }

    enum CodingKeys: String, CodingKey { case errorCode, errorCount, errorLogEntries }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        errorCode = try container.decodeIfPresent(String.self, forKey: .errorCode) ?? "UNKNOWN"
        errorCount = try container.decodeInt64String(.errorCount)
        errorLogEntries = try container.decodeIfPresent([ErrorLogEntry].self, forKey: .errorLogEntries)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(errorCode, forKey: .errorCode)
        try container.encodeInt64String(errorCount, forKey: .errorCount)
        try container.encodeIfPresent(errorLogEntries, forKey: .errorLogEntries)
    }
}

/// `ErrorLogEntry`: one failed object (`gs://bucket/name`) and what went wrong.
public struct ErrorLogEntry: Hashable, Sendable, Codable {
    public var url: String
    public var errorDetails: [String]?

    public init(url: String, errorDetails: [String]?) {
        self.url = url
        self.errorDetails = errorDetails
    }
}
