import DecantCore
import DecantState
import Foundation

/// Why the engine stopped: planning, saved plans, apply, rollback steps and
/// analysis (one error type for the module, as STYLE.md asks). Each message says
/// what happened, where, and what to do.
public enum EngineError: Error, Equatable, LocalizedError {
    // MARK: Planning

    case unknownTarget(String, suggestion: String?)
    /// `--target` names a migration (or a bucket) of other phases than `--phase`.
    case targetOutsidePhase(String, phases: [Int], selected: Int)
    case noMigrationInPhase(Int)

    // MARK: Saved plans

    case savedPlanUnreadable(String, String)
    case notASavedPlan(String)
    case savedPlanFormat(String, Int)
    case planFilesChanged
    case otherLineage(String, String)
    case stateMovedOn(planned: Int64, now: Int64)

    // MARK: Apply

    case planHasErrors(Int)
    /// `promotion.<environment>` holds these migrations back (each with why).
    case promotionRefused(environment: String, from: String, soak: String, migrations: [String])
    case tooManyDeletions(Int, limit: Int)
    case wrongRunKind(RunKind)
    /// The store's endpoint stopped answering (EndpointHealth): the run stopped
    /// starting work and journaled what was in flight.
    case endpointUnavailable(RunKind, serial: Int64, endpoint: String, reason: String, unfinished: Int)
    /// An action whose kind and payload no step carries out together.
    case unsupported(ActionKind)
    case notCreatedByDecant(String)
    case noCodeRoot

    // MARK: Rollback steps (each names the object, file or bucket, why it was left alone and what a person can do)

    /// A code file no longer holds what decant wrote at `serial`.
    case codeChanged(path: String, serial: Int64)
    /// A code file decant edited is gone.
    case codeMissing(path: String, serial: Int64)
    /// A path in the ledger that would leave the code root.
    case unsafePath(String)
    /// Another run already undid this ledger row.
    case alreadyUndone(what: String, serial: Int64)
    /// The action names no ledger row (a plan not built by `decant rollback`).
    case missingLedgerRow(ActionID)
    /// A copy by Storage Transfer Service with no client to call it.
    case noTransferClient(ActionID)
    /// The transfer job was deleted (its name stays taken for about 30 days).
    case transferJobDeleted(String)
    /// A bucket whose settings were to be restored is gone.
    case bucketGone(String)
    /// A bucket's settings changed since decant changed them.
    case bucketChanged(name: String, detail: String)
    /// A bucket decant created still holds objects.
    case bucketNotEmpty(name: String, objects: Int)

    // MARK: Access (set_bucket_iam and its undo)

    /// The bucket's IAM policy is not the one the step was planned (or decant set it)
    /// against: nothing is overwritten.
    case accessChanged(bucket: String, rollback: Bool)
    /// The store keeps no IAM policies (fake-gcs-server).
    case accessNotObservable(bucket: String)

    // MARK: Analysis

    case bucketNotFound(String)
    case invalidDepth(Int)
    case invalidThresholds(hotDays: Int, coldDays: Int)

