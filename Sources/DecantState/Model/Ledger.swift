import DecantCore
import Foundation

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
