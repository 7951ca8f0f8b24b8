import DecantCore
import Foundation

/// One JSON API call, and what retrying it needs to know.
struct GCSCall: Sendable {
    var method: String
    var path: String
    var query: [(String, String)] = []
    var body: Data?
    var contentType: String?
    /// Safe to send twice: a GET, a call with a generation or metageneration
    /// precondition, or a delete of a named thing.
    var idempotent: Bool
    var bucket: String?
    var object: String?
    /// What a 404 is about, when not `bucket`/`object` (a copy's source).
    var missing: (bucket: String, object: String?)?
    /// Statuses that mean "already done" when seen on a retry (a retried delete
    /// whose first attempt succeeded gets 404).
    var doneOnRetry: Set<Int> = []
}

/// Sends calls with auth, retries and error mapping (GCS.md §Rates and retries).
struct GCSClient: Sendable {
    var endpoint: GCSEndpoint
    var transport: any HTTPTransport
    var tokens: (any TokenProvider)?
    var retry: RetryPolicy
    var observer: (@Sendable (GCSEvent) -> Void)?
    /// Shared by every call of the store: a dead endpoint fails them all at once.
    /// Nil: each call retries on its own budget only (the transfer client, which polls).
    var health: EndpointHealth?

    /// A failed attempt: the error, whether the server may have acted, its
    /// `Retry-After`, and whether the endpoint gave no HTTP answer at all.
    private struct Failure: Error {
        var error: StoreError
        var wasSent: Bool
        var retryAfter: Double?
        /// The endpoint gave no HTTP answer (no connection, a reset, a timeout).
        var noAnswer = false
        /// The endpoint answered 429 or 5xx.
        var busy = false
        /// In a few words, for the endpoint's health verdict ("cannot connect", "HTTP 503").
        var reason = ""
    }

    /// The 2xx response of `call`, after retrying what may be retried. Transient
    /// failures of calls that never reached the server (no connection, no token
    /// yet) are retried whatever the call; others only when it is idempotent.
    func execute(_ call: GCSCall) async throws(StoreError) -> HTTPResponse {
        let started = DispatchTime.now().uptimeNanoseconds
        var attempt = 0
        var refreshedToken = false
        while true {
            try health?.check()
            attempt += 1
            let failure: Failure
            do throws(Failure) {
                let (response, token) = try await send(call)
                if response.status != 429 && response.status < 500 { health?.answered() }
                if (200..<300).contains(response.status) { return response }
                if attempt > 1, call.doneOnRetry.contains(response.status) { return response }
                if response.status == 401, let tokens, !refreshedToken {
                    // A token the server no longer takes: fetch a new one, once. The
                    // call was refused, not executed, so this is safe for any call.
                    refreshedToken = true
                    await tokens.invalidate()
                    attempt -= 1
                    continue
                }
                // A 429 is a refusal by the rate limiter: the call was not carried out,
                // so even a non-idempotent one (a bucket insert) may be sent again.
                failure = Failure(error: GCSErrors.map(response, call: call, token: token, attempt: attempt),
                                  wasSent: response.status != 429, retryAfter: response.header("retry-after").flatMap(Double.init),
                                  busy: response.status == 429 || response.status >= 500, reason: "HTTP \(response.status)")
            } catch {
                failure = error
            }
            if failure.noAnswer || failure.busy,
               let down = health?.failed(connection: failure.noAnswer, detail: failure.reason) {
                throw down
            }
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
            guard failure.error.isRetryable, call.idempotent || !failure.wasSent,
                  retry.allowsAnotherAttempt(after: attempt, elapsed: elapsed) else {
                throw failure.error
            }
            let delay = retry.delay(afterAttempt: attempt, retryAfter: failure.retryAfter)
            observer?(.retrying(method: call.method, attempt: attempt, maxAttempts: retry.maxAttempts, delay: delay, error: failure.error))
            if let health { await health.sleep { await retry.sleep(delay) } } else { await retry.sleep(delay) }
        }
    }

    private func send(_ call: GCSCall) async throws(Failure) -> (HTTPResponse, String?) {
        guard let url = GCSPath.url(base: endpoint.baseURL, path: call.path, query: call.query) else {
            throw Failure(error: .invalid(bucket: call.bucket, object: call.object, detail: "cannot build a URL for the call"),
                          wasSent: false)
        }
        var headers: [String: String] = [:]
        var token: String?
        if let tokens, !endpoint.isEmulator {
            if let refusal = CredentialTransport.refusal(sending: "a Google access token", to: url) {
                throw Failure(error: .permissionDenied(bucket: call.bucket, object: call.object, detail: refusal), wasSent: false)
            }
            do throws(AuthError) {
                token = try await tokens.accessToken().value
            } catch {
                let text = error.errorDescription ?? "no token"
                throw Failure(error: error.isRetryable
                                ? .transient(bucket: call.bucket, object: call.object, detail: text)
                                : .permissionDenied(bucket: call.bucket, object: call.object, detail: text),
                              wasSent: false)
            }
            headers["Authorization"] = "Bearer " + (token ?? "")
        }
        if let contentType = call.contentType { headers["Content-Type"] = contentType }
        let request = HTTPRequest(method: call.method, url: url, headers: headers, body: call.body)
        do throws(HTTPTransportError) {
            return (try await transport.send(request), token)
        } catch {
            let detail = Redaction.scrub(error.description, secrets: token.map { [$0] } ?? [])
            let storeError: StoreError = .transient(bucket: call.bucket, object: call.object, detail: detail)
            throw Failure(error: storeError, wasSent: error.wasSent, noAnswer: true, reason: error.kind)
        }
    }
}

/// HTTP statuses to `StoreError` (GCS.md: 404, 412, 409, 429, 5xx, 401/403, 400).
enum GCSErrors {
    static func map(_ response: HTTPResponse, call: GCSCall, token: String?, attempt: Int) -> StoreError {
        var detail = "HTTP \(response.status)"
        if let body = try? JSONDecoder().decode(GCSErrorJSON.self, from: response.body), let error = body.error {
            let reason = error.errors?.first?.reason.map { "\($0): " } ?? ""
            detail += ": " + reason + (error.message ?? "")
        }
        if attempt > 1 { detail += " (on attempt \(attempt): an earlier attempt may have succeeded)" }
        detail = Redaction.scrub(String(detail.prefix(400)), secrets: token.map { [$0] } ?? [])
        let bucket = call.bucket, object = call.object
        switch response.status {
        case 404: return .notFound(bucket: call.missing?.bucket ?? bucket ?? "", object: call.missing?.object ?? object)
        case 412: return .preconditionFailed(bucket: bucket ?? "", object: object, detail: detail)
        case 409: return .conflict(bucket: bucket ?? "", object: object, detail: detail)
        case 429: return .rateLimited(bucket: bucket, object: object, detail: detail)
        case 408, 500...599: return .transient(bucket: bucket, object: object, detail: detail)
        case 401, 403: return .permissionDenied(bucket: bucket, object: object, detail: detail)
        default: return .invalid(bucket: bucket, object: object, detail: detail)
        }
    }
}
