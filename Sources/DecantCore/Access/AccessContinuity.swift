/// The checks a plan runs for each migration's source and target bucket: does everyone
/// who uses the source's objects still reach them on the target after cutover, and
/// do object ACLs matter for the copies.
public enum AccessContinuity {
    /// Every principal holding object access on `source` at bucket level (unconditional
    /// bindings) that would not hold it on `target` with `targetPolicy` (the policy
    /// after the plan's change). A role counts as the same access when the target
    /// grants the same role, or a known role with at least the same object permissions;
    /// `allUsers` and `allAuthenticatedUsers` on the target cover everyone they include.
    /// Group and domain membership cannot be seen, so `group:`/`domain:` grants cover
    /// only themselves. Deleted principals are skipped.
    public static func check(source: String, sourcePolicy: IAMPolicy, target: String,
                             targetPolicy: IAMPolicy) -> [AccessWarning] {
        let from = Holdings(sourcePolicy), to = Holdings(targetPolicy)
        var warnings: [AccessWarning] = []
        for member in from.members where member.kind != .deleted {
            let had = from.known[member] ?? [], has = to.known(coveringMember: member)
            let missing = had.subtracting(has)
            if !missing.isEmpty {
                let unjudged = to.unknownRoles(of: member)
                if unjudged.isEmpty {
                    let through = from.roles(of: member).filter {
                        if case .grants(let p) = $0.objectAccess { return !p.isDisjoint(with: missing) }
                        return false
                    }
                    warnings.append(.accessLost(member: member, permissions: missing, roles: through,
                                                source: source, target: target))
                } else {
                    warnings.append(.accessNotJudged(member: member, permissions: missing, targetRoles: unjudged,
                                                     source: source, target: target))
                }
            }
            let heldOnTarget = to.roles(coveringMember: member)
            for role in from.unknownRoles(of: member) where !heldOnTarget.contains(role) {
                warnings.append(.roleNotJudged(member: member, role: role, source: source, target: target))
            }
        }
        for binding in sourcePolicy.normalized.bindings where binding.condition != nil {
            if case .grants(let permissions) = binding.role.objectAccess, permissions.isEmpty { continue }
            let same = targetPolicy.normalized.bindings.first { $0.key == binding.key }
            let carried = Set((same?.members ?? []).map(\.canonical))
            let members = binding.members.filter { $0.kind != .deleted && !carried.contains($0.canonical) }
            guard !members.isEmpty else { continue }
            var rest = binding
            rest.members = members
            warnings.append(.conditionalGrantNotCarried(binding: rest, source: source, target: target))
        }
        return warnings
    }

    /// Object ACLs and copies: a source without uniform bucket-level access (false, or
    /// not reported) may hold per-object ACLs that no rewrite carries; a target declared
    /// with `uniform_access: false` gives copies its default object ACL.
    public static func objectACLWarnings(source: String, sourceUniformAccess: Bool?, target: String,
                                         targetUniformAccess: Bool?) -> [AccessWarning] {
        var warnings: [AccessWarning] = []
        if sourceUniformAccess != true { warnings.append(.sourceObjectACLs(source: source)) }
        if targetUniformAccess == false { warnings.append(.targetObjectACLs(target: target)) }
        return warnings
    }

    /// Who holds what in one policy's unconditional bindings, by canonical member.
    private struct Holdings {
        var known: [IAMMember: ObjectPermissions] = [:]
        var rolesByMember: [IAMMember: Set<IAMRole>] = [:]

        init(_ policy: IAMPolicy) {
            for binding in policy.bindings where binding.condition == nil {
                for member in binding.members.map(\.canonical) {
                    rolesByMember[member, default: []].insert(binding.role)
                    if case .grants(let permissions) = binding.role.objectAccess {
                        known[member, default: []].formUnion(permissions)
                    }
                }
            }
        }

        var members: [IAMMember] { rolesByMember.keys.sorted() }

        func roles(of member: IAMMember) -> [IAMRole] { (rolesByMember[member] ?? []).sorted() }

        func unknownRoles(of member: IAMMember) -> [IAMRole] { roles(of: member).filter { $0.objectAccess == .unknown } }

        /// The public members that include `member`.
        private func covering(_ member: IAMMember) -> [IAMMember] {
            if member == .allUsers { return [member] }
            if member == .allAuthenticatedUsers { return [member, .allUsers] }
            return [member, .allAuthenticatedUsers, .allUsers]
        }

        func known(coveringMember member: IAMMember) -> ObjectPermissions {
            covering(member).reduce(into: ObjectPermissions()) { $0.formUnion(known[$1] ?? []) }
        }

        func roles(coveringMember member: IAMMember) -> Set<IAMRole> {
            covering(member).reduce(into: Set<IAMRole>()) { $0.formUnion(rolesByMember[$1] ?? []) }
        }
    }
}
