import DecantCore
import Foundation
import Testing
import TestSupport
@testable import DecantStorage

/// What `GCSStore` sends and reads for bucket IAM policies: version 3 asked for, the
/// etag in the body, a stale etag read as a precondition failure.
@Suite struct GCSIAMRequestTests {
    static let answer = """
        {"kind":"storage#policy","resourceId":"projects/_/buckets/archive","version":3,"etag":"BwXhqDh4uUU=",
         "bindings":[{"role":"roles/storage.legacyBucketOwner","members":["projectEditor:data-dev-1","projectOwner:data-dev-1"]},
                     {"role":"roles/storage.objectViewer","members":["group:auditors@example.com"],
                      "condition":{"title":"weekdays","expression":"request.time.getDayOfWeek(\\"Europe/Paris\\") < 5"}}]}
        """

    static let expected = IAMPolicy(version: 3, bindings: [
        IAMBinding(role: .legacyBucketOwner, members: [IAMMember(rawValue: "projectEditor:data-dev-1"),
                                                       IAMMember(rawValue: "projectOwner:data-dev-1")]),
        IAMBinding(role: .objectViewer, members: [IAMMember(rawValue: "group:auditors@example.com")],
                   condition: IAMCondition(title: "weekdays", expression: "request.time.getDayOfWeek(\"Europe/Paris\") < 5")),
    ], etag: "BwXhqDh4uUU=")

    @Test func getAsksForVersionThree() async throws {
        let server = try TestHTTPServer(keepAlive: false) { _ in .json(200, GCSIAMRequestTests.answer) }
        defer { server.stop() }
        let policy = try await GCSRetryTests.store(server).bucketIAMPolicy("archive")
        #expect(policy == Self.expected)
        let request = try #require(server.requests.current.first)
        #expect(request.method == "GET")
        #expect(request.target == "/storage/v1/b/archive/iam?optionsRequestedPolicyVersion=3")
    }

    @Test func putCarriesTheEtagAndTheVersionTheBindingsNeed() async throws {
        let server = try TestHTTPServer(keepAlive: false) { _ in .json(200, GCSIAMRequestTests.answer) }
        defer { server.stop() }
        let store = GCSRetryTests.store(server)
        var policy = Self.expected
        policy.version = 1
        policy.etag = "ignored"
        #expect(try await store.setBucketIAMPolicy("archive", policy, ifMatchEtag: "BwXhqDh4uUU=") == Self.expected)
        let request = try #require(server.requests.current.first)
        #expect(request.method == "PUT")
        #expect(request.target == "/storage/v1/b/archive/iam")
        #expect(request.headers["content-type"] == "application/json")
        #expect(request.bodyText == """
            {"version":3,"bindings":[{"role":"roles/storage.legacyBucketOwner","members":["projectEditor:data-dev-1",\
            "projectOwner:data-dev-1"]},{"role":"roles/storage.objectViewer","members":["group:auditors@example.com"],\
            "condition":{"title":"weekdays","expression":"request.time.getDayOfWeek(\\"Europe/Paris\\") < 5"}}],\
            "etag":"BwXhqDh4uUU="}
            """)
        _ = try await store.setBucketIAMPolicy("archive", IAMPolicy(), ifMatchEtag: nil)
        #expect(server.requests.current.last?.bodyText == #"{"version":1,"bindings":[]}"#)
    }

    @Test func aStaleEtagIsAPreconditionFailure() async throws {
        let refused = #"{"error":{"code":412,"message":"Precondition Failed","errors":[{"reason":"conditionNotMet"}]}}"#
        let server = try TestHTTPServer(keepAlive: false) { _ in .json(412, refused) }
        defer { server.stop() }
        await #expect { _ = try await GCSRetryTests.store(server).setBucketIAMPolicy("archive", Self.expected, ifMatchEtag: "CAE=") } throws: {
            guard case StoreError.preconditionFailed("archive", nil, let detail) = $0 else { return false }
            return detail == "HTTP 412: conditionNotMet: Precondition Failed"
        }
        #expect(server.requests.current.count == 1)
    }

    /// A retried set whose first attempt went through meets its own new etag: the
    /// error says which attempt, so the caller reads the policy back before calling it a conflict.
    @Test func aRetriedSetSaysWhichAttemptWasRefused() async throws {
        let script = Locked<[TestHTTPServer.Reply]>([.json(503, "{}"), .json(412, #"{"error":{"code":412,"message":"Precondition Failed"}}"#)])
        let server = try TestHTTPServer(keepAlive: false) { _ in script.withLock { $0.removeFirst() } }
        defer { server.stop() }
        await #expect { _ = try await GCSRetryTests.store(server).setBucketIAMPolicy("archive", Self.expected, ifMatchEtag: "CAE=") } throws: {
            guard case StoreError.preconditionFailed("archive", nil, let detail) = $0 else { return false }
            return detail.contains("on attempt 2")
        }
    }

    @Test func invalidPoliciesNeverLeaveTheMachine() async throws {
        let server = try TestHTTPServer(keepAlive: false) { _ in .json(200, GCSIAMRequestTests.answer) }
        defer { server.stop() }
        let wrong = IAMPolicy(bindings: [IAMBinding(role: IAMRole(rawValue: "objectViewer"), members: [.allUsers])])
        await #expect(throws: StoreError.invalid(bucket: "archive", object: nil, detail: "`objectViewer` is not a role")) {
            _ = try await GCSRetryTests.store(server).setBucketIAMPolicy("archive", wrong, ifMatchEtag: nil)
        }
        #expect(server.requests.current.isEmpty)
    }
}
