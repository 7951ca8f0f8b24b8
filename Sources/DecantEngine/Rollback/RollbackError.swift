import DecantCore
import Foundation

/// Why a rollback step refused or could not run. Each message names the object,
/// file or bucket, says why it was left alone and what a person can do.
public enum RollbackError: Error, Equatable, LocalizedError {
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
    /// A bucket whose settings were to be restored is gone.
    case bucketGone(String)
    /// A bucket's settings changed since decant changed them.
    case bucketChanged(name: String, detail: String)
    /// A bucket decant created still holds objects.
    case bucketNotEmpty(name: String, objects: Int)

    public var errorDescription: String? {
        switch self {
        case let .codeChanged(path, serial):
            return "\(path) changed since decant edited it at serial \(serial); not reverted (revert it by hand, or commit the change and roll back to a later serial)"
        case let .codeMissing(path, serial):
            return "\(path) is missing (decant edited it at serial \(serial)); not reverted"
        case .unsafePath(let path):
            return "\(path) is not a path inside the code root; not touched"
        case let .alreadyUndone(what, serial):
            return "\(what) was already undone by serial \(serial)"
        case .missingLedgerRow(let id):
            return "\(id) names no ledger row to undo; only plans made by `decant rollback` can run it"
        case .bucketGone(let name):
            return "bucket \(name) does not exist any more; its settings cannot be restored"
        case let .bucketChanged(name, detail):
            return "bucket \(name) changed since decant changed it (\(detail)); not restored"
        case let .bucketNotEmpty(name, objects):
            return "gs://\(name) still holds \(objects) object(s) (someone wrote to it, or copies were left alone); a bucket is deleted only when empty"
        }
    }
}
