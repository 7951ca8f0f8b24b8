import DecantCore
import Foundation

/// A copy decant is about to make, recorded before the call (DESIGN.md §4
/// invariant 5). Until the ledger records the copy, the intent says that a target
/// object with the source's content and a generation newer than `expectedTargetGeneration`
/// was written by decant: a run cut short (SIGKILL, a full disk, a dead endpoint)
/// made it, so the next apply records it as decant's copy, never as adopted, and a
/// rollback removes it.
public struct CopyIntent: Hashable, Sendable {
    public var key: CopyKey
    /// The target generation the copy was conditioned on: 0 when the target was absent.
    public var expectedTargetGeneration: Int64
    /// The run that recorded it.
    public var serial: Int64

    public init(key: CopyKey, expectedTargetGeneration: Int64, serial: Int64 = 0) {
        self.key = key
        self.expectedTargetGeneration = expectedTargetGeneration
        self.serial = serial
    }

    /// Whether `target` (as found in the store, with its generation) is the object
    /// this intended copy would have written from `source`: the same source
    /// generation, the same target name, and a target generation newer than the one
    /// the copy was conditioned on. (The caller has checked that its content is the source's.)
    public func wrote(_ target: ObjectRef, from source: ObjectRef) -> Bool {
        key.sourceBucket == source.bucket && ByteOrder.equal(key.sourceName, source.name)
            && key.sourceGeneration == (source.generation ?? 0) && key.targetBucket == target.bucket
            && ByteOrder.equal(key.targetName, target.name) && (target.generation ?? 0) > expectedTargetGeneration
    }
}
