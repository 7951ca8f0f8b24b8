import DecantCore
import Foundation

/// Caches a token and refreshes it `margin` seconds before it expires, one
/// refresh at a time: concurrent callers during a refresh wait for that one.
public actor CachingTokenProvider: TokenProvider {
    public typealias Fetch = @Sendable () async throws(AuthError) -> AccessToken

    public nonisolated let source: String
    private let fetch: Fetch
    private let clock: any Clock
    private let margin: TimeInterval
    private var cached: AccessToken?
    private var refreshing: Task<Result<AccessToken, AuthError>, Never>?
    /// Number of fetches made (tests check that refreshes are shared).
    public private(set) var fetchCount = 0

    public init(source: String, clock: any Clock = SystemClock(), margin: TimeInterval = 300, fetch: @escaping Fetch) {
        self.source = source
        self.fetch = fetch
        self.clock = clock
        self.margin = margin
    }

    public func accessToken() async throws(AuthError) -> AccessToken {
        if let cached, isFresh(cached) { return cached }
        if let refreshing { return try await refreshing.value.get() }
        fetchCount += 1
        let fetch = fetch
        let task = Task { () async -> Result<AccessToken, AuthError> in
            do throws(AuthError) {
                return .success(try await fetch())
            } catch {
                return .failure(error)
            }
        }
        refreshing = task
        let result = await task.value
        refreshing = nil
        if case .success(let token) = result { cached = token }
        return try result.get()
    }

    public func invalidate() { cached = nil }

    private func isFresh(_ token: AccessToken) -> Bool {
        guard let expiry = token.expiry else { return true }
        return expiry.timeIntervalSince(clock.now()) > margin
    }
}

/// A fixed token (`GOOGLE_OAUTH_ACCESS_TOKEN`): never refreshed.
public struct StaticTokenProvider: TokenProvider {
    private let token: AccessToken
    public let source: String

    public init(token: String, source: String = "GOOGLE_OAUTH_ACCESS_TOKEN") {
        self.token = AccessToken(value: token, expiry: nil)
        self.source = source
    }

    public func accessToken() async throws(AuthError) -> AccessToken { token }
    public func invalidate() async {}
}
