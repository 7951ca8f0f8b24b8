import DecantCore
import Foundation

/// One HTTP request. Its description never shows header values that carry
/// credentials (`Authorization`, `Metadata-Flavor` is harmless and kept).
public struct HTTPRequest: Sendable, CustomStringConvertible, CustomReflectable {
    public var method: String
    public var url: URL
    public var headers: [String: String]
    public var body: Data?
    /// Seconds without progress before the request fails as timed out.
    public var timeout: TimeInterval?

    public init(method: String, url: URL, headers: [String: String] = [:], body: Data? = nil, timeout: TimeInterval? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }

    public var description: String {
        "\(method) \(Redaction.safeURL(url)) (\(body?.count ?? 0) bytes)"
    }

    public var customMirror: Mirror {
        Mirror(self, children: ["method": method, "url": Redaction.safeURL(url),
                                "headers": headers.keys.sorted().joined(separator: ", ")])
    }
}

/// One HTTP response; header names are lowercased.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: [String: String]
    public var body: Data

    public init(status: Int, headers: [String: String] = [:], body: Data = Data()) {
        self.status = status
        self.headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { a, _ in a })
        self.body = body
    }

    /// A response whose header names are lowercased already (the transport's own).
    init(status: Int, lowercasedHeaders: [String: String], body: Data) {
        self.status = status
        headers = lowercasedHeaders
        self.body = body
    }

    public func header(_ name: String) -> String? { headers[name.lowercased()] }
}

/// Why a request got no HTTP response. `wasSent` tells whether the server may have
/// acted on it (only then does retrying need the request to be idempotent).
public enum HTTPTransportError: Error, Hashable, Sendable, CustomStringConvertible {
    /// No connection could be made: the request never left.
    case cannotConnect(String)
    /// The connection dropped or was reset after the request was (maybe) sent.
    case connectionLost(String)
    case timedOut(String)
    case other(String)

    public var wasSent: Bool {
        if case .cannotConnect = self { return false }
        return true
    }

    /// What happened, without the details: "cannot connect", "connection lost", "timed out".
    public var kind: String {
        switch self {
        case .cannotConnect: return "cannot connect"
        case .connectionLost: return "connection lost"
        case .timedOut: return "timed out"
        case .other: return "no answer"
        }
    }

    public var description: String {
        switch self {
        case .cannotConnect(let detail): return "cannot connect: \(detail)"
        case .connectionLost(let detail): return "connection lost: \(detail)"
        case .timedOut(let detail): return "timed out: \(detail)"
        case .other(let detail): return detail
        }
    }
}

/// The HTTP seam of `GCSStore` and of the token sources: URLSession by default, a
/// libcurl-multi transport or a test double in its place.
public protocol HTTPTransport: Sendable {
    func send(_ request: HTTPRequest) async throws(HTTPTransportError) -> HTTPResponse
}
