import DecantCore
import Foundation
import Testing
import TestSupport
@testable import DecantStorage

/// `CurlMultiTransport` against `TestHTTPServer`: methods and bodies, headers,
/// width, and each way a request can fail.
@Suite struct CurlMultiTransportTests {
    /// Answers every request with what it received: method, body and the headers that matter.
    static func echoServer(keepAlive: Bool = true) throws -> TestHTTPServer {
        try TestHTTPServer(keepAlive: keepAlive) { request in
            var headers = ["X-Method": request.method, "X-Target": request.target,
                           "X-Content-Length": request.headers["content-length"] ?? "none",
                           "X-Expect": request.headers["expect"] ?? "none",
                           "X-Content-Type": request.headers["content-type"] ?? "none",
                           "X-Echo": request.headers["x-decant-test"] ?? "none"]
            headers["Set-Thing"] = "one"
            return .respond(status: request.method == "POST" ? 201 : 200, headers: headers, body: request.body)
        }
    }

    @Test(arguments: [
        ("GET", nil), ("HEAD", nil), ("DELETE", nil), ("DELETE", "gone"), ("POST", nil), ("POST", "{\"a\":1}"),
        ("PUT", nil), ("PUT", "put body"), ("PATCH", "{\"labels\":{}}"),
    ] as [(String, String?)])
    func methodsWithAndWithoutBodies(method: String, body: String?) async throws {
        let server = try CurlMultiTransportTests.echoServer()
        defer { server.stop() }
        let transport = CurlMultiTransport(maxConnectionsPerHost: 4)
        let url = try #require(URL(string: "\(server.url)/b/o?x=1&y=2"))
        let response = try await transport.send(HTTPRequest(method: method, url: url, body: body.map { Data($0.utf8) }))
        #expect(response.status == (method == "POST" ? 201 : 200))
        #expect(response.header("x-method") == method)
        #expect(response.header("x-target") == "/b/o?x=1&y=2")
        #expect(response.header("x-expect") == "none")
        #expect(response.header("x-content-type") == "none")
        let sent = try #require(server.requests.current.last)
        #expect(sent.method == method)
        #expect(sent.bodyText == (body ?? ""))
        if ["POST", "PUT", "PATCH"].contains(method) || body != nil {
            #expect(sent.headers["content-length"] == String(body?.utf8.count ?? 0))
        }
        #expect(response.body == (method == "HEAD" ? Data() : Data((body ?? "").utf8)))
    }

