import Foundation

/// The HTTP transport decant uses unless a caller passes its own.
public enum HTTPTransports {
    /// libcurl's multi interface (`CurlMultiTransport`); `DECANT_HTTP=urlsession`
    /// switches back to Foundation's URLSession (`URLSessionTransport`).
    public static func standard(maxConnectionsPerHost: Int = 128,
                                environment: [String: String] = ProcessInfo.processInfo.environment) -> any HTTPTransport {
        if environment["DECANT_HTTP"]?.lowercased() == "urlsession" {
            return URLSessionTransport(maxConnectionsPerHost: maxConnectionsPerHost)
        }
        return CurlMultiTransport(maxConnectionsPerHost: maxConnectionsPerHost)
    }
}
