import DecantCore
import Foundation
import Testing
import TestSupport
@testable import DecantStorage

/// Retries exactly as GCS.md says, against a local server that fails on cue.
@Suite struct GCSRetryTests {
    static let objectJSON = #"{"name":"o","size":"3","generation":"7","metageneration":"1","crc32c":"AAAAAA=="}"#

    /// A server that answers with `script` in turn, then 200 with `objectJSON`.
    /// Connections are not kept alive (see `FaultInjectingProxy` for why).
    static func server(_ script: [TestHTTPServer.Reply]) throws -> TestHTTPServer {
        let queue = Locked(script)
        return try TestHTTPServer(keepAlive: false) { _ in
            queue.withLock { $0.isEmpty ? .json(200, objectJSON) : $0.removeFirst() }
        }
    }

    static func store(_ server: TestHTTPServer, tokens: (any TokenProvider)? = nil, emulator: Bool = false,
                      events: Locked<[GCSEvent]>? = nil, attempts: Int = 5) -> GCSStore {
        let retry = RetryPolicy(initialDelay: 0.001, maximumDelay: 0.004, maxAttempts: attempts, maxElapsed: 600)
        var observer: (@Sendable (GCSEvent) -> Void)?
        if let events {
            observer = { event in events.withLock { $0.append(event) } }
        }
        return GCSStore(endpoint: GCSEndpoint(baseURL: server.url, isEmulator: emulator), tokens: tokens,
                        transport: HTTPTransports.standard(maxConnectionsPerHost: 4), retry: retry, observer: observer)
    }

    @Test func backoffIsTruncatedExponentialWithFullJitter() {
        let policy = RetryPolicy(random: { $0 })
        #expect((1...7).map { policy.ceiling(afterAttempt: $0) } == [1, 2, 4, 8, 16, 30, 30])
        #expect(policy.delay(afterAttempt: 3) == 4)
        #expect(policy.delay(afterAttempt: 1, retryAfter: 5) == 5)
        #expect(policy.delay(afterAttempt: 1, retryAfter: 500) == 30)
        let jittered = RetryPolicy(random: { upper in upper * 0.25 })
        #expect(jittered.delay(afterAttempt: 4) == 2)
        #expect(RetryPolicy.standard.allowsAnotherAttempt(after: 9, elapsed: 10))
        #expect(!RetryPolicy.standard.allowsAnotherAttempt(after: 10, elapsed: 10))
        #expect(!RetryPolicy.standard.allowsAnotherAttempt(after: 2, elapsed: 601))
        let random = RetryPolicy()
        for attempt in 1...8 {
            let delay = random.delay(afterAttempt: attempt)
            #expect(delay >= 0 && delay <= random.ceiling(afterAttempt: attempt))
        }
    }

    @Test func idempotentCallsAreRetriedOn429And5xxAndResets() async throws {
        let server = try GCSRetryTests.server([.json(503, "{}"), .json(429, "{}"), .drop, .json(500, "{}"), .json(408, "{}")])
        defer { server.stop() }
        let events = Locked<[GCSEvent]>([])
        let store = GCSRetryTests.store(server, events: events, attempts: 8)
        let record = try #require(try await store.headObject("b", "o", generation: nil))
        #expect(record.generation == 7)
        // Each scripted failure is retried once. Under a loaded full test run a
        // request can also time out on the client, which is retried as well: one
        // more attempt is right, one fewer is not.
        #expect(server.requests.current.count >= 6)
        #expect(events.current.count >= 5)
    }

    @Test func givesUpAfterMaxAttempts() async throws {
        let server = try TestHTTPServer { _ in .json(503, #"{"error":{"code":503,"message":"backend down"}}"#) }
        defer { server.stop() }
        let store = GCSRetryTests.store(server, attempts: 3)
        await #expect { _ = try await store.headObject("b", "o", generation: nil) } throws: { error in
            guard case StoreError.transient(_, _, let detail) = error else { return false }
            return detail.contains("backend down") && detail.contains("attempt 3")
        }
        #expect(server.requests.current.count == 3)
    }

    @Test func mutationsWithoutAPreconditionAreNotRetried() async throws {
        let server = try GCSRetryTests.server([.json(503, "{}"), .json(503, "{}")])
        defer { server.stop() }
        let store = GCSRetryTests.store(server)
        await #expect(throws: StoreError.self) {
            _ = try await store.upload("b", "o", data: Data("abc".utf8), ifGenerationMatch: nil, contentType: nil,
                                       metadata: nil)
        }
        #expect(server.requests.current.count == 1)
        await #expect(throws: StoreError.self) { try await store.deleteObject("b", "o", ifGenerationMatch: nil) }
        #expect(server.requests.current.count == 2)
    }

