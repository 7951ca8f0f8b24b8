import DecantCore
import Foundation

/// Posts to an OAuth / STS / IAM token endpoint and reads the token out of the
/// answer. Every error text is built here from the endpoint's host and path and
/// the `error` fields of its answer, scrubbed of the secrets given.
struct TokenEndpoint: Sendable {
    var url: URL
    var transport: any HTTPTransport
    var clock: any Clock
    /// Everything that must never reach an error text.
    var secrets: [String]

    var name: String { Redaction.safeURL(url) }

    /// Form fields whose values are credentials.
    static let secretFields: Set<String> = ["assertion", "refresh_token", "client_secret", "subject_token"]

    /// `application/x-www-form-urlencoded` POST (OAuth, STS).
    func postForm(_ fields: [(String, String)], headers: [String: String] = [:]) async throws(AuthError) -> AccessToken {
        var headers = headers
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        let body = Data(fields.map { "\(FormEncoding.encode($0.0))=\(FormEncoding.encode($0.1))" }.joined(separator: "&").utf8)
        // What this request carries is secret too (a signed assertion is made per request): an
        // endpoint that quotes the request back in its error must not make decant print it.
        var endpoint = self
        endpoint.secrets += fields.filter { Self.secretFields.contains($0.0) }.map(\.1)
        return try await endpoint.token(from: HTTPRequest(method: "POST", url: url, headers: headers, body: body, timeout: 30))
    }

    /// JSON POST (IAM credentials `generateAccessToken`).
    func postJSON(_ body: Data, headers: [String: String]) async throws(AuthError) -> AccessToken {
        var headers = headers
        headers["Content-Type"] = "application/json"
        return try await token(from: HTTPRequest(method: "POST", url: url, headers: headers, body: body, timeout: 30))
    }

    /// A GET (metadata server).
    func get(headers: [String: String], timeout: TimeInterval) async throws(AuthError) -> AccessToken {
        try await token(from: HTTPRequest(method: "GET", url: url, headers: headers, timeout: timeout))
    }

    func token(from request: HTTPRequest) async throws(AuthError) -> AccessToken {
        if request.body != nil || request.headers["Authorization"] != nil,
           let refusal = CredentialTransport.refusal(sending: "a credential", to: request.url) {
            throw .invalidCredentials(source: name, detail: refusal)
        }
        let response: HTTPResponse
        do {
            response = try await transport.send(request)
        } catch {
            throw .tokenRequestFailed(endpoint: name, status: nil, detail: scrub(error.description))
        }
        guard (200..<300).contains(response.status) else {
            throw .tokenRequestFailed(endpoint: name, status: response.status, detail: errorDetail(response.body))
        }
        guard let object = try? JSONSerialization.jsonObject(with: response.body) as? [String: Any] else {
            throw .tokenRequestFailed(endpoint: name, status: response.status, detail: "the answer is not a JSON object")
        }
        if let value = object["access_token"] as? String, !value.isEmpty {
            let seconds = (object["expires_in"] as? NSNumber)?.doubleValue
                ?? (object["expires_in"] as? String).flatMap(Double.init) ?? 3600
            return AccessToken(value: value, expiry: clock.now().addingTimeInterval(seconds))
        }
        if let value = object["accessToken"] as? String, !value.isEmpty {
            let expiry = (object["expireTime"] as? String).flatMap(Timestamp.parse) ?? clock.now().addingTimeInterval(3600)
            return AccessToken(value: value, expiry: expiry)
        }
        throw .tokenRequestFailed(endpoint: name, status: response.status, detail: "the answer holds no access token")
    }

    /// The `error`, `error_description` (OAuth) or `error.message` (Google APIs)
    /// of a refusal, scrubbed; never the raw body.
    func errorDetail(_ body: Data) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else {
            return "the answer is not JSON (\(body.count) bytes)"
        }
        var parts: [String] = []
        if let error = object["error"] as? String { parts.append(error) }
        if let error = object["error"] as? [String: Any] {
            if let status = error["status"] as? String { parts.append(status) }
            if let message = error["message"] as? String { parts.append(message) }
        }
        if let description = object["error_description"] as? String { parts.append(description) }
        let text = parts.isEmpty ? "no error message" : parts.joined(separator: ": ")
        return scrub(String(text.prefix(300)))
    }

    func scrub(_ text: String) -> String { Redaction.scrub(text, secrets: secrets) }
}

/// `application/x-www-form-urlencoded` values: everything but unreserved characters escaped.
enum FormEncoding {
    static let unreserved: CharacterSet = {
        var set = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        set.insert(charactersIn: "-._~")
        return set
    }()

    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }
}
