/// Declared bindings against an observed policy: per role, who is added and who is
/// removed, what decant leaves alone, and the whole policy to `PUT` (carrying the
/// observed etag, so that a policy changed since it was observed is a conflict).
public struct IAMPolicyDiff: Hashable, Sendable, Codable {
    /// Roles (and conditions) whose members change, in role order.
    public var changes: [IAMRoleChange]
    /// Observed bindings the plan does not declare: other roles, and conditional
    /// bindings (shown in the plan, never touched).
    public var untouched: [IAMBinding]
    /// The policy after the change: the observed one with each declared binding
    /// replaced. Its etag is the observed one; its version is 3 when a binding has a condition.
    public var policy: IAMPolicy

    /// Nothing to change: the bucket's policy already grants what the plan declares.
    public var isEmpty: Bool { changes.isEmpty }

    /// The untouched bindings that carry a condition.
    public var untouchedConditional: [IAMBinding] { untouched.filter { $0.condition != nil } }

    public init(changes: [IAMRoleChange], untouched: [IAMBinding], policy: IAMPolicy) {
        self.changes = changes
        self.untouched = untouched
        self.policy = policy
    }

    /// The diff of `declared` (authoritative for the roles and conditions it lists)
    /// against `observed`. Members compare in canonical form (emails in lower case);
    /// an observed member that is kept keeps its spelling.
    public static func between(declared: [DeclaredBinding], observed: IAMPolicy) -> IAMPolicyDiff {
        let current = observed.normalized
        var byKey: [IAMBindingKey: IAMBinding] = [:]
        for binding in current.bindings { byKey[binding.key] = binding }
        var wanted: [IAMBindingKey: Set<IAMMember>] = [:]
        for binding in declared { wanted[binding.key, default: []].formUnion(binding.members.map(\.canonical)) }

        var changes: [IAMRoleChange] = []
        for key in wanted.keys.sorted() {
            let want = wanted[key] ?? []
            let have = Set((byKey[key]?.members ?? []).map(\.canonical))
            let added = want.subtracting(have).sorted(), removed = have.subtracting(want).sorted()
            if !added.isEmpty || !removed.isEmpty {
                changes.append(IAMRoleChange(role: key.role, condition: key.condition, added: added, removed: removed))
            }
        }

        let untouched = current.bindings.filter { wanted[$0.key] == nil }
        var bindings = untouched
        for key in wanted.keys.sorted() {
            guard let want = wanted[key], !want.isEmpty else { continue }
            let spelled = Dictionary((byKey[key]?.members ?? []).map { ($0.canonical, $0) }, uniquingKeysWith: { a, _ in a })
            bindings.append(IAMBinding(role: key.role, members: want.sorted().map { spelled[$0] ?? $0 }, condition: key.condition))
        }
        let policy = IAMPolicy(version: 1, bindings: bindings, etag: observed.etag).normalized
        return IAMPolicyDiff(changes: changes, untouched: untouched, policy: policy)
    }
}

/// One role's change: members added and removed (`+ roles/storage.objectViewer serviceAccount:…`).
public struct IAMRoleChange: Hashable, Sendable, Codable {
    public var role: IAMRole
    /// Set only when the plan declared a conditional binding.
    public var condition: IAMCondition?
    public var added: [IAMMember]
    public var removed: [IAMMember]

    public init(role: IAMRole, condition: IAMCondition? = nil, added: [IAMMember], removed: [IAMMember]) {
        self.role = role
        self.condition = condition
        self.added = added
        self.removed = removed
    }
}
