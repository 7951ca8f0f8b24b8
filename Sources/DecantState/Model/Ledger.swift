import DecantCore
import Foundation

/// A bucket decant created.
public struct CreatedBucketRow: Hashable, Sendable, Codable {
    public var id: Int64
    public var name: String
    public var project: String?
    public var settings: BucketSettings
    public var serial: Int64
    public var created: Date
    /// Set once a rollback deleted it.
    public var deletedSerial: Int64?
}

/// A change decant made to a bucket's settings.
public struct BucketChangeRecord: Hashable, Sendable, Codable {
    public var name: String
    public var actionID: ActionID?
    public var previous: BucketSettings
    public var new: BucketSettings
    public var metagenerationBefore: Int64?
    public var metagenerationAfter: Int64?

    public init(name: String, actionID: ActionID? = nil, previous: BucketSettings, new: BucketSettings,
                metagenerationBefore: Int64?, metagenerationAfter: Int64?) {
        self.name = name
        self.actionID = actionID
        self.previous = previous
        self.new = new
        self.metagenerationBefore = metagenerationBefore
        self.metagenerationAfter = metagenerationAfter
    }
}

public struct BucketChangeRow: Hashable, Sendable, Codable {
    public var id: Int64
    public var change: BucketChangeRecord
    public var serial: Int64
    public var changed: Date
    /// Set once a rollback restored the previous settings.
    public var restoredSerial: Int64?
}

/// A source object decant deleted, with the verified copy that justified it.
public struct DeletionRow: Hashable, Sendable, Codable {
    public var id: Int64
    /// The deleted generation.
    public var object: ObjectRef
    public var copy: CopyRow
    public var serial: Int64
    public var deleted: Date
    /// Set once a rollback restored the source from `copy`.
    public var restoredSerial: Int64?
    public var restoredGeneration: Int64?
    /// Recorded before the delete call and not yet confirmed done.
    public var pending: Bool = false
}

/// A code edit decant applied.
public struct CodeEditRow: Hashable, Sendable, Codable {
    public var id: Int64
    public var edit: CodeEdit
    public var serial: Int64
    public var edited: Date
    public var revertedSerial: Int64?
}

/// What a rollback to `serial` must undo, newest first: everything recorded after
/// it that is not undone yet. Copies and deletions can be millions of rows; they
/// are counted here and streamed with `copiesMade(after:)` and `deletions(after:)`.
public struct RollbackScope: Hashable, Sendable {
    public var serial: Int64
    public var currentSerial: Int64
    public var createdBuckets: [CreatedBucketRow]
    public var bucketChanges: [BucketChangeRow]
    public var codeEdits: [CodeEditRow]
    public var copies: Int
    public var deletions: Int

    public var isEmpty: Bool {
        createdBuckets.isEmpty && bucketChanges.isEmpty && codeEdits.isEmpty && copies == 0 && deletions == 0
    }
}
