import DecantCore
import DecantSQLite
import Foundation

extension LocalStore {
    public func bucketIAMPolicy(_ bucket: String) async throws(StoreError) -> IAMPolicy {
        try LocalStore.validate(bucket: bucket)
        return try await registry.bucket(bucket).iamPolicy()
    }

    public func setBucketIAMPolicy(_ bucket: String, _ policy: IAMPolicy,
                                   ifMatchEtag: String?) async throws(StoreError) -> IAMPolicy {
        try LocalStore.validate(bucket: bucket)
        try LocalBucket.check(policy, bucket: bucket)
        return try await registry.bucket(bucket).setIAMPolicy(policy, ifMatchEtag: ifMatchEtag)
    }
}

/// A local bucket's IAM policy, kept in its index (table `iam`) so that it is
/// created, changed and deleted with the bucket, under the same write lock as
/// everything else. The etag is GCS-shaped (`IAMEtag.make(serial)`) and the serial
/// grows with every set, changed or not, as GCS's does.
extension LocalBucket {
    func iamPolicy() throws(StoreError) -> IAMPolicy {
        guard let database = try index() else { throw .notFound(bucket: name, object: nil) }
        return try storedPolicy(database)
    }

    func setIAMPolicy(_ policy: IAMPolicy, ifMatchEtag: String?) throws(StoreError) -> IAMPolicy {
        try transaction { database throws(StoreError) in
            let current = try storedPolicy(database)
            if let expected = ifMatchEtag, expected != current.etag {
                throw .preconditionFailed(bucket: name, object: nil,
                                          detail: "the IAM policy's etag is \(current.etag ?? "none"), not \(expected)")
            }
            var stored = policy.normalized
            stored.etag = nil
            let serial = try sql { () throws -> Int64 in try database.scalarInt("SELECT serial FROM iam") ?? 1 } + 1
            let encoded = try LocalBucket.encode(stored)
            try sql { try database.run("INSERT OR REPLACE INTO iam (id, policy, serial) VALUES (1, ?, ?)", encoded, serial) }
            stored.etag = IAMEtag.make(UInt64(serial))
            return stored
        }
    }

    /// The row's policy; a bucket made before the table existed has none and gets
    /// the policy a new bucket of its project gets.
    private func storedPolicy(_ database: SQLiteDatabase) throws(StoreError) -> IAMPolicy {
        let row = try sql { () throws -> [(String, Int64)] in
            try database.query("SELECT policy, serial FROM iam") { ($0.text(0) ?? "{}", $0.int(1) ?? 1) }
        }.first
        guard let (text, serial) = row else {
            let info = try settings(database)
            return IAMPolicy.newBucket(project: info.project, uniformAccess: info.settings.uniformAccess == true)
        }
        do {
            var policy = try JSONDecoder().decode(IAMPolicy.self, from: Data(text.utf8))
            policy.etag = IAMEtag.make(UInt64(max(serial, 1)))
            return policy
        } catch {
            throw .transient(bucket: name, object: nil, detail: "the local index holds an unreadable IAM policy")
        }
    }

    static func check(_ policy: IAMPolicy, bucket: String) throws(StoreError) {
        if let refusal = policy.refusal { throw .invalid(bucket: bucket, object: nil, detail: refusal) }
    }

    static func encode(_ policy: IAMPolicy) throws(StoreError) -> String {
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            return String(decoding: try encoder.encode(policy), as: UTF8.self)
        } catch {
            throw .invalid(bucket: nil, object: nil, detail: "cannot encode the IAM policy: \(error)")
        }
    }
}
