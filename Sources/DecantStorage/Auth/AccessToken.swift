import DecantCore
import Foundation

/// An OAuth access token. It never shows itself: its description, debug
/// description and mirror say only when it expires.
public struct AccessToken: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public let value: String
    /// Nil for a token of unknown lifetime (`GOOGLE_OAUTH_ACCESS_TOKEN`).
    public let expiry: Date?

    public init(value: String, expiry: Date?) {
        self.value = value
        self.expiry = expiry
    }

    public var description: String {
        expiry.map { "AccessToken(\(Redaction.mask), expires \($0))" } ?? "AccessToken(\(Redaction.mask))"
    }

    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["value": Redaction.mask, "expiry": expiry as Any]) }
}

/// Where `GCSStore` gets the bearer token for each request.
public protocol TokenProvider: Sendable {
    /// A token valid for a while yet (cached and refreshed before it expires).
    func accessToken() async throws(AuthError) -> AccessToken
    /// Drops the cached token (the server refused it); the next call fetches anew.
    func invalidate() async
    /// What the token comes from, for messages (never a secret).
    var source: String { get }
}

/// Why no token could be had. Every text in it went through `Redaction`: no
/// token, refresh token, key or subject token ever appears in it.
public enum AuthError: Error, Hashable, Sendable, LocalizedError {
    /// Nothing to authenticate with; lists where decant looked.
    case noCredentials(tried: [String])
    /// A credential file or source that cannot be used as it is.
    case invalidCredentials(source: String, detail: String)
    /// A token endpoint refused or failed (`status` nil: no HTTP answer).
    case tokenRequestFailed(endpoint: String, status: Int?, detail: String)
    /// A kind of credential decant does not implement.
    case unsupported(source: String, detail: String)

    public var errorDescription: String? {
        switch self {
        case .noCredentials(let tried):
            return "no Google credentials found (looked at: \(tried.joined(separator: "; "))); "
                + "run `gcloud auth application-default login`, set GOOGLE_APPLICATION_CREDENTIALS "
                + "or GOOGLE_OAUTH_ACCESS_TOKEN"
        case let .invalidCredentials(source, detail):
            return "credentials from \(source) cannot be used: \(detail)"
        case let .tokenRequestFailed(endpoint, status, detail):
            let answer = status.map { "HTTP \($0)" } ?? "no answer"
            return "token request to \(endpoint) failed (\(answer)): \(detail)"
        case let .unsupported(source, detail):
            return "credentials from \(source) are not supported: \(detail)"
        }
    }

    /// Worth trying again later (the endpoint was unreachable, busy or failing).
    public var isRetryable: Bool {
        guard case let .tokenRequestFailed(_, status, _) = self else { return false }
        guard let status else { return true }
        return status == 408 || status == 429 || status >= 500
    }
}
