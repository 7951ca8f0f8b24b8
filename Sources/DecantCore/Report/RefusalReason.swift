/// Why a rollback leaves something alone (a `RollbackReport.Refusal`). The
/// renderers write the sentence; JSON carries `code` beside it.
public enum RefusalReason: Hashable, Sendable, Codable {
    /// restore_object: the copy to restore from is gone or changed since decant verified it.
    case copyChanged
    /// restore_object: the original name holds other content now.
    case originalTaken
    /// delete_copy: the copy changed since decant wrote it.
    case targetChanged
    /// delete_copy: its deleted source cannot be restored, so the copy stays.
    case sourceNotRestorable
    /// revert_code: the file changed since decant edited it.
    case codeChanged
    /// revert_code: the file is missing.
    case codeMissing
    /// revert_code: a newer edit of the same file cannot be reverted.
    case codeBlocked
    /// revert_code: the plan files have no `code:` section.
    case noCodeRoot
    /// revert_code: the recorded path would leave the code root.
    case unsafePath(String)
    /// restore_bucket: the bucket changed since decant changed it.
    case bucketChanged
    /// restore_bucket: the bucket is gone.
    case bucketGone
    /// delete_bucket: the bucket still holds objects.
    case bucketNotEmpty

    /// A stable name for the reason (`reason_code` in the JSON plan).
    public var code: String {
        switch self {
        case .copyChanged: return "copy_changed"
        case .originalTaken: return "original_taken"
        case .targetChanged: return "target_changed"
        case .sourceNotRestorable: return "source_not_restorable"
        case .codeChanged: return "code_changed"
        case .codeMissing: return "code_missing"
        case .codeBlocked: return "code_blocked"
        case .noCodeRoot: return "no_code_root"
        case .unsafePath: return "unsafe_path"
        case .bucketChanged: return "bucket_changed"
        case .bucketGone: return "bucket_gone"
        case .bucketNotEmpty: return "bucket_not_empty"
        }
    }
}
