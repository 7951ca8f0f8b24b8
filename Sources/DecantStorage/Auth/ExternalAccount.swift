import DecantCore
import Foundation

/// `external_account` (workload identity federation, what CI uses): a subject
/// token from a file or URL, exchanged at STS, then optionally for a service
/// account's token through `service_account_impersonation_url`.
enum ExternalAccount {
    static func fetch(_ file: CredentialFile, transport: any HTTPTransport, clock: any Clock) throws(AuthError)
        -> CachingTokenProvider.Fetch {
        let audience = try file.string("audience")
        let subjectTokenType = try file.string("subject_token_type")
        let stsURL = try file.url("token_url", default: "https://sts.googleapis.com/v1/token")
        let impersonation = try file.optionalURL("service_account_impersonation_url")
        let lifetime = (file.object("service_account_impersonation")?["token_lifetime_seconds"] as? NSNumber)?.intValue ?? 3600
        let userProject = file.optionalString("workforce_pool_user_project")
        let clientID = file.optionalString("client_id")
        let clientSecret = file.optionalString("client_secret")
        let subject = try SubjectTokenSource(file, transport: transport)
        let source = file.source
        return { () async throws(AuthError) -> AccessToken in
            let subjectToken = try await subject.read()
            var secrets = [subjectToken]
            var basic: String?
            if let clientID, let clientSecret {
                let credential = Data("\(clientID):\(clientSecret)".utf8).base64EncodedString()
                basic = credential
                secrets += [clientSecret, credential]
            }
            var fields = [("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange"), ("audience", audience),
                          ("scope", CredentialSources.scope),
                          ("requested_token_type", "urn:ietf:params:oauth:token-type:access_token"),
                          ("subject_token", subjectToken), ("subject_token_type", subjectTokenType)]
            if let userProject, clientID == nil {
                fields.append(("options", JSONValue.object([("userProject", .string(userProject))]).serialized))
            }
            var headers: [String: String] = [:]
            if let basic { headers["Authorization"] = "Basic " + basic }
            let sts = TokenEndpoint(url: stsURL, transport: transport, clock: clock, secrets: secrets)
            let federated = try await sts.postForm(fields, headers: headers)
            guard let impersonation else { return federated }
            let iam = TokenEndpoint(url: impersonation, transport: transport, clock: clock,
                                    secrets: secrets + [federated.value])
            let body: JSONValue = .object([("scope", .array([.string(CredentialSources.scope)])),
                                           ("lifetime", .string("\(lifetime)s"))])
            do throws(AuthError) {
                return try await iam.postJSON(body.data, headers: ["Authorization": "Bearer " + federated.value])
            } catch {
                if case .tokenRequestFailed(_, let status?, _) = error, status == 401 || status == 403 {
                    throw .tokenRequestFailed(endpoint: iam.name, status: status,
                                              detail: "\(source): impersonation refused; does the federated identity "
                                                + "have roles/iam.serviceAccountTokenCreator?")
                }
                throw error
            }
        }
    }
}

/// `credential_source`: a file or a URL holding the subject token, as text or as
/// a field of a JSON document.
struct SubjectTokenSource: Sendable {
    enum Location: Sendable {
        case file(String)
        case url(URL, headers: [String: String])
    }
    var location: Location
    /// Nil: the whole content (trimmed) is the token.
    var jsonField: String?
    var transport: any HTTPTransport

    init(_ file: CredentialFile, transport: any HTTPTransport) throws(AuthError) {
        self.transport = transport
        guard let source = file.object("credential_source") else {
            throw .invalidCredentials(source: file.source, detail: "credential_source is missing")
        }
        if source["executable"] != nil {
            throw .unsupported(source: file.source, detail: "executable-sourced credentials")
        }
        if source["environment_id"] != nil {
            throw .unsupported(source: file.source, detail: "AWS-sourced credentials (environment_id)")
        }
        if let path = source["file"] as? String {
            location = .file(path)
        } else if let text = source["url"] as? String, let url = URL(string: text) {
            location = .url(url, headers: source["headers"] as? [String: String] ?? [:])
        } else {
            throw .invalidCredentials(source: file.source, detail: "credential_source has neither file nor url")
        }
        let format = source["format"] as? [String: Any]
        switch format?["type"] as? String ?? "text" {
        case "text": jsonField = nil
        case "json":
            guard let field = format?["subject_token_field_name"] as? String else {
                throw .invalidCredentials(source: file.source, detail: "format json needs subject_token_field_name")
            }
            jsonField = field
        case let other:
            throw .unsupported(source: file.source, detail: "credential_source format '\(other)'")
        }
    }

    var name: String {
        switch location {
        case .file(let path): return path
        case .url(let url, _): return Redaction.safeURL(url)
        }
    }

    func read() async throws(AuthError) -> String {
        let content: Data
        switch location {
        case .file(let path):
            guard let data = FileManager.default.contents(atPath: path) else {
                throw .invalidCredentials(source: name, detail: "the subject token file cannot be read")
            }
            content = data
        case let .url(url, headers):
            let response: HTTPResponse
            do {
                response = try await transport.send(HTTPRequest(method: "GET", url: url, headers: headers, timeout: 30))
            } catch {
                throw .tokenRequestFailed(endpoint: name, status: nil, detail: "the subject token could not be fetched")
            }
            guard (200..<300).contains(response.status) else {
                throw .tokenRequestFailed(endpoint: name, status: response.status,
                                          detail: "the subject token could not be fetched")
            }
            content = response.body
        }
        let token: String?
        if let jsonField {
            let object = try? JSONSerialization.jsonObject(with: content) as? [String: Any]
            token = object?[jsonField] as? String
        } else {
            token = String(decoding: content, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        guard let token, !token.isEmpty else {
            throw .invalidCredentials(source: name, detail: jsonField.map { "no '\($0)' field holds a subject token" }
                                        ?? "the subject token is empty")
        }
        return token
    }
}