    @Test func aRateLimitedBucketInsertIsRetriedAnUnavailableOneIsNot() async throws {
        let bucket = #"{"name":"b","metageneration":"1","location":"EU","storageClass":"STANDARD"}"#
        let script = Locked<[TestHTTPServer.Reply]>([.json(429, "{}")])
        let server = try TestHTTPServer(keepAlive: false) { _ in script.withLock { $0.isEmpty ? .json(200, bucket) : $0.removeFirst() } }
        defer { server.stop() }
        let created = try await GCSRetryTests.store(server).createBucket("b", project: "p", settings: BucketSettings())
        #expect(created.name == "b")
        #expect(server.requests.current.count == 2)

        let unavailable = try GCSRetryTests.server([.json(503, "{}")])
        defer { unavailable.stop() }
        await #expect(throws: StoreError.self) {
            _ = try await GCSRetryTests.store(unavailable).createBucket("b", project: "p", settings: BucketSettings())
        }
        #expect(unavailable.requests.current.count == 1)
    }

    @Test func mutationsWithAPreconditionAreRetried() async throws {
        let server = try GCSRetryTests.server([.json(503, "{}"), .drop, .json(429, "{}")])
        defer { server.stop() }
        let store = GCSRetryTests.store(server)
        let record = try await store.upload("b", "o", data: Data("abc".utf8), ifGenerationMatch: 0, contentType: nil,
                                            metadata: nil)
        #expect(record.generation == 7)
        #expect(server.requests.current.count == 4)
        #expect(server.requests.current.allSatisfy { $0.target.contains("ifGenerationMatch=0") })
    }

    @Test func aRetriedDeleteThatFindsNothingIsDone() async throws {
        // The first attempt deleted the object but its answer was lost.
        let server = try GCSRetryTests.server([.drop, .json(404, #"{"error":{"code":404}}"#)])
        defer { server.stop() }
        let store = GCSRetryTests.store(server)
        try await store.deleteObject("b", "o", ifGenerationMatch: 7)
        #expect(server.requests.current.count == 2)
        // Without a retry, 404 is an answer.
        let direct = try GCSRetryTests.server([.json(404, "{}")])
        defer { direct.stop() }
        await #expect(throws: StoreError.notFound(bucket: "b", object: "o")) {
            try await GCSRetryTests.store(direct).deleteObject("b", "o", ifGenerationMatch: 7)
        }
    }

    @Test func aRetriedCopyThatFindsItsOwnTargetSaysSo() async throws {
        let server = try GCSRetryTests.server([.drop, .json(412, #"{"error":{"code":412,"message":"conditionNotMet"}}"#)])
        defer { server.stop() }
        let store = GCSRetryTests.store(server)
        await #expect { _ = try await store.copyObject(CopyRequest(sourceBucket: "s", sourceName: "a", targetBucket: "t",
                                                                   targetName: "b")) } throws: { error in
            guard case StoreError.preconditionFailed("t", "b", let detail) = error else { return false }
            return detail.contains("an earlier attempt may have succeeded")
        }
    }

    @Test func requestsThatNeverLeftAreRetriedWhateverTheCall() async throws {
        // Nothing listens on the port: no connection, so nothing was sent.
        let closed = try TestHTTPServer { _ in .drop }
        closed.stop()
        let events = Locked<[GCSEvent]>([])
        let store = GCSRetryTests.store(closed, events: events, attempts: 3)
        await #expect(throws: StoreError.self) {
            _ = try await store.upload("b", "o", data: Data(), ifGenerationMatch: nil, contentType: nil, metadata: nil)
        }
        #expect(events.current.count == 2)
    }

    @Test func statusesMapToTypedErrors() async throws {
        let cases: [(Int, StoreError)] = [
            (400, .invalid(bucket: "b", object: "o", detail: "HTTP 400: bad: no")),
            (401, .permissionDenied(bucket: "b", object: "o", detail: "HTTP 401: bad: no")),
            (403, .permissionDenied(bucket: "b", object: "o", detail: "HTTP 403: bad: no")),
            (409, .conflict(bucket: "b", object: "o", detail: "HTTP 409: bad: no")),
            (412, .preconditionFailed(bucket: "b", object: "o", detail: "HTTP 412: bad: no")),
        ]
        for (status, expected) in cases {
            let server = try TestHTTPServer { _ in
                .json(status, #"{"error":{"code":\#(status),"message":"no","errors":[{"reason":"bad"}]}}"#)
            }
            defer { server.stop() }
            await #expect(throws: expected) {
                _ = try await GCSRetryTests.store(server).upload("b", "o", data: Data(), ifGenerationMatch: nil,
                                                                 contentType: nil, metadata: nil)
            }
        }
    }

    @Test func anExpiredTokenIsRefetchedOnce() async throws {
        let server = try GCSRetryTests.server([.json(401, "{}")])
        defer { server.stop() }
        let counter = Locked(0)
        let tokens = CachingTokenProvider(source: "test") { () async throws(AuthError) -> AccessToken in
            let n = counter.withLock { $0 += 1; return $0 }
            return AccessToken(value: "token-\(n)", expiry: Date().addingTimeInterval(3600))
        }
        let store = GCSRetryTests.store(server, tokens: tokens)
        _ = try await store.upload("b", "o", data: Data(), ifGenerationMatch: nil, contentType: nil, metadata: nil)
        let sent = server.requests.current.map { $0.headers["authorization"] }
        #expect(sent == ["Bearer token-1", "Bearer token-2"])
    }

    @Test func emulatorsGetNoAuthorizationHeader() async throws {
        let server = try GCSRetryTests.server([])
        defer { server.stop() }
        let tokens = StaticTokenProvider(token: "ya29.should-not-be-sent")
        _ = try await GCSRetryTests.store(server, tokens: tokens, emulator: true).headObject("b", "o", generation: nil)
        #expect(server.requests.current.first?.headers["authorization"] == nil)
        _ = try await GCSRetryTests.store(server, tokens: tokens, emulator: false).headObject("b", "o", generation: nil)
        #expect(server.requests.current.last?.headers["authorization"] == "Bearer ya29.should-not-be-sent")
    }
}

