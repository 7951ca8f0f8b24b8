import Foundation

/// A bucket's IAM policy, as `GET b/{bucket}/iam?optionsRequestedPolicyVersion=3`
/// returns it and `PUT b/{bucket}/iam` takes it.
///
/// Members are kept as the store wrote them (an observed policy may hold forms decant
/// does not declare, such as `deleted:serviceAccount:…?uid=…`); comparisons use
/// `IAMMember.canonical`.
public struct IAMPolicy: Hashable, Sendable, Codable {
    /// 1, or 3 when a binding has a condition (GCS refuses a condition in a lower version).
    public var version: Int
    public var bindings: [IAMBinding]
    /// The store's concurrency token: a `PUT` carrying it fails when the policy changed
    /// since it was read. Nil in a policy decant builds before it is observed.
    public var etag: String?

    public init(version: Int = 1, bindings: [IAMBinding] = [], etag: String? = nil) {
        self.version = version
        self.bindings = bindings
        self.etag = etag
    }

    public var hasConditions: Bool { bindings.contains { $0.condition != nil } }

    /// The version GCS needs for these bindings: 3 whenever one has a condition.
    public var requiredVersion: Int { hasConditions ? 3 : 1 }

    /// The bindings as GCS keeps them: one binding per role and condition, members
    /// unique (by canonical form) and sorted, empty bindings dropped, bindings sorted
    /// by role then condition; the version the bindings need; the etag kept.
    public var normalized: IAMPolicy {
        var merged: [IAMBindingKey: Set<IAMMember>] = [:]
        var spelling: [IAMMember: IAMMember] = [:]
        for binding in bindings {
            for member in binding.members {
                let canonical = member.canonical
                if spelling[canonical] == nil { spelling[canonical] = member }
                merged[binding.key, default: []].insert(canonical)
            }
        }
        let out = merged.keys.sorted().compactMap { key -> IAMBinding? in
            guard let members = merged[key], !members.isEmpty else { return nil }
            return IAMBinding(role: key.role, members: members.sorted().map { spelling[$0] ?? $0 }, condition: key.condition)
        }
        let policy = IAMPolicy(version: 1, bindings: out, etag: etag)
        return IAMPolicy(version: policy.requiredVersion, bindings: out, etag: etag)
    }

    /// Why GCS would refuse to set this policy (400), nil when it would take it: a
    /// role not shaped like a role, or a member of no kind IAM knows. Only the shape is
    /// judged, never the value: a policy as a store returned it (its project
    /// convenience members, its `deleted:` principals) must always be writable back.
    /// The version is not judged either: stores write `normalized`, whose version is
    /// the one its bindings need.
    public var refusal: String? {
        for binding in bindings {
            if let problem = IAMRole.problem(binding.role.rawValue) { return problem.description }
            for member in binding.members where !member.isWellFormed {
                return "`\(member)` is not an IAM member"
            }
        }
        return nil
    }

    /// The same grants, whatever the order, spelling of emails, version and etag: for
    /// "is the policy still what decant set?" (an emulator that keeps no real etag
    /// cannot answer that with the etag).
    public func grantsEqual(_ other: IAMPolicy) -> Bool {
        func grants(_ policy: IAMPolicy) -> [IAMBindingKey: Set<IAMMember>] {
            var out: [IAMBindingKey: Set<IAMMember>] = [:]
            for binding in policy.bindings where !binding.members.isEmpty {
                out[binding.key, default: []].formUnion(binding.members.map(\.canonical))
            }
            return out
        }
        return grants(self) == grants(other)
    }

    /// The members holding `role` without a condition (merged over bindings, canonical).
    public func unconditionalMembers(of role: IAMRole) -> Set<IAMMember> {
        var out = Set<IAMMember>()
        for binding in bindings where binding.role == role && binding.condition == nil {
            out.formUnion(binding.members.map(\.canonical))
        }
        return out
    }

    /// The policy GCS gives a bucket it has just created: the project's owners and
    /// editors hold `legacyBucketOwner` and its viewers `legacyBucketReader`; with
    /// uniform bucket-level access on at creation, which leaves no object ACL to carry
    /// the project's default object access, also `legacyObjectOwner` and
    /// `legacyObjectReader`. Version 1, etag `CAE=`. Without a project there are no
    /// convenience members to name, and the policy is empty.
    public static func newBucket(project: String?, uniformAccess: Bool) -> IAMPolicy {
        guard let project, !project.isEmpty else { return IAMPolicy(version: 1, bindings: [], etag: IAMEtag.first) }
        let owners = [IAMMember(rawValue: "projectEditor:\(project)"), IAMMember(rawValue: "projectOwner:\(project)")]
        let viewers = [IAMMember(rawValue: "projectViewer:\(project)")]
        var bindings = [IAMBinding(role: .legacyBucketOwner, members: owners),
                        IAMBinding(role: .legacyBucketReader, members: viewers)]
        if uniformAccess {
            bindings += [IAMBinding(role: .legacyObjectOwner, members: owners),
                         IAMBinding(role: .legacyObjectReader, members: viewers)]
        }
        return IAMPolicy(version: 1, bindings: bindings, etag: IAMEtag.first).normalized
    }
}

/// One binding: a role, who holds it, and when (a condition limits it).
public struct IAMBinding: Hashable, Sendable, Codable {
    public var role: IAMRole
    public var members: [IAMMember]
    public var condition: IAMCondition?

    public init(role: IAMRole, members: [IAMMember], condition: IAMCondition? = nil) {
        self.role = role
        self.members = members
        self.condition = condition
    }

    public var key: IAMBindingKey { IAMBindingKey(role: role, condition: condition) }
}

/// An IAM condition (CEL). Two bindings with the same role and different conditions
/// are different grants.
public struct IAMCondition: Hashable, Comparable, Sendable, Codable {
    public var title: String
    public var description: String?
    public var expression: String

    public init(title: String, description: String? = nil, expression: String) {
        self.title = title
        self.description = description
        self.expression = expression
    }

    public static func < (a: IAMCondition, b: IAMCondition) -> Bool {
        (a.title, a.expression, a.description ?? "") < (b.title, b.expression, b.description ?? "")
    }
}

/// What a binding grants to: a role, unconditionally (nil) or under one condition.
/// A plan is authoritative for each key it declares.
public struct IAMBindingKey: Hashable, Comparable, Sendable, Codable {
    public var role: IAMRole
    public var condition: IAMCondition?

    public init(role: IAMRole, condition: IAMCondition? = nil) {
        self.role = role
        self.condition = condition
    }

    public static func < (a: IAMBindingKey, b: IAMBindingKey) -> Bool {
        if a.role != b.role { return a.role < b.role }
        switch (a.condition, b.condition) {
        case (nil, nil): return false
        case (nil, _): return true
        case (_, nil): return false
        case let (x?, y?): return x < y
        }
    }
}

/// GCS's IAM etags are base64 of a small protobuf holding a counter (`CAE=` is 1,
/// `CAI=` is 2). The local stores make theirs the same way, so that they look like
/// the real thing in plans and state.
public enum IAMEtag {
    public static let first = make(1)

    /// The etag of the policy's `serial`-th version (1 for a new bucket).
    public static func make(_ serial: UInt64) -> String {
        var bytes: [UInt8] = [0x08]
        var value = serial
        repeat {
            var byte = UInt8(value & 0x7F)
            value >>= 7
            if value != 0 { byte |= 0x80 }
            bytes.append(byte)
        } while value != 0
        return Data(bytes).base64EncodedString()
    }
}
