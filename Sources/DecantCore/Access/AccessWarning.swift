/// What a plan tells a reviewer about access when it moves data: principals who
/// would lose access at cutover, grants decant cannot judge, and object ACLs that
/// do not follow copies. A closed set: `code` is the stable name (JSON, tests),
/// `description` the sentence a renderer prints.
public enum AccessWarning: Hashable, Sendable, Codable {
    /// `member` holds `permissions` on the source's objects through `roles` and would
    /// hold none of them on the target.
    case accessLost(member: IAMMember, permissions: ObjectPermissions, roles: [IAMRole], source: String, target: String)
    /// `member` would lack `permissions` on the target as far as decant can tell, but
    /// holds `targetRoles` there, which decant cannot judge (custom or unlisted roles).
    case accessNotJudged(member: IAMMember, permissions: ObjectPermissions, targetRoles: [IAMRole],
                         source: String, target: String)
    /// `member` holds `role` on the source and not on the target; decant does not know
    /// what the role grants on objects (a custom role, or a predefined one it does not list).
    case roleNotJudged(member: IAMMember, role: IAMRole, source: String, target: String)
    /// A conditional binding of the source that grants object access; decant never
    /// copies conditional bindings, and the target has no equal binding.
    case conditionalGrantNotCarried(binding: IAMBinding, source: String, target: String)
    /// Said once per plan: roles granted on the project (or folder, organization) do
    /// not appear in a bucket's policy, so the check above cannot see them.
    case projectGrantsNotVisible
    /// Said once per plan: the store keeps no IAM policies (fake-gcs-server), so who
    /// would lose access at cutover cannot be checked.
    case storeKeepsNoPolicies
    /// The source bucket does not use uniform bucket-level access: its objects may
    /// carry ACLs, and a copy (a rewrite) does not carry them.
    case sourceObjectACLs(source: String)
    /// The target is declared with `uniform_access: false`: copies get the bucket's
    /// default object ACL, not the ACLs of the objects they copy.
    case targetObjectACLs(target: String)

    /// A stable name, for JSON output and tests.
    public var code: String {
        switch self {
        case .accessLost: return "access_lost"
        case .accessNotJudged: return "access_not_judged"
        case .roleNotJudged: return "role_not_judged"
        case .conditionalGrantNotCarried: return "conditional_grant_not_carried"
        case .projectGrantsNotVisible: return "project_grants_not_visible"
        case .storeKeepsNoPolicies: return "store_keeps_no_policies"
        case .sourceObjectACLs: return "source_object_acls"
        case .targetObjectACLs: return "target_object_acls"
        }
    }

    /// The bucket the warning is about, when it is about one (for grouping in a plan).
    public var bucket: String? {
        switch self {
        case .accessLost(_, _, _, _, let target), .accessNotJudged(_, _, _, _, let target),
             .roleNotJudged(_, _, _, let target), .conditionalGrantNotCarried(_, _, let target):
            return target
        case .projectGrantsNotVisible, .storeKeepsNoPolicies: return nil
        case .sourceObjectACLs(let source): return source
        case .targetObjectACLs(let target): return target
        }
    }

    /// The sentence a plan shows.
    public var description: String {
        switch self {
        case let .accessLost(member, permissions, roles, source, target):
            return "after cutover, \(member) can no longer \(permissions) objects in gs://\(target)"
                + " (it holds \(AccessWarning.list(roles)) on gs://\(source))"
        case let .accessNotJudged(member, permissions, targetRoles, source, target):
            return "after cutover, \(member) may no longer \(permissions) objects in gs://\(target) as it can in gs://\(source):"
                + " there it holds only \(AccessWarning.list(targetRoles)), which decant cannot judge"
        case let .roleNotJudged(member, role, source, target):
            return "\(member) holds \(role) on gs://\(source) but not on gs://\(target); decant cannot tell what"
                + " \(role.isCustom ? "a custom role" : "this role") grants on objects: check that \(member) keeps the access it needs"
        case let .conditionalGrantNotCarried(binding, source, target):
            let title = binding.condition.map { "\"\($0.title)\"" } ?? "a condition"
            return "gs://\(source) grants \(binding.role) to \(AccessWarning.list(binding.members)) under condition \(title);"
                + " decant does not copy conditional bindings: grant what is still needed on gs://\(target)"
        case .projectGrantsNotVisible:
            return "roles granted on the project, folder or organization are not part of a bucket's policy:"
                + " the access check sees only bucket-level grants (project-level ones reach new buckets of the same project too)"
        case .storeKeepsNoPolicies:
            return "this store keeps no IAM policies: who would lose access to the moved objects at cutover is not checked"
        case .sourceObjectACLs(let source):
            return "gs://\(source) does not use uniform bucket-level access: per-object ACLs do not follow the copies"
        case .targetObjectACLs(let target):
            return "gs://\(target) has `uniform_access: false`: copies get its default object ACL, not the ACLs of the source objects"
        }
    }

    static func list<T: CustomStringConvertible>(_ items: [T]) -> String {
        let words = items.map(\.description)
        switch words.count {
        case 0: return "nothing"
        case 1: return words[0]
        default: return words.dropLast().joined(separator: ", ") + " and " + (words.last ?? "")
        }
    }
}
