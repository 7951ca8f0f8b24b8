/// An IAM role: predefined (`roles/storage.objectViewer`) or custom
/// (`projects/P/roles/R`, `organizations/O/roles/R`).
public struct IAMRole: RawRepresentable, Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }

    /// A role a plan may declare, or the reason it is not one.
    public init(validating text: String) throws(IAMRoleProblem) {
        if let problem = IAMRole.problem(text) { throw problem }
        self.init(rawValue: text)
    }

    public var description: String { rawValue }

    public static func < (a: IAMRole, b: IAMRole) -> Bool { a.rawValue < b.rawValue }

    /// A custom role's permissions are whatever its project or organization made them:
    /// decant cannot tell what it grants.
    public var isCustom: Bool { rawValue.hasPrefix("projects/") || rawValue.hasPrefix("organizations/") }

    /// What the role lets its holders do with the objects of a bucket it is granted on.
    public var objectAccess: RoleObjectAccess {
        IAMRole.knownObjectAccess[self].map(RoleObjectAccess.grants) ?? .unknown
    }

    // The predefined roles whose meaning for objects decant knows.
    public static let storageAdmin = IAMRole(rawValue: "roles/storage.admin")
    public static let objectAdmin = IAMRole(rawValue: "roles/storage.objectAdmin")
    public static let objectUser = IAMRole(rawValue: "roles/storage.objectUser")
    public static let objectCreator = IAMRole(rawValue: "roles/storage.objectCreator")
    public static let objectViewer = IAMRole(rawValue: "roles/storage.objectViewer")
    public static let legacyBucketOwner = IAMRole(rawValue: "roles/storage.legacyBucketOwner")
    public static let legacyBucketWriter = IAMRole(rawValue: "roles/storage.legacyBucketWriter")
    public static let legacyBucketReader = IAMRole(rawValue: "roles/storage.legacyBucketReader")
    public static let legacyObjectOwner = IAMRole(rawValue: "roles/storage.legacyObjectOwner")
    public static let legacyObjectReader = IAMRole(rawValue: "roles/storage.legacyObjectReader")
    public static let owner = IAMRole(rawValue: "roles/owner")
    public static let editor = IAMRole(rawValue: "roles/editor")
    public static let viewer = IAMRole(rawValue: "roles/viewer")

    /// The object permissions of each role, from the Cloud Storage IAM roles reference:
    /// the legacy *bucket* roles list, create and delete objects but do not read them
    /// (no `storage.objects.get`); the legacy *object* roles read them but do not list;
    /// `objectCreator` creates but can neither read nor replace. The basic roles are
    /// given the meaning the reference gives them for buckets of their project.
    public static let knownObjectAccess: [IAMRole: ObjectPermissions] = [
        storageAdmin: .all,
        objectAdmin: .all,
        objectUser: .all,
        objectCreator: [.create],
        objectViewer: [.list, .read],
        legacyBucketOwner: [.list, .create, .delete],
        legacyBucketWriter: [.list, .create, .delete],
        legacyBucketReader: [.list],
        legacyObjectOwner: [.read],
        legacyObjectReader: [.read],
        owner: .all,
        editor: .all,
        viewer: [.list, .read],
    ]

    /// Why `text` is not a role; nil when it is shaped like one.
    public static func problem(_ text: String) -> IAMRoleProblem? {
        if text.isEmpty { return .empty }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        switch parts.count {
        case 1:
            let suggested = "roles/" + text
            if knownObjectAccess[IAMRole(rawValue: suggested)] != nil || text.hasPrefix("storage.") {
                return .missingRolesPrefix(text, suggested: suggested)
            }
            return .malformed(text)
        case 2 where parts[0] == "roles":
            return isPredefinedName(parts[1]) ? nil : .badName(text, name: parts[1])
        case 4 where parts[0] == "projects" && parts[2] == "roles":
            guard IAMMember.Syntax.isProject(parts[1]) else { return .badProject(text, project: parts[1]) }
            return isCustomName(parts[3]) ? nil : .badName(text, name: parts[3])
        case 4 where parts[0] == "organizations" && parts[2] == "roles":
            guard !parts[1].isEmpty, parts[1].unicodeScalars.allSatisfy({ ("0"..."9").contains($0) }) else {
                return .badOrganization(text, organization: parts[1])
            }
            return isCustomName(parts[3]) ? nil : .badName(text, name: parts[3])
        default:
            return .malformed(text)
        }
    }

    /// A known role close to `text` but not it (`roles/storage.objectViwer`): worth a
    /// warning, since GCS has many predefined roles decant does not list.
    public static func likelyTypo(_ text: String) -> IAMRole? {
        guard !text.hasPrefix("projects/"), !text.hasPrefix("organizations/"),
              knownObjectAccess[IAMRole(rawValue: text)] == nil else { return nil }
        return Suggest.closest(to: text, among: knownObjectAccess.keys.map(\.rawValue)).map(IAMRole.init(rawValue:))
    }

    /// `storage.objectViewer`, `viewer`: letters, digits, `.` and `_`.
    private static func isPredefinedName(_ name: String) -> Bool {
        !name.isEmpty && name.unicodeScalars.allSatisfy { IAMMember.Syntax.isASCIIAlphanumeric($0) || $0 == "." || $0 == "_" }
    }

    /// A custom role ID: 3 to 64 letters, digits, `.` and `_`.
    private static func isCustomName(_ name: String) -> Bool {
        (3...64).contains(name.count) && isPredefinedName(name)
    }
}

