/// Why the planner chose an action, as data. The renderers write the sentence a
/// reviewer reads (DecantRender's `ReasonText.swift`); JSON carries `code`
/// beside it, stable for machines.
public enum ActionReason: Hashable, Sendable, Codable {
    // What apply plans.

    /// create_bucket: the plan's bucket `key` (declared at `origin`) does not exist.
    case bucketMissing(key: String, origin: SourceLocation?)
    /// update_bucket: these settings differ from the plan's.
    case settingsDiffer([SettingChange])
    /// set_lifecycle: the lifecycle differs from the plan's (from the named `policy`).
    case lifecycleDiffers(policy: String?)
    /// copy: objects absent from the target.
    case copyAbsent(objects: Int, bytes: Int64, target: BucketPath)
    /// copy: of which `overwrites` replace a different target object, as `policy` allows.
    case copyOverwriting(objects: Int, bytes: Int64, overwrites: Int, policy: OverwritePolicy)
    /// verify: this run's copies compared with their source at `level`.
    case verifyCopies(objects: Int, level: VerifyLevel)
    /// verify: objects already in the target with the same size and checksum, checked and recorded.
    case adoptExisting(objects: Int)
    /// delete_source: verified copies, the validation period passed (nil: none set),
    /// no code reference holding them.
    case deleteVerified(objects: Int, validationPeriod: DurationSpec?)
    /// rewrite_code: references to these migrations' sources point at the old location.
    case codeAtOldLocation(migrations: [String])

    // What rollback plans.

    /// revert_code: undo the edit made at `serial`.
    case revertEdit(serial: Int64)
    /// revert_code: the file is already back as before the edit made at `serial`.
    case editAlreadyReverted(serial: Int64)
    /// restore_object: deleted sources copied back from their verified copies in `from`.
    case restoreSources(objects: Int, bytes: Int64, from: String, alreadyBack: Int)
    /// delete_copy: copies decant made in `bucket`, `gone` of them gone already.
    case removeCopies(objects: Int, bytes: Int64, bucket: String, gone: Int)
    /// delete_copy: adopted objects in `bucket` (there before decant): only their record goes.
    case forgetAdopted(objects: Int, bucket: String)
    /// restore_bucket: put back what these serials changed.
    case restoreSettings(serials: [Int64], changes: [SettingChange])
    /// restore_bucket: the settings are already back as before these serials.
    case settingsAlreadyBack(serials: [Int64])
    /// delete_bucket: a bucket decant created at `serial`, deleted once empty.
    case deleteCreatedBucket(serial: Int64)
    /// delete_bucket: a bucket decant created at `serial`, gone already.
    case createdBucketGone(serial: Int64)

    /// A stable name for the reason (`reason_code` in the JSON plan).
    public var code: String {
        switch self {
        case .bucketMissing: return "bucket_missing"
        case .settingsDiffer: return "settings_differ"
        case .lifecycleDiffers: return "lifecycle_differs"
        case .copyAbsent: return "copy_absent"
        case .copyOverwriting: return "copy_overwriting"
        case .verifyCopies: return "verify_copies"
        case .adoptExisting: return "adopt_existing"
        case .deleteVerified: return "delete_verified"
        case .codeAtOldLocation: return "code_at_old_location"
        case .revertEdit: return "revert_edit"
        case .editAlreadyReverted: return "edit_already_reverted"
        case .restoreSources: return "restore_sources"
        case .removeCopies: return "remove_copies"
        case .forgetAdopted: return "forget_adopted"
        case .restoreSettings: return "restore_settings"
        case .settingsAlreadyBack: return "settings_already_back"
        case .deleteCreatedBucket: return "delete_created_bucket"
        case .createdBucketGone: return "created_bucket_gone"
        }
    }
}
