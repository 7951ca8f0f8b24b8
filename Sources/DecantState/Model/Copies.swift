import DecantCore
import Foundation

/// Identifies one copy: a source generation and the target name it went to. The
/// ledger has at most one current row per key.
public struct CopyKey: Hashable, Sendable, Codable {
    public var sourceBucket: String
    public var sourceName: String
    public var sourceGeneration: Int64
    public var targetBucket: String
    public var targetName: String

    public init(sourceBucket: String, sourceName: String, sourceGeneration: Int64, targetBucket: String,
                targetName: String) {
        self.sourceBucket = sourceBucket
        self.sourceName = sourceName
        self.sourceGeneration = sourceGeneration
        self.targetBucket = targetBucket
        self.targetName = targetName
    }

    public var source: ObjectRef { ObjectRef(bucket: sourceBucket, name: sourceName, generation: sourceGeneration) }
    public var target: ObjectRef { ObjectRef(bucket: targetBucket, name: targetName) }
}

/// When and how thoroughly a copy was checked against its source.
public struct Verification: Hashable, Sendable, Codable {
    public var level: VerifyLevel
    public var at: Date

    public init(level: VerifyLevel, at: Date) {
        self.level = level
        self.at = at
    }
}

/// A copy (or an adopted existing object) as the applier records it.
public struct CopyRecord: Hashable, Sendable, Codable {
    public var key: CopyKey
    public var migration: String
    /// Size and checksums of the source generation.
    public var content: ContentIdentity
    public var sourceCreated: Date?
    public var targetGeneration: Int64
    public var copiedAt: Date
    /// The target existed already with the same content and was recorded, not copied.
    public var adopted: Bool
    /// Set when the copy is recorded already verified (adoption checks before recording).
    public var verification: Verification?

    public init(key: CopyKey, migration: String, content: ContentIdentity, sourceCreated: Date? = nil,
                targetGeneration: Int64, copiedAt: Date, adopted: Bool = false, verification: Verification? = nil) {
        self.key = key
        self.migration = migration
        self.content = content
        self.sourceCreated = sourceCreated
        self.targetGeneration = targetGeneration
        self.copiedAt = copiedAt
        self.adopted = adopted
        self.verification = verification
    }

    public var targetRef: ObjectRef {
        ObjectRef(bucket: key.targetBucket, name: key.targetName, generation: targetGeneration)
    }
}

/// Why a copy row stopped being current.
public enum CopyRemoval: String, Hashable, Sendable, Codable {
    /// A rollback deleted the target copy.
    case rollback
    /// The same source generation was copied again to the same name (an allowed
    /// overwrite): a newer row replaced this one.
    case superseded
}

/// A row of the copy ledger.
public struct CopyRow: Hashable, Sendable, Codable {
    public var id: Int64
    public var record: CopyRecord
    /// The run that recorded it.
    public var serial: Int64
    /// The run that verified it, when verified after recording.
    public var verifiedSerial: Int64?
    public var removedSerial: Int64?
    public var removal: CopyRemoval?

    public var key: CopyKey { record.key }
    public var isVerified: Bool { record.verification != nil }
    public var isCurrent: Bool { removedSerial == nil }
}

/// A current copy as planning reads it: which target object, at which generation,
/// verified how. The source bucket is the one asked for.
public struct LedgerEntry: Hashable, Sendable {
    public var sourceName: String
    public var sourceGeneration: Int64
    public var targetBucket: String
    public var targetName: String
    public var targetGeneration: Int64
    public var verification: Verification?

    public var isVerified: Bool { verification != nil }
}

/// What one `recordCopies` batch did.
public struct CopyRecordingResult: Hashable, Sendable {
    /// New current rows.
    public var inserted = 0
    /// Already recorded with the same target generation (resume after a crash).
    public var unchanged = 0
    /// Recorded before with another target generation: the old row is superseded.
    public var superseded = 0

    public init() {}
}
