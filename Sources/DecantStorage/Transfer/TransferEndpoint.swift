import Foundation

/// Where the Storage Transfer Service API is. Production unless
/// `DECANT_TRANSFER_ENDPOINT` (or an explicit value) points elsewhere: an `https`
/// URL, or an `http` one only on a loopback address (a test server, which gets no
/// token). A token never travels over plain http.
public struct TransferEndpoint: Hashable, Sendable {
    /// Without `/v1` (`https://storagetransfer.googleapis.com`).
    public var baseURL: URL
    /// A local test server: requests carry no `Authorization` header.
    public var isTestServer: Bool

    /// (The literal always parses; the fallback only avoids a force-unwrap.)
    public static let production = TransferEndpoint(
        baseURL: URL(string: "https://storagetransfer.googleapis.com") ?? URL(fileURLWithPath: "/"), isTestServer: false)

    public static let environmentVariable = "DECANT_TRANSFER_ENDPOINT"

    public init(baseURL: URL, isTestServer: Bool) {
        self.baseURL = baseURL
        self.isTestServer = isTestServer
    }

    /// `explicit`, else `DECANT_TRANSFER_ENDPOINT`, else production.
    public static func resolve(explicit: String? = nil, environment: [String: String]) throws(StoreError) -> TransferEndpoint {
        guard let text = explicit?.nonEmpty ?? environment[environmentVariable]?.nonEmpty else { return .production }
        return try parse(text)
    }

    /// `https://host[:port]`, `http://127.0.0.1:port` (loopback only); a trailing `/v1` is dropped.
    public static func parse(_ text: String) throws(StoreError) -> TransferEndpoint {
        var text = text.trimmingCharacters(in: .whitespaces)
        while text.hasSuffix("/") { text.removeLast() }
        if text.hasSuffix("/v1") { text.removeLast("/v1".count) }
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              url.host?.isEmpty == false else {
            throw .invalid(bucket: nil, object: nil,
                           detail: "\(environmentVariable) '\(text)' is not an http(s) URL with a host")
        }
        let loopback = GCSEndpoint.isLoopback(url)
        if scheme == "http", !loopback {
            throw .invalid(bucket: nil, object: nil,
                           detail: "\(environmentVariable) '\(text)' is plain http on a host that is not loopback: "
                               + "use https (a token would travel in clear text)")
        }
        return TransferEndpoint(baseURL: url, isTestServer: loopback)
    }
}
