/// Who may use a bucket, as a plan declares it (`iam:`, `iam_from_source:`,
/// `allow_public:`). Authoritative for each role it lists: those roles' members
/// become exactly the declared ones; every other role, and every conditional
/// binding the plan does not declare, is left as it is.
public struct BucketAccess: Hashable, Sendable, Codable {
    /// One entry per role (and condition) the plan grants; members canonical and sorted.
    public var bindings: [DeclaredBinding]
    /// Start from the source buckets' unconditional bucket-level bindings; `bindings`
    /// then replace the source's members for the roles they list.
    public var fromSource: Bool
    /// `allUsers` / `allAuthenticatedUsers` may be declared (the plan file also
    /// requires `public_access_prevention: inherited`).
    public var allowPublic: Bool

    public init(bindings: [DeclaredBinding] = [], fromSource: Bool = false, allowPublic: Bool = false) {
        self.bindings = bindings.sorted { $0.key < $1.key }
        self.fromSource = fromSource
        self.allowPublic = allowPublic
    }

    /// The bindings to enforce on the bucket, given the policies of the buckets its
    /// migrations read from (ignored unless `fromSource`). Conditional source bindings
    /// are not carried: a condition on the source (typically on
    /// `resource.name`, which names the source bucket) means nothing on the target.
    /// Deleted principals are not carried either (IAM will not grant them a role).
    /// Both are returned so that the plan can say what was left behind.
    public func resolved(sources: [IAMPolicy]) -> ResolvedAccess {
        guard fromSource else { return ResolvedAccess(bindings: bindings) }
        var grants: [IAMRole: Set<IAMMember>] = [:]
        var conditional: [IAMBinding] = []
        var deleted = Set<IAMMember>()
        for policy in sources {
            for binding in policy.bindings {
                guard binding.condition == nil else {
                    conditional.append(binding)
                    continue
                }
                for member in binding.members {
                    if member.kind == .deleted { deleted.insert(member) } else { grants[binding.role, default: []].insert(member.canonical) }
                }
            }
        }
        let declared = Set(bindings.map(\.key))
        var out = bindings
        for (role, members) in grants where !declared.contains(IAMBindingKey(role: role)) {
            out.append(DeclaredBinding(role: role, members: Array(members)))
        }
        return ResolvedAccess(bindings: out, sourceConditionalBindings: conditional.sorted { $0.key < $1.key },
                              sourceDeletedMembers: deleted.sorted())
    }
}

/// One grant a plan makes: a role (under a condition, when one is given) and exactly
/// who holds it. An empty member list takes the role away from everyone.
public struct DeclaredBinding: Hashable, Sendable, Codable {
    public var role: IAMRole
    public var members: [IAMMember]
    public var condition: IAMCondition?

    public init(role: IAMRole, members: [IAMMember], condition: IAMCondition? = nil) {
        self.role = role
        self.members = Array(Set(members.map(\.canonical))).sorted()
        self.condition = condition
    }

    public var key: IAMBindingKey { IAMBindingKey(role: role, condition: condition) }
}

/// The bindings to enforce once `iam_from_source` is resolved, and what the source
/// had that is not carried.
public struct ResolvedAccess: Hashable, Sendable, Codable {
    public var bindings: [DeclaredBinding]
    /// Source bindings with a condition: shown, never copied.
    public var sourceConditionalBindings: [IAMBinding]
    /// `deleted:` members of the source's bindings: dropped.
    public var sourceDeletedMembers: [IAMMember]

    public init(bindings: [DeclaredBinding], sourceConditionalBindings: [IAMBinding] = [],
                sourceDeletedMembers: [IAMMember] = []) {
        self.bindings = bindings.sorted { $0.key < $1.key }
        self.sourceConditionalBindings = sourceConditionalBindings
        self.sourceDeletedMembers = sourceDeletedMembers
    }
}