    @Test func headersRoundTripAndLargeBodiesSkipExpectContinue() async throws {
        let server = try CurlMultiTransportTests.echoServer()
        defer { server.stop() }
        let transport = CurlMultiTransport()
        let body = Data((0..<(3 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        let url = try #require(URL(string: "\(server.url)/upload"))
        let response = try await transport.send(HTTPRequest(
            method: "POST", url: url,
            headers: ["X-Decant-Test": "round trip", "Content-Type": "application/octet-stream"], body: body))
        #expect(response.header("X-ECHO") == "round trip")
        #expect(response.headers["set-thing"] == "one")
        #expect(response.header("x-content-type") == "application/octet-stream")
        // No `Expect: 100-continue`, hence no wait of up to 1 s for the server's go-ahead.
        #expect(response.header("x-expect") == "none")
        #expect(response.body == body)
    }

    /// Header lines read from libcurl's bytes come out as the String path read them:
    /// names lowercased and trimmed, values trimmed, repeats joined, a status line
    /// starting over.
    @Test func headerLinesFromBytesMatchTheStringPath() {
        let lines = ["HTTP/1.1 100 Continue\r\n", "X-Early: dropped\r\n", "HTTP/1.1 200 OK\r\n",
                     "Content-Type: application/json; charset=UTF-8\r\n", " X-Spaced \t:  \t value with  inner  space \t\r\n",
                     "Set-Thing: one\r\n", "set-thing: two\r\n", "X-Empty:\r\n", "X-Empty-Spaced:   \r\n",
                     "no colon here\r\n", ":empty name\r\n", "X-Ütf8: välue\r\n", "X-Vt: \u{0B}v\u{0C}\r\n", "\r\n"]
        let request = HTTPRequest(method: "GET", url: URL(string: "http://127.0.0.1:1/")!)
        let fromBytes = CurlTransfer(request: request, idleTimeout: 1)
        let fromStrings = CurlTransfer(request: request, idleTimeout: 1)
        for line in lines {
            Array(line.utf8).withUnsafeBytes { fromBytes.addHeaderLine($0) }
            fromStrings.addHeaderLine(line)
        }
        #expect(fromBytes.headers == fromStrings.headers)
        #expect(fromBytes.headers["x-spaced"] == "value with  inner  space")
        #expect(fromBytes.headers["set-thing"] == "one, two")
        #expect(fromBytes.headers["x-early"] == nil)
        #expect(fromBytes.headers["x-ütf8"] == "välue")
    }

    @Test func manyConcurrentRequestsShareTheConnections() async throws {
        let server = try CurlMultiTransportTests.echoServer()
        defer { server.stop() }
        let transport = CurlMultiTransport(maxConnectionsPerHost: 16)
        let base = server.url
        let bodies = try await withThrowingTaskGroup(of: (Int, String).self) { group in
            for index in 0..<150 {
                group.addTask {
                    let url = base.appendingPathComponent("o\(index)")
                    let response = try await transport.send(HTTPRequest(method: "PUT", url: url, body: Data("body \(index)".utf8)))
                    #expect(response.status == 200)
                    return (index, String(decoding: response.body, as: UTF8.self))
                }
            }
            var bodies: [Int: String] = [:]
            for try await (index, body) in group { bodies[index] = body }
            return bodies
        }
        #expect(bodies.count == 150)
        #expect(bodies.allSatisfy { $0.value == "body \($0.key)" })
        #expect(server.requests.current.count == 150)
    }

    @Test func aDroppedConnectionIsLost() async throws {
        let server = try TestHTTPServer(keepAlive: false) { _ in .drop }
        defer { server.stop() }
        let transport = CurlMultiTransport()
        await #expect {
            _ = try await transport.send(HTTPRequest(method: "POST", url: server.url.appendingPathComponent("x"), body: Data("b".utf8)))
        } throws: { error in
            guard let error = error as? HTTPTransportError, case .connectionLost = error else { return false }
            return error.wasSent
        }
    }

    @Test func aRefusedConnectionWasNotSentAndNamesNoQuery() async throws {
        let server = try TestHTTPServer { _ in .json(200, "{}") }
        let url = try #require(URL(string: "\(server.url)/token?access_token=s3cr3t-value"))
        server.stop()
        let transport = CurlMultiTransport()
        await #expect {
            _ = try await transport.send(HTTPRequest(method: "GET", url: url, headers: ["Authorization": "Bearer hidden-token"]))
        } throws: { error in
            guard let error = error as? HTTPTransportError, case .cannotConnect = error else { return false }
            let text = "\(error)"
            return !error.wasSent && text.contains("127.0.0.1") && !text.contains("s3cr3t") && !text.contains("hidden-token")
        }
    }

    @Test func aStalledServerTimesOutWithinTheTimeout() async throws {
        let release = DispatchSemaphore(value: 0)
        let server = try TestHTTPServer { _ in
            _ = release.wait(timeout: .now() + 30)
            return .json(200, "{}")
        }
        defer {
            release.signal()
            server.stop()
        }
        let transport = CurlMultiTransport()
        let started = Date()
        await #expect {
            _ = try await transport.send(HTTPRequest(method: "GET", url: server.url.appendingPathComponent("slow"), timeout: 0.5))
        } throws: { error in
            guard let error = error as? HTTPTransportError, case .timedOut = error else { return false }
            return true
        }
        // Long before the server would answer; the bound is loose because the
        // failing task waits for a free thread of the pool, which a loaded full run
        // (two cores, tests blocking threads) can delay by seconds.
        let elapsed = Date().timeIntervalSince(started)
        #expect(elapsed >= 0.45 && elapsed < 10, "timed out after \(elapsed) s")
    }

    @Test func cancellingTheTaskEndsTheRequest() async throws {
        let release = DispatchSemaphore(value: 0)
        let server = try TestHTTPServer { _ in
            _ = release.wait(timeout: .now() + 30)
            return .json(200, "{}")
        }
        defer {
            release.signal()
            server.stop()
        }
        let transport = CurlMultiTransport()
        let url = server.url.appendingPathComponent("slow")
        let task = Task { try await transport.send(HTTPRequest(method: "GET", url: url)) }
        try await Task.sleep(nanoseconds: 200_000_000)
        let started = Date()
        task.cancel()
        let result = await task.result
        #expect(Date().timeIntervalSince(started) < 10, "long before the server would answer")
        guard case .failure(let error) = result else {
            Issue.record("a cancelled request succeeded")
            return
        }
        #expect("\(error)".contains("cancelled"))
    }

    @Test func aTaskCancelledBeforeItSendsFailsInsteadOfWaitingForever() async throws {
        let server = try TestHTTPServer { _ in .json(200, "{}") }
        defer { server.stop() }
        let transport = CurlMultiTransport()
        let url = server.url.appendingPathComponent("never-sent")
        // The cancellation handler runs before `send` hands the transfer over: the
        // race that once left the task without an answer. Many tries make it likely.
        let finished = Locked(0)
        for _ in 0..<50 {
            Task {
                withUnsafeCurrentTask { $0?.cancel() }
                _ = try? await transport.send(HTTPRequest(method: "GET", url: url))
                finished.withLock { $0 += 1 }
            }
        }
        let deadline = Date().addingTimeInterval(10)
        while finished.current < 50, Date() < deadline { try await Task.sleep(nanoseconds: 20_000_000) }
        #expect(finished.current == 50, "\(50 - finished.current) cancelled sends never returned")
    }
}
