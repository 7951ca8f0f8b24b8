import DecantCore
import DecantSQLite
import DecantStorage
import Foundation

/// Why a state operation failed. Messages name the environment, the file or object,
/// and what to do next; none carries a bound SQL value or a credential.
public enum StateError: Error, Equatable, Sendable, LocalizedError {
    /// SQLite refused (result codes, message and SQL, never the bound values).
    case database(SQLiteError)
    /// The `StateStore` was closed.
    case closed(path: String)
    /// The database has no lineage or is otherwise not a decant state.
    case corrupt(path: String, detail: String)
    /// Something is at the state's location but it is not a decant state (an empty
    /// file, another program's file): refused rather than taken for a new state.
    case notADecantState(location: String, problem: String)
    /// SQLite found the state's file damaged.
    case damaged(location: String, detail: String)
    /// No run has this serial.
    case unknownRun(serial: Int64)
    /// A write named a run that is not `running` (finished, or marked interrupted).
    case runNotRunning(serial: Int64, status: RunStatus)
    /// Another process on this host is still running a run on this state.
    case runInProgress(serial: Int64, owner: RunOwner)
    /// A saved plan was made against another serial than the state's.
    case staleSerial(planned: Int64, current: Int64)
    /// `rollback --to` names a serial the state never had.
    case invalidRollbackTarget(serial: Int64, current: Int64)
    /// A deletion was recorded without a current verified copy to justify it (invariant 1).
    case unjustifiedDeletion(CopyKey)
    /// A copy given to `recordVerifiedCopies` carries no verification.
    case unverifiedCopy(CopyKey)
    /// `journalDone` or `journalFailed` named an action with no intent in that run.
    case unknownAction(serial: Int64, actionID: String)
    /// A rollback counterpart named a ledger row that does not exist or was already undone.
    case unknownLedgerRow(table: String, id: Int64)
    /// An environment name that cannot be used in a file or object name.
    case invalidEnvironment(String)
    /// Someone holds the lock. `stale` is true when the holder is known to be gone,
    /// false when known alive, nil when it cannot be told (another host).
    case locked(location: String, holder: LockInfo, stale: Bool?)
    /// A lock exists but its content cannot be read.
    case lockUnreadable(location: String, detail: String)
    /// `unlock` found no lock.
    case notLocked(location: String)
    /// `unlock` named another id than the holder's.
    case lockIDMismatch(location: String, given: String, holder: LockInfo)
    /// The lock this lease held is gone or replaced (someone ran `state unlock`).
    case lockLost(location: String, id: String)
    /// Someone else wrote the remote state since it was downloaded; nothing was
    /// uploaded and the local copy at `localCopy` keeps this run's records.
    case remoteStateChanged(location: String, expectedGeneration: Int64, localCopy: String)
    /// A lease was released with records that never reached the remote state;
    /// they are kept at `localCopy`.
    case notPersisted(location: String, localCopy: String)
    /// The WAL could not be folded into the database file before an upload.
    case checkpointIncomplete(path: String)
    /// The object store refused.
    case storage(StoreError)
    /// A file-system call failed.
    case io(path: String, detail: String)

