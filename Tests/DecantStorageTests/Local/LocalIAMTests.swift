import DecantCore
import DecantSQLite
import Foundation
import Testing
import TestSupport
@testable import DecantStorage

/// What the local store (and the in-memory one the engine tests use) promise about
/// bucket IAM policies beyond the conformance suite: kept with the bucket across
/// store instances, one winner among racing writers, buckets from before the policy
/// existed.
@Suite struct LocalIAMTests {
    let directory: TemporaryDirectory
    let store: LocalStore
    let grant = IAMPolicy(bindings: [IAMBinding(role: .objectViewer,
                                                members: [IAMMember(rawValue: "serviceAccount:a@data-dev-1.iam.gserviceaccount.com")])])

    init() throws {
        directory = try TemporaryDirectory("decant-local-iam")
        store = LocalStore(root: directory.path)
    }

    @Test func thePolicyIsKeptWithTheBucket() async throws {
        defer { directory.remove() }
        _ = try await store.createBucket("archive-bucket-dev", project: "data-dev-1", settings: BucketSettings())
        let set = try await store.setBucketIAMPolicy("archive-bucket-dev", grant, ifMatchEtag: IAMEtag.first)
        #expect(set.etag == "CAI=")
        let reopened = LocalStore(root: directory.path)
        #expect(try await reopened.bucketIAMPolicy("archive-bucket-dev") == IAMPolicy(version: 1, bindings: grant.bindings, etag: "CAI="))
        // Deleted with the bucket: a bucket made again under the name starts afresh.
        try await store.deleteBucket("archive-bucket-dev")
        await #expect(throws: StoreError.notFound(bucket: "archive-bucket-dev", object: nil)) {
            _ = try await reopened.bucketIAMPolicy("archive-bucket-dev")
        }
        _ = try await reopened.createBucket("archive-bucket-dev", project: "data-dev-1", settings: BucketSettings())
        #expect(try await store.bucketIAMPolicy("archive-bucket-dev") == IAMPolicy.newBucket(project: "data-dev-1", uniformAccess: false))
    }

    /// Two stores on one root are two processes: with the same etag, exactly one set wins.
    @Test func racingWritersWithOneEtagHaveOneWinner() async throws {
        defer { directory.remove() }
        _ = try await store.createBucket("shared-bucket", project: "data-dev-1", settings: BucketSettings())
        let etag = try #require(try await store.bucketIAMPolicy("shared-bucket").etag)
        let writers = (0..<8).map { _ in LocalStore(root: directory.path) }
        let grant = grant
        let outcomes = await withTaskGroup(of: String.self) { group in
            for (i, writer) in writers.enumerated() {
                group.addTask {
                    var policy = grant
                    policy.bindings[0].members.append(IAMMember(rawValue: "user:writer\(i)@example.com"))
                    do {
                        _ = try await writer.setBucketIAMPolicy("shared-bucket", policy, ifMatchEtag: etag)
                        return "won"
                    } catch {
                        if case StoreError.preconditionFailed = error { return "lost" }
                        return "\(error)"
                    }
                }
            }
            return await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(outcomes.sorted() == ["lost", "lost", "lost", "lost", "lost", "lost", "lost", "won"])
        let final = try await store.bucketIAMPolicy("shared-bucket")
        #expect(final.etag == "CAI=")
        #expect(final.bindings[0].members.filter { $0.rawValue.hasPrefix("user:writer") }.count == 1)
    }

    /// A bucket whose index predates the `iam` table reads as a new bucket of its
    /// project would, and takes a set.
    @Test func aBucketFromBeforeThePolicyExisted() async throws {
        defer { directory.remove() }
        _ = try await store.createBucket("old-bucket", project: "data-dev-1", settings: BucketSettings(uniformAccess: true))
        let index = try SQLiteDatabase(path: directory.path + "/old-bucket/.decant/index.db")
        try index.execute("DROP TABLE iam")
        try index.execute("DELETE FROM schema_migrations WHERE version = 2")
        index.close()
        let upgraded = LocalStore(root: directory.path)
        #expect(try await upgraded.bucketIAMPolicy("old-bucket") == IAMPolicy.newBucket(project: "data-dev-1", uniformAccess: true))
        let set = try await upgraded.setBucketIAMPolicy("old-bucket", grant, ifMatchEtag: "CAE=")
        #expect(set.etag == "CAI=")
        #expect(try await store.bucketIAMPolicy("old-bucket").grantsEqual(grant))
    }

    /// The in-memory store of the engine tests keeps the same rules.
    @Test func theMemoryStoreBehavesTheSame() async throws {
        defer { directory.remove() }
        let memory = MemoryObjectStore()
        for s in [memory as any ObjectStore, store] {
            _ = try await s.createBucket("twin-bucket", project: "data-dev-1", settings: BucketSettings(uniformAccess: true))
            #expect(try await s.bucketIAMPolicy("twin-bucket") == IAMPolicy.newBucket(project: "data-dev-1", uniformAccess: true))
            let set = try await s.setBucketIAMPolicy("twin-bucket", grant, ifMatchEtag: "CAE=")
            #expect(set == IAMPolicy(version: 1, bindings: grant.bindings, etag: "CAI="))
            await #expect { _ = try await s.setBucketIAMPolicy("twin-bucket", grant, ifMatchEtag: "CAE=") } throws: {
                guard case StoreError.preconditionFailed("twin-bucket", nil, _) = $0 else { return false }
                return true
            }
            await #expect { _ = try await s.setBucketIAMPolicy("twin-bucket", IAMPolicy(bindings: [
                IAMBinding(role: .objectViewer, members: [IAMMember(rawValue: "nobody")])]), ifMatchEtag: nil) } throws: {
                guard case StoreError.invalid("twin-bucket", nil, _) = $0 else { return false }
                return true
            }
            #expect(try await s.bucketIAMPolicy("twin-bucket").etag == "CAI=")
        }
    }
}