/// What a role lets its holders do with objects: known permissions, or unknown
/// (a custom role, or a predefined role decant does not list).
public enum RoleObjectAccess: Hashable, Sendable {
    case grants(ObjectPermissions)
    case unknown
}

/// What someone may do with a bucket's objects, as the continuity check compares it.
public struct ObjectPermissions: OptionSet, Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// `storage.objects.list`
    public static let list = ObjectPermissions(rawValue: 1 << 0)
    /// `storage.objects.get`: read an object's bytes and metadata.
    public static let read = ObjectPermissions(rawValue: 1 << 1)
    /// `storage.objects.create`
    public static let create = ObjectPermissions(rawValue: 1 << 2)
    /// `storage.objects.delete`: delete, and so replace, an object.
    public static let delete = ObjectPermissions(rawValue: 1 << 3)

    public static let all: ObjectPermissions = [.list, .read, .create, .delete]

    /// Reading in the wide sense: listing or getting objects.
    public var readsObjects: Bool { !isDisjoint(with: [.list, .read]) }
    /// Writing in the wide sense: creating, replacing or deleting objects.
    public var writesObjects: Bool { !isDisjoint(with: [.create, .delete]) }

    /// The verbs in a fixed order: `list, read or create`.
    public var description: String {
        let words = [(ObjectPermissions.list, "list"), (.read, "read"), (.create, "create"), (.delete, "delete")]
            .filter { contains($0.0) }.map(\.1)
        switch words.count {
        case 0: return "nothing"
        case 1: return words[0]
        default: return words.dropLast().joined(separator: ", ") + " or " + (words.last ?? "")
        }
    }
}

/// Why a declared role is not one IAM would take.
public enum IAMRoleProblem: Error, Hashable, Sendable, CustomStringConvertible {
    case empty
    /// `storage.objectViewer` without `roles/`.
    case missingRolesPrefix(String, suggested: String)
    case malformed(String)
    case badName(String, name: String)
    case badProject(String, project: String)
    case badOrganization(String, organization: String)

    public var description: String {
        switch self {
        case .empty: return "a role is empty"
        case .missingRolesPrefix(let text, _): return "`\(text)` is not a role name"
        case .malformed(let text): return "`\(text)` is not a role"
        case let .badName(text, name): return "`\(text)`: `\(name)` is not a role ID (letters, digits, `.` and `_`)"
        case let .badProject(text, project): return "`\(text)`: `\(project)` is not a project ID"
        case let .badOrganization(text, organization): return "`\(text)`: `\(organization)` is not an organization number"
        }
    }

    public var hint: String? {
        switch self {
        case .missingRolesPrefix(_, let suggested): return "did you mean `\(suggested)`?"
        case .empty, .malformed:
            return "write `roles/NAME`, `projects/PROJECT/roles/NAME` or `organizations/NUMBER/roles/NAME`"
        case .badName, .badProject, .badOrganization: return nil
        }
    }
}