    public var errorDescription: String? {
        switch self {
        case .database(let error):
            var text = "state database: \(error.errorDescription ?? "SQLite error")"
            if error.isDiskFull {
                text += ". The disk holding the state is full: free space, then run the command again "
                    + "(what was done is recorded, and what was not is repaired by the next apply)"
            } else if error.isCorrupt || error.isNotADatabase {
                text += ". The state file is damaged: " + Self.restoreAdvice
            } else if error.isIOError {
                text += ". The state file cannot be read or written: check the disk (is it full?), the file's permissions "
                    + "and its folder, then run the command again"
            }
            return text
        case .closed(let path):
            return "the state database \(path) is closed"
        case let .corrupt(path, detail):
            return "\(path) is not a usable decant state: \(detail). " + Self.restoreAdvice
        case let .notADecantState(location, problem):
            return "\(location) is not a decant state: \(problem). decant will not start a new state over it: that "
                + "would forget what decant did and take its copies for someone else's. If it should hold the state, "
                + "restore it (from a backup, or an earlier generation of the object in a bucket with versioning); "
                + "if nothing was ever applied to this environment, remove it and run again"
        case let .damaged(location, detail):
            return "the state \(location) is damaged (SQLite: \(detail)). " + Self.restoreAdvice
        case .unknownRun(let serial):
            return "the state has no run with serial \(serial)"
        case let .runNotRunning(serial, status):
            return "run \(serial) is \(status.rawValue), not running: nothing more can be recorded under it"
        case let .runInProgress(serial, owner):
            return "run \(serial) is still running (\(owner.description)); wait for it to finish"
        case let .staleSerial(planned, current):
            return "the saved plan was made against state serial \(planned) but the state is at serial \(current); run plan again"
        case let .invalidRollbackTarget(serial, current):
            return "cannot roll back to serial \(serial): the state's serials go from 0 to \(current)"
        case .unjustifiedDeletion(let key):
            return "refusing to record the deletion of \(key.source): the state has no verified copy at \(key.target)"
        case .unverifiedCopy(let key):
            return "refusing to record the copy of \(key.source) to \(key.target) in bulk: it was not verified"
        case let .unknownAction(serial, actionID):
            return "run \(serial) has no journal intent for action \(actionID)"
        case let .unknownLedgerRow(table, id):
            return "the state has no \(table) row \(id) that can still be undone"
        case .invalidEnvironment(let name):
            return "environment name \"\(name)\" cannot name a state file: use letters, digits, '-', '_' or '.'"
        case let .locked(location, holder, stale):
            var text = "the state \(location) is locked by \(holder.who) (pid \(holder.pid), \(holder.operation), lock id \(holder.id), since \(RFC3339Text.format(holder.created)))"
            switch stale {
            case true?: text += "; that process is gone (stale lock): if no decant is running, remove it with `decant state unlock --env ENV \(holder.id)`"
            case false?: text += "; that process is still running"
            case nil: text += "; if that run is known to be dead, remove the lock with `decant state unlock --env ENV \(holder.id)`"
            }
            return text
        case let .lockUnreadable(location, detail):
            return "the state \(location) is locked, but the lock cannot be read (\(detail))"
        case .notLocked(let location):
            return "the state \(location) is not locked"
        case let .lockIDMismatch(location, given, holder):
            return "the lock on \(location) has id \(holder.id) (held by \(holder.who)), not \(given): nothing was unlocked"
        case let .lockLost(location, id):
            return "the lock \(id) on \(location) is gone or was replaced (was it force-unlocked?); stop and check who else is running"
        case let .remoteStateChanged(location, expected, localCopy):
            return "someone else wrote \(location) since it was downloaded (expected generation \(expected)); nothing was uploaded. This run's state is kept at \(localCopy)"
        case let .notPersisted(location, localCopy):
            return "the lock on \(location) was released, but the last records were never uploaded; they are kept at \(localCopy)"
        case .checkpointIncomplete(let path):
            return "could not fold the write-ahead log of \(path) into the database (a reader is still open)"
        case .storage(let error):
            return "state storage: \(error.errorDescription ?? "object store error")"
        case let .io(path, detail):
            return "\(path): \(detail)"
        }
    }
}

extension StateError {
    /// What to do about a state file decant cannot read.
    static let restoreAdvice = "Restore the file from a backup (or an earlier generation of the object in a "
        + "bucket with versioning); `sqlite3 FILE .recover` may save what is left. Nothing was changed"

    /// Runs `body`, turning SQLite and other errors into `StateError`.
    static func wrap<T>(_ body: () throws -> T) throws(StateError) -> T {
        do {
            return try body()
        } catch let error as StateError {
            throw error
        } catch let error as SQLiteError {
            throw .database(error)
        } catch {
            throw .io(path: "state", detail: String(describing: error))
        }
    }
}
