import Foundation

/// Where the GCS JSON API is, and whether it is an emulator (which needs no token).
public struct GCSEndpoint: Hashable, Sendable {
    /// The base URL, without `/storage/v1` (`https://storage.googleapis.com`).
    public var baseURL: URL
    /// An emulator: requests carry no `Authorization` header.
    public var isEmulator: Bool

    /// (The literal always parses; the fallback only avoids a force-unwrap.)
    public static let production = GCSEndpoint(
        baseURL: URL(string: "https://storage.googleapis.com") ?? URL(fileURLWithPath: "/"), isEmulator: false)

    public init(baseURL: URL, isEmulator: Bool) {
        self.baseURL = baseURL
        self.isEmulator = isEmulator
    }

    /// Resolves the endpoint: `explicit` (the plan's `storage.endpoint`), else
    /// `DECANT_GCS_ENDPOINT`, else `STORAGE_EMULATOR_HOST` (`http://host:port` or
    /// `host:port`, as the official clients read it; always an emulator), else
    /// production. An endpoint on a loopback address is taken for an emulator.
    public static func resolve(explicit: String? = nil, environment: [String: String]) throws(StoreError) -> GCSEndpoint {
        if let text = explicit?.nonEmpty ?? environment["DECANT_GCS_ENDPOINT"]?.nonEmpty {
            let url = try parse(text)
            return GCSEndpoint(baseURL: url, isEmulator: isLoopback(url))
        }
        if let host = environment["STORAGE_EMULATOR_HOST"]?.nonEmpty {
            return GCSEndpoint(baseURL: try parse(host), isEmulator: true)
        }
        return .production
    }

    /// `http://host:port`, `host:port` (http assumed) or a URL ending in `/storage/v1`.
    public static func parse(_ text: String) throws(StoreError) -> URL {
        var text = text.trimmingCharacters(in: .whitespaces)
        if !text.contains("://") { text = "http://" + text }
        while text.hasSuffix("/") { text.removeLast() }
        if text.hasSuffix("/storage/v1") { text.removeLast("/storage/v1".count) }
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              url.host != nil else {
            throw .invalid(bucket: nil, object: nil, detail: "storage endpoint '\(text)' is not an http(s) URL")
        }
        return url
    }

    static func isLoopback(_ url: URL) -> Bool {
        guard let host = url.host?.lowercased() else { return false }
        return host == "localhost" || host.hasPrefix("127.") || host == "::1" || host == "[::1]"
    }
}

extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}
