#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A small HTTP/1.1 server on 127.0.0.1 and a free port, for tests: token
/// endpoints, a metadata server, a fault-injecting proxy. One thread per
/// connection, keep-alive, `Content-Length` bodies. `stop()` closes everything.
public final class TestHTTPServer: Sendable {
    public struct Request: Sendable {
        public var method: String
        /// Path and query, as sent (`/token?x=1`).
        public var target: String
        /// Lowercased names.
        public var headers: [String: String]
        public var body: Data

        public var path: String { String(target.split(separator: "?", maxSplits: 1).first ?? "") }
        public var bodyText: String { String(decoding: body, as: UTF8.self) }

        /// The fields of a form-encoded body.
        public var form: [String: String] {
            var fields: [String: String] = [:]
            for pair in bodyText.split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
                let decode = { (text: String) in text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? text }
                fields[decode(parts[0])] = parts.count > 1 ? decode(parts[1]) : ""
            }
            return fields
        }
    }

    public enum Reply: Sendable {
        case respond(status: Int, headers: [String: String], body: Data)
        /// Close the connection without answering (a reset: the client sees it lost).
        case drop

        public static func json(_ status: Int, _ text: String) -> Reply {
            .respond(status: status, headers: ["Content-Type": "application/json"], body: Data(text.utf8))
        }
    }

    public typealias Handler = @Sendable (Request) -> Reply

    public let port: UInt16
    public var url: URL { URL(string: "http://127.0.0.1:\(port)") ?? URL(fileURLWithPath: "/") }
    private let listener: Int32
    private let handler: Handler
    private let state = Locked(State())
    /// Every request received, in order (tests inspect what clients sent).
    public let requests = Locked<[Request]>([])

    private struct State {
        var stopped = false
        var connections: Set<Int32> = []
    }

    /// Whether connections stay open between requests. Without keep-alive every
    /// answer says `Connection: close` and the connection is closed after it.
    public let keepAlive: Bool

    public init(keepAlive: Bool = true, handler: @escaping Handler) throws {
        self.handler = handler
        self.keepAlive = keepAlive
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ServerError.socket(errno) }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 256) == 0 else {
            close(fd)
            throw ServerError.socket(errno)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        port = UInt16(bigEndian: address.sin_port)
        listener = fd
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    deinit { stop() }

    public enum ServerError: Error { case socket(Int32) }

    /// Closes the listener and every open connection.
    public func stop() {
        let connections = state.withLock { state -> Set<Int32>? in
            if state.stopped { return nil }
            state.stopped = true
            return state.connections
        }
        // Only once: the descriptor number may belong to another socket afterwards.
        guard let connections else { return }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
        for fd in connections { shutdown(fd, Int32(SHUT_RDWR)) }
    }

    private func acceptLoop() {
        while true {
            let fd = accept(listener, nil, nil)
            if fd < 0 {
                if errno == EINTR { continue }
                return
            }
            let accepted = state.withLock { state -> Bool in
                guard !state.stopped else { return false }
                state.connections.insert(fd)
                return true
            }
            guard accepted else {
                close(fd)
                return
            }
            var yes: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &yes, socklen_t(MemoryLayout<Int32>.size))
            let thread = Thread { [self] in serve(fd) }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    private func serve(_ fd: Int32) {
        defer {
            state.withLock { _ = $0.connections.remove(fd) }
            close(fd)
        }
        var reader = SocketReader(fd: fd)
        while let request = reader.readRequest() {
            requests.withLock { $0.append(request) }
            switch handler(request) {
            case .drop:
                var linger = linger(l_onoff: 1, l_linger: 0)
                setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<linger>.size))
                return
            case let .respond(status, headers, body):
                var head = "HTTP/1.1 \(status) \(TestHTTPServer.reason(status))\r\n"
                var headers = headers
                headers["Content-Length"] = String(body.count)
                if !keepAlive { headers["Connection"] = "close" }
                for (name, value) in headers { head += "\(name): \(value)\r\n" }
                head += "\r\n"
                guard SocketReader.writeAll(fd, Data(head.utf8) + body) else { return }
            }
            if !keepAlive || request.headers["connection"]?.lowercased() == "close" { return }
        }
    }

    static func reason(_ status: Int) -> String {
        switch status {
        case 200: return "OK"
        case 204: return "No Content"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 429: return "Too Many Requests"
        case 500: return "Internal Server Error"
        case 503: return "Service Unavailable"
        default: return "Status"
        }
    }
}

/// Reads HTTP/1.x messages from a socket.
struct SocketReader {
    let fd: Int32
    private var buffer = Data()

    init(fd: Int32) { self.fd = fd }

    /// More bytes, false at end of stream.
    private mutating func fill() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return false }
            buffer.append(contentsOf: chunk[0..<count])
            return true
        }
    }

    /// The header block (start line and headers), without the blank line.
    mutating func readHead() -> [String]? {
        let separator = Data("\r\n\r\n".utf8)
        while true {
            if let range = buffer.range(of: separator) {
                let head = String(decoding: buffer[buffer.startIndex..<range.lowerBound], as: UTF8.self)
                buffer.removeSubrange(buffer.startIndex..<range.upperBound)
                return head.components(separatedBy: "\r\n")
            }
            guard fill() else { return nil }
        }
    }

    mutating func readBody(count: Int) -> Data? {
        while buffer.count < count {
            guard fill() else { return nil }
        }
        let body = Data(buffer.prefix(count))
        buffer.removeFirst(count)
        return body
    }

    /// Everything until the peer closes.
    mutating func readToEnd() -> Data {
        while fill() {}
        defer { buffer.removeAll() }
        return buffer
    }

    static func headers(_ lines: ArraySlice<String>) -> [String: String] {
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            headers[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return headers
    }

    mutating func readRequest() -> TestHTTPServer.Request? {
        guard let lines = readHead(), let start = lines.first else { return nil }
        let parts = start.split(separator: " ")
        guard parts.count >= 2 else { return nil }
        let headers = SocketReader.headers(lines.dropFirst())
        let length = Int(headers["content-length"] ?? "0") ?? 0
        guard let body = readBody(count: length) else { return nil }
        return TestHTTPServer.Request(method: String(parts[0]), target: String(parts[1]), headers: headers, body: body)
    }

    static func writeAll(_ fd: Int32, _ data: Data) -> Bool {
        data.withUnsafeBytes { raw -> Bool in
            guard var pointer = raw.baseAddress else { return true }
            var remaining = raw.count
            while remaining > 0 {
                let written = send(fd, pointer, remaining, Int32(MSG_NOSIGNAL))
                if written < 0, errno == EINTR { continue }
                guard written > 0 else { return false }
                pointer += written
                remaining -= written
            }
            return true
        }
    }
}