    public var errorDescription: String? {
        switch self {
        case let .unknownTarget(name, suggestion):
            return "--target \(name) is neither a migration nor a bucket of the plan" + (suggestion.map { "; did you mean \($0)?" } ?? "")
        case let .noMigrationInPhase(phase): return "no migration has phase \(phase)"
        case let .targetOutsidePhase(name, phases, selected):
            let these = phases.isEmpty ? "no migration" : "phase " + phases.map(String.init).joined(separator: ", ")
            return "--target \(name) is in \(these), not in --phase \(selected): both select, and together they select nothing of it; "
                + "give --target alone, or the --phase it is in"

        case let .savedPlanUnreadable(path, why): return "cannot read \(path): \(why)"
        case .notASavedPlan(let path): return "\(path) is not a saved decant plan"
        case let .savedPlanFormat(path, v): return "\(path) is a saved plan of format \(v); this decant reads format \(SavedPlan.formatVersion)"
        case .planFilesChanged: return "the saved plan is stale: the plan files changed since it was made; run decant plan again"
        case let .otherLineage(a, b): return "the saved plan was made against another state (lineage \(a), now \(b)); run decant plan again"
        case let .stateMovedOn(planned, now): return "the saved plan is stale: it was made against state serial \(planned), the state is now at serial \(now); run decant plan again"

        case .wrongRunKind(.rollback): return "only a plan made by `decant rollback` (to the same serial) can run as a rollback; nothing was applied"
        case .wrongRunKind: return "a rollback plan runs only with `decant rollback`; nothing was applied"
        case .planHasErrors(let n): return "the plan has \(n) error(s); nothing was applied"
        case let .promotionRefused(environment, from, soak, migrations):
            return "promotion refuses \(migrations.count) migration(s) of \(environment): each must be applied and verified in \(from) "
                + "for at least \(soak) first; nothing was applied:\n" + migrations.map { "  - \($0)" }.joined(separator: "\n")
                + "\nApply them to \(from) first and wait out the soak, or pass --ignore-promotion (recorded in \(environment)'s state)"
        case let .tooManyDeletions(n, limit): return "the plan deletes \(n) source objects, more than --max-delete \(limit); nothing was applied"
        case let .endpointUnavailable(kind, serial, endpoint, reason, unfinished):
            let command = kind == .rollback ? "rollback" : "apply"
            return "the storage endpoint \(endpoint) stopped answering (\(reason)). decant started nothing more: "
                + "run \(serial) stopped with \(unfinished) action(s) not done, "
                + "recorded in the state's journal. Run \(command) again once the endpoint answers: it finishes the work "
                + "(what was copied is recorded as decant's, nothing is copied twice)"
        case .unsupported(let kind): return "\(kind.rawValue) cannot run here"
        case .notCreatedByDecant(let name): return "bucket \(name) was not created by decant; decant deletes only buckets it created"
        case .noCodeRoot: return "no code root to write code edits to"

        case let .codeChanged(path, serial):
            return "\(path) changed since decant edited it at serial \(serial); not reverted (revert it by hand, or commit the change and roll back to a later serial)"
        case let .codeMissing(path, serial):
            return "\(path) is missing (decant edited it at serial \(serial)); not reverted"
        case .unsafePath(let path):
            return "\(path) is not a path inside the code root; not touched"
        case let .alreadyUndone(what, serial):
            return "\(what) was already undone by serial \(serial)"
        case .noTransferClient(let id):
            return "\(id) copies by Storage Transfer Service, but no transfer client was given"
        case .transferJobDeleted(let job):
            return "the transfer job \(job) was deleted; its name stays taken for about 30 days: copy with `engine: api` until then"
        case .missingLedgerRow(let id):
            return "\(id) names no ledger row to undo; only plans made by `decant rollback` can run it"
        case .bucketGone(let name):
            return "bucket \(name) does not exist any more; its settings cannot be restored"
        case let .bucketChanged(name, detail):
            return "bucket \(name) changed since decant changed it (\(detail)); not restored"
        case let .bucketNotEmpty(name, objects):
            return "gs://\(name) still holds \(objects) object(s) (someone wrote to it, or copies were left alone); a bucket is deleted only when empty"

        case let .accessChanged(bucket, rollback):
            if rollback {
                return "the IAM policy of gs://\(bucket) changed since decant set it; left alone (put back what is needed by hand)"
            }
            return "the IAM policy of gs://\(bucket) changed since the plan was made; nothing was overwritten: run decant plan again and review the new diff"
        case .accessNotObservable(let bucket):
            return "this store keeps no IAM policies: the access of gs://\(bucket) cannot be set"

        case .bucketNotFound(let bucket):
            return "bucket \(bucket) does not exist in this environment's store; check --bucket and the plan's storage"
        case .invalidDepth(let depth):
            return "--depth must be 1 or more, got \(depth)"
        case let .invalidThresholds(hot, cold):
            return "the hot threshold (\(hot) days) must be ≥ 0 and at most the cold threshold (\(cold) days)"
        }
    }
}
