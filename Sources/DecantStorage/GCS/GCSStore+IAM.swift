import DecantCore
import Foundation

/// Bucket IAM policies over the JSON API: `GET b/{bucket}/iam?optionsRequestedPolicyVersion=3`
/// and `PUT b/{bucket}/iam` with the etag in the body, which is how GCS guards a
/// read-modify-write: a stale etag is 412 (`StoreError.preconditionFailed`).
extension GCSStore {
    public func bucketIAMPolicy(_ bucket: String) async throws(StoreError) -> IAMPolicy {
        try requireIAM(bucket)
        let call = GCSCall(method: "GET", path: GCSPath.bucket(bucket) + "/iam",
                           query: [("optionsRequestedPolicyVersion", "3")], idempotent: true, bucket: bucket)
        return try await decode(GCSPolicyJSON.self, call).policy
    }

    /// Retried like any idempotent call: the body is the whole policy, so sending it
    /// twice leaves the same policy (with an etag, the second attempt of a call whose
    /// first succeeded is a 412 "on attempt N": see `ObjectStore.setBucketIAMPolicy`).
    public func setBucketIAMPolicy(_ bucket: String, _ policy: IAMPolicy,
                                   ifMatchEtag: String?) async throws(StoreError) -> IAMPolicy {
        try requireIAM(bucket)
        // GCS answers 400 to these; emulators take anything. Refused alike on every store.
        if let refusal = policy.refusal { throw .invalid(bucket: bucket, object: nil, detail: refusal) }
        let call = GCSCall(method: "PUT", path: GCSPath.bucket(bucket) + "/iam",
                           body: GCSPolicyJSON.body(policy, etag: ifMatchEtag).data, contentType: "application/json",
                           idempotent: true, bucket: bucket)
        return try await decode(GCSPolicyJSON.self, call).policy
    }

    /// fake-gcs-server has no IAM route and answers 404, which would read as "no such
    /// bucket": say what is really missing instead.
    private func requireIAM(_ bucket: String) throws(StoreError) {
        guard capabilities.iamPolicies else {
            throw .invalid(bucket: bucket, object: nil, detail: "\(profile.rawValue) does not implement bucket IAM policies")
        }
    }
}

/// A `storage#policy` resource.
struct GCSPolicyJSON: Decodable, Sendable {
    struct Binding: Decodable, Sendable {
        struct Condition: Decodable, Sendable {
            var title: String?
            var description: String?
            var expression: String?
        }
        var role: String
        var members: [String]?
        var condition: Condition?
    }

    var version: Int?
    var etag: String?
    var bindings: [Binding]?

    var policy: IAMPolicy {
        let bindings = (self.bindings ?? []).map { binding in
            IAMBinding(role: IAMRole(rawValue: binding.role), members: (binding.members ?? []).map(IAMMember.init(rawValue:)),
                       condition: binding.condition.map {
                           IAMCondition(title: $0.title ?? "", description: $0.description, expression: $0.expression ?? "")
                       })
        }
        return IAMPolicy(version: version ?? 1, bindings: bindings, etag: etag)
    }

    /// The body of a `PUT`: bindings as GCS keeps them, the version they need
    /// (3 with a condition), and the etag to match when there is one.
    static func body(_ policy: IAMPolicy, etag: String?) -> JSONValue {
        let normalized = policy.normalized
        var members: [(String, JSONValue)] = [("version", .int(Int64(normalized.version)))]
        members.append(("bindings", .array(normalized.bindings.map { binding in
            var fields: [(String, JSONValue)] = [("role", .string(binding.role.rawValue)),
                                                 ("members", .array(binding.members.map { .string($0.rawValue) }))]
            if let condition = binding.condition {
                var c: [(String, JSONValue)] = [("title", .string(condition.title))]
                if let description = condition.description { c.append(("description", .string(description))) }
                c.append(("expression", .string(condition.expression)))
                fields.append(("condition", .object(c)))
            }
            return .object(fields)
        })))
        if let etag { members.append(("etag", .string(etag))) }
        return .object(members)
    }
}
