#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// An HTTP proxy on 127.0.0.1 in front of an emulator that fails a share of the
/// requests: with 429 or 503 before forwarding them, or by forwarding them and
/// then dropping the connection instead of answering (the worst case: the server
/// acted, the client cannot know). Deterministic for a given seed.
///
/// Every answer closes its connection: FoundationNetworking, when a kept-alive
/// connection drops under a request with a body, stalls (spinning) until the
/// request times out instead of failing, because libcurl cannot rewind the body.
/// On a fresh connection the drop fails at once, as a reset does on GCS.
public final class FaultInjectingProxy: Sendable {
    public struct Counts: Sendable, Equatable {
        public var requests = 0
        public var tooManyRequests = 0
        public var unavailable = 0
        public var droppedAfterForwarding = 0
        public var faults: Int { tooManyRequests + unavailable + droppedAfterForwarding }
    }

    private let server: TestHTTPServer
    private let stats: Locked<Counts>
    public var url: URL { server.url }
    public var counts: Counts { stats.current }
    /// Every request the proxy received (headers included), for tests that check what was sent.
    public var requests: [TestHTTPServer.Request] { server.requests.current }

    /// - Parameters:
    ///   - upstream: `http://127.0.0.1:PORT` of the real server.
    ///   - faultRate: the share of requests that fail (split evenly over the three faults).
    public init(upstream: URL, faultRate: Double = 0.2, seed: UInt64 = 0x5eed) throws {
        let stats = Locked(Counts())
        let random = Locked(SplitMix64(seed: seed))
        let host = upstream.host ?? "127.0.0.1"
        let port = UInt16(upstream.port ?? 80)
        self.stats = stats
        server = try TestHTTPServer(keepAlive: false) { request in
            let roll = random.withLock { $0.nextUnit() }
            stats.withLock { $0.requests += 1 }
            if roll < faultRate / 3 {
                stats.withLock { $0.tooManyRequests += 1 }
                return .json(429, #"{"error":{"code":429,"message":"injected: rate limited"}}"#)
            }
            if roll < faultRate * 2 / 3 {
                stats.withLock { $0.unavailable += 1 }
                return .respond(status: 503, headers: [:], body: Data("injected: unavailable".utf8))
            }
            let reply = FaultInjectingProxy.forward(request, host: host, port: port)
            if roll < faultRate {
                stats.withLock { $0.droppedAfterForwarding += 1 }
                return .drop
            }
            return reply
        }
    }

    public func stop() { server.stop() }

    /// Sends the request upstream as HTTP/1.0 (the server closes after answering, so
    /// the body is whatever comes before the end of the stream) and relays the answer.
    static func forward(_ request: TestHTTPServer.Request, host: String, port: UInt16) -> TestHTTPServer.Reply {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return .respond(status: 502, headers: [:], body: Data()) }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr(host)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return .respond(status: 502, headers: [:], body: Data()) }
        var head = "\(request.method) \(request.target) HTTP/1.0\r\nHost: \(host):\(port)\r\n"
        for (name, value) in request.headers where !["host", "connection", "content-length", "keep-alive"].contains(name) {
            head += "\(name): \(value)\r\n"
        }
        head += "Content-Length: \(request.body.count)\r\nConnection: close\r\n\r\n"
        guard SocketReader.writeAll(fd, Data(head.utf8) + request.body) else {
            return .respond(status: 502, headers: [:], body: Data())
        }
        var reader = SocketReader(fd: fd)
        guard let lines = reader.readHead(), let status = lines.first?.split(separator: " ").dropFirst().first.flatMap({ Int($0) })
        else { return .respond(status: 502, headers: [:], body: Data()) }
        var headers = SocketReader.headers(lines.dropFirst())
        let body: Data
        if let length = headers["content-length"].flatMap(Int.init) {
            body = reader.readBody(count: length) ?? Data()
        } else {
            body = reader.readToEnd()
        }
        for name in ["content-length", "connection", "transfer-encoding", "keep-alive"] { headers[name] = nil }
        return .respond(status: status, headers: headers, body: body)
    }
}

/// A small deterministic random generator (SplitMix64).
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in [0, 1).
    public mutating func nextUnit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