/// The run-wide view of an endpoint's health (issue 14, defect 2).
@Suite struct EndpointHealthTests {
    final class Clock: @unchecked Sendable {
        // Tests only: set and read from the test's own task.
        var now = 0.0
    }

    @Test func aStreakOfConnectionFailuresOverSomeSecondsIsDown() {
        let clock = Clock()
        let health = EndpointHealth(endpoint: "http://127.0.0.1:9", limits: .init(silence: 90, consecutiveFailures: 4, span: 5),
                                    clock: { clock.now })
        // A blip: every request in flight fails at once; not down.
        for _ in 0..<10 { #expect(health.failed(connection: true, detail: "cannot connect") == nil) }
        health.answered()
        for t in [0.0, 1, 3, 4.9] {
            clock.now = 100 + t
            #expect(health.failed(connection: true, detail: "cannot connect") == nil)
        }
        clock.now = 105.5
        let verdict = health.failed(connection: true, detail: "cannot connect")
        #expect(verdict == .unavailable(endpoint: "http://127.0.0.1:9",
                                        detail: "5 connection failures in a row over 6 s; the last: cannot connect"))
        #expect(health.unavailable == verdict)
        health.answered()
        #expect(health.unavailable == verdict, "a verdict stands for the rest of the run")
    }

    @Test func noSuccessForTheSilenceIsDownAndAnAnswerResetsIt() {
        let clock = Clock()
        let health = EndpointHealth(endpoint: "e", limits: .init(silence: 60, consecutiveFailures: 1000, span: 5), clock: { clock.now })
        #expect(health.failed(connection: false, detail: "503") == nil)
        clock.now = 59
        #expect(health.failed(connection: true, detail: "reset") == nil)
        health.answered()
        clock.now = 119
        #expect(health.failed(connection: false, detail: "503") == nil, "the silence starts again after an answer")
        clock.now = 180
        #expect(health.failed(connection: false, detail: "503") != nil)
    }

    @Test func aStoreWhoseEndpointIsDeadStopsRetryingAndFailsAtOnce() async throws {
        let closed = try TestHTTPServer { _ in .drop }
        let url = closed.url
        closed.stop()
        let events = Locked(0)
        let store = GCSStore(endpoint: GCSEndpoint(baseURL: url, isEmulator: true), profile: .fakeGCSServer, tokens: nil,
                             transport: HTTPTransports.standard(), retry: RetryPolicy(initialDelay: 0.01, maximumDelay: 0.02, maxAttempts: 1000),
                             observer: { _ in events.withLock { $0 += 1 } },
                             health: EndpointHealth(endpoint: "dead", limits: .init(silence: 60, consecutiveFailures: 5, span: 0.05)))
        await #expect(throws: StoreError.self) { _ = try await store.headObject("b", "o", generation: nil) }
        guard case .unavailable(let endpoint, _)? = store.unavailable else {
            Issue.record("the store did not judge its endpoint down")
            return
        }
        #expect(endpoint == "dead")
        #expect(events.current >= 4, "retries were not reported")
        let started = ContinuousClock.now
        await #expect(throws: StoreError.self) { _ = try await store.getBucket("b") }
        #expect(ContinuousClock.now - started < .milliseconds(100), "a call after the verdict still went out")
    }
}
