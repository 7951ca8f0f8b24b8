import DecantCore
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `HTTPTransport` over one shared `URLSession`: keep-alive connections, up to
/// `maxConnectionsPerHost` of them per host (wide task groups), no cache, no cookies.
public final class URLSessionTransport: HTTPTransport {
    private let session: URLSession

    /// - Parameters:
    ///   - maxConnectionsPerHost: connections kept open to one host (GCS calls are
    ///     latency-bound: concurrency decides throughput).
    ///   - requestTimeout: seconds without data before a request times out.
    ///   - resourceTimeout: seconds a whole request (a large download) may take.
    public init(maxConnectionsPerHost: Int = 64, requestTimeout: TimeInterval = 60, resourceTimeout: TimeInterval = 3600) {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = maxConnectionsPerHost
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.httpCookieStorage = nil
        configuration.httpShouldSetCookies = false
        configuration.timeoutIntervalForRequest = requestTimeout
        configuration.timeoutIntervalForResource = resourceTimeout
        session = URLSession(configuration: configuration)
    }

    deinit { session.finishTasksAndInvalidate() }

    public func send(_ request: HTTPRequest) async throws(HTTPTransportError) -> HTTPResponse {
        var urlRequest = URLRequest(url: request.url)
        urlRequest.httpMethod = request.method
        for (name, value) in request.headers { urlRequest.setValue(value, forHTTPHeaderField: name) }
        urlRequest.httpBody = request.body
        if let timeout = request.timeout { urlRequest.timeoutInterval = timeout }
        do {
            let (data, response) = try await session.data(for: urlRequest)
            guard let http = response as? HTTPURLResponse else {
                throw HTTPTransportError.other("not an HTTP response from \(Redaction.safeURL(request.url))")
            }
            var headers: [String: String] = [:]
            for (key, value) in http.allHeaderFields {
                if let key = key as? String, let value = value as? String { headers[key.lowercased()] = value }
            }
            return HTTPResponse(status: http.statusCode, headers: headers, body: data)
        } catch let error as HTTPTransportError {
            throw error
        } catch {
            throw URLSessionTransport.classify(error, url: request.url)
        }
    }

    /// Maps URLSession's errors onto what retrying needs to know; the message names
    /// the host and path only (a query string could carry a secret).
    static func classify(_ error: any Error, url: URL) -> HTTPTransportError {
        let at = Redaction.safeURL(url)
        guard let urlError = error as? URLError else { return .other("\(at): request failed") }
        let detail = "\(at): URLError \(urlError.code.rawValue)"
        switch urlError.code {
        case .cannotConnectToHost, .cannotFindHost, .dnsLookupFailed, .notConnectedToInternet:
            return .cannotConnect(detail)
        case .networkConnectionLost, .badServerResponse, .cannotParseResponse, .zeroByteResource,
             .secureConnectionFailed:
            return .connectionLost(detail)
        case .timedOut:
            return .timedOut(detail)
        default:
            return .other(detail)
        }
    }
}
