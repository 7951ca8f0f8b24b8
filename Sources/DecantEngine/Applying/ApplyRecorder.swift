import DecantCore
import Foundation

/// What the applier writes to the state, each call durable when it returns. The
/// state module provides the SQLite implementation; every mutation of the store is
/// journaled before it starts and after it ends (DESIGN.md invariant 5).
public protocol ApplyRecorder: LedgerReader {
    func beginRun(kind: RunKind, planDigest: String, summary: String) async throws -> Int64
    func finishRun(serial: Int64, status: RunStatus, summary: String) async throws

    func journalIntent(serial: Int64, action: Action) async throws
    func journalDone(serial: Int64, action: ActionID, objects: Int, bytes: Int64) async throws
    func journalFailed(serial: Int64, action: ActionID, error: String) async throws

    /// Copies made (or found already made) in this run, not yet verified.
    func recordCopies(_ copies: [LedgerCopy], migration: String?, adopted: Bool, serial: Int64) async throws
    /// Marks recorded copies verified at `level`.
    func markVerified(_ copies: [LedgerCopy], level: VerifyLevel, at: Date, serial: Int64) async throws
    /// The checksum-verified copy of exactly this source generation, if recorded.
    func verifiedCopy(sourceBucket: String, sourceName: String, sourceGeneration: Int64) async throws -> LedgerCopy?

    /// Source deletions: recorded as pending before the delete calls, done after.
    func recordDeletionsPending(_ items: [ObjectItem], migration: String?, serial: Int64) async throws
    func recordDeletionsDone(_ items: [ObjectItem], serial: Int64) async throws

    func recordBucketCreated(name: String, settings: BucketSettings, serial: Int64) async throws
    func recordBucketChanged(name: String, previous: BucketSettings, new: BucketSettings, serial: Int64) async throws
    func recordCodeEdit(_ edit: CodeEdit, serial: Int64) async throws

    /// Makes what was recorded so far durable where the state lives (remote state uploads).
    func checkpoint() async throws
}

public enum RunKind: String, Sendable, Codable { case apply, rollback }
public enum RunStatus: String, Sendable, Codable { case running, succeeded, failed, interrupted }
