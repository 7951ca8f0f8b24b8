import DecantCore
import Foundation
import Testing
import TestSupport
@testable import DecantStorage

/// Safety invariant 7: no credential appears in any error, description or log
/// line. Every failure path fires with known secrets, and servers echo back
/// everything they were sent.
@Suite struct NoSecretInOutputTests {
    static let secret = "S3CR3T-d3c4nt-9f8e7d"

    /// Every way the value could be rendered.
    static func renderings(_ value: Any) -> [String] {
        var dumped = ""
        dump(value, to: &dumped)
        var out = [String(describing: value), String(reflecting: value), dumped]
        if let error = value as? any Error {
            out.append(error.localizedDescription)
            if let localized = error as? any LocalizedError { out.append(localized.errorDescription ?? "") }
        }
        return out
    }

    static func expectClean(_ value: Any, _ what: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        for text in renderings(value) {
            #expect(!text.contains(secret), "\(what) shows the secret: \(text)", sourceLocation: sourceLocation)
            #expect(!text.contains("d3c4nt-9f8e7d"), "\(what) shows part of the secret", sourceLocation: sourceLocation)
        }
    }

    /// A server that refuses everything and quotes the request back (form, body, headers).
    static func echoingServer(status: Int = 400) throws -> TestHTTPServer {
        try TestHTTPServer { request in
            let echo = (request.bodyText + " " + request.headers.values.joined(separator: " "))
                .replacingOccurrences(of: "\"", with: "'")
            return .json(status, #"{"error":"invalid_grant","error_description":"rejected \#(echo)","#
                         + #""message":"\#(echo)"}"#)
        }
    }

    @Test func everyAuthFailureIsScrubbed() async throws {
        let secret = NoSecretInOutputTests.secret
        let refusing = try NoSecretInOutputTests.echoingServer()
        defer { refusing.stop() }
        let notJSON = try TestHTTPServer { request in .respond(status: 500, headers: [:], body: request.body) }
        defer { notJSON.stop() }
        let googleStyle = try TestHTTPServer { request in
            .json(403, #"{"error":{"code":403,"status":"PERMISSION_DENIED","message":"caller \#(request.headers["authorization"] ?? "") denied"}}"#)
        }
        defer { googleStyle.stop() }
        let stsThenDenied = try TestHTTPServer { request in
            request.path == "/sts"
                ? .json(200, #"{"access_token":"fed-\#(secret)","expires_in":3600}"#)
                : .json(403, #"{"error":{"code":403,"message":"token \#(request.headers["authorization"] ?? "") denied"}}"#)
        }
        defer { stsThenDenied.stop() }
        let closed = try TestHTTPServer { _ in .drop }
        closed.stop()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let subject = try directory.write("subject.txt", secret)
        let transport = HTTPTransports.standard()

        var failures: [(String, Any)] = []
        func attempt(_ what: String, _ body: () async throws -> Void) async {
            do {
                try await body()
                Issue.record("\(what) did not fail")
            } catch {
                failures.append((what, error))
            }
        }
        func userFile(_ tokenURI: String, _ name: String) throws -> String {
            try TestCredentials.write(["type": "authorized_user", "client_id": "cid", "client_secret": secret,
                                       "refresh_token": secret, "token_uri": tokenURI], named: name, in: directory)
        }
        for (name, url) in [("refused", refusing.url), ("not-json", notJSON.url), ("closed", closed.url)] {
            let path = try userFile(url.absoluteString + "/token?key=\(secret)", "user-\(name).json")
            await attempt("authorized_user, \(name)") {
                _ = try await GoogleCredentials.provider(credentialsFile: path, transport: transport).accessToken()
            }
        }
        let badKey = try TestCredentials.write([
            "type": "service_account", "client_email": "x@y", "private_key": "-----BEGIN PRIVATE KEY-----\n\(secret)\n",
            "token_uri": refusing.url.absoluteString], named: "sa.json", in: directory)
        await attempt("service_account with a bad key") { _ = try GoogleCredentials.provider(credentialsFile: badKey) }
        let key = try TestCredentials.rsaPrivateKeyPEM()
        let refusedSA = try TestCredentials.write([
            "type": "service_account", "client_email": "x@y", "private_key": key,
            "token_uri": refusing.url.absoluteString], named: "sa-refused.json", in: directory)
        await attempt("service_account refused") {
            _ = try await GoogleCredentials.provider(credentialsFile: refusedSA, transport: transport).accessToken()
        }
        let notAFile = try directory.write("broken.json", "{ \"type\": \"authorized_user\", \"refresh_token\": \"\(secret)")
        await attempt("a credential file that is not JSON") {
            _ = try GoogleCredentials.provider(credentialsFile: notAFile.path)
        }
        let federated = try TestCredentials.write([
            "type": "external_account", "audience": "a", "subject_token_type": "jwt",
            "token_url": refusing.url.absoluteString + "/sts", "client_id": "c", "client_secret": secret,
            "credential_source": ["file": subject.path]], named: "ext.json", in: directory)
        await attempt("STS refusing the subject token") {
            _ = try await GoogleCredentials.provider(credentialsFile: federated, transport: transport).accessToken()
        }
        let impersonation = try TestCredentials.write([
            "type": "external_account", "audience": "a", "subject_token_type": "jwt",
            "token_url": stsThenDenied.url.absoluteString + "/sts",
            "service_account_impersonation_url": stsThenDenied.url.absoluteString + "/impersonate",
            "credential_source": ["file": subject.path]], named: "ext-imp.json", in: directory)
        await attempt("impersonation refusing the federated token") {
            _ = try await GoogleCredentials.provider(credentialsFile: impersonation, transport: transport).accessToken()
        }
        let urlSource = try TestCredentials.write([
            "type": "external_account", "audience": "a", "subject_token_type": "jwt",
            "token_url": googleStyle.url.absoluteString + "/sts",
            "credential_source": ["url": closed.url.absoluteString + "/subject?token=\(secret)"]],
            named: "ext-url.json", in: directory)
        await attempt("an unreachable subject token URL") {
            _ = try await GoogleCredentials.provider(credentialsFile: urlSource, transport: transport).accessToken()
        }
        let metadata = try GoogleCredentials.discover(
            environment: ["HOME": directory.path, "GCE_METADATA_HOST": "127.0.0.1:\(googleStyle.port)"], transport: transport)
        await attempt("the metadata server refusing") { _ = try await metadata.accessToken() }

        // GCS refusing a token and quoting it back.
        let gcs = GCSStore(endpoint: GCSEndpoint(baseURL: googleStyle.url, isEmulator: false),
                           tokens: StaticTokenProvider(token: secret), transport: transport, retry: .none)
        await attempt("GCS refusing the token") { _ = try await gcs.getBucket("bucket") }
        let unreachable = GCSStore(endpoint: GCSEndpoint(baseURL: closed.url, isEmulator: false),
                                   tokens: StaticTokenProvider(token: secret), transport: transport, retry: .none)
        await attempt("GCS unreachable") { _ = try await unreachable.headObject("b", "o", generation: nil) }
        let failingTokens = GCSStore(endpoint: GCSEndpoint(baseURL: googleStyle.url, isEmulator: false),
                                     tokens: try GoogleCredentials.provider(credentialsFile: userFile(refusing.url.absoluteString, "u.json"),
                                                                            transport: transport),
                                     transport: transport, retry: .none)
        await attempt("GCS without a token") { _ = try await failingTokens.getBucket("bucket") }

        #expect(failures.count == 13)
        let basic = Data("c:\(secret)".utf8).base64EncodedString()
        for (what, error) in failures {
            NoSecretInOutputTests.expectClean(error, what)
            #expect(!String(describing: error).contains(basic), "\(what) shows the Basic credential")
        }
        // The servers did receive the secret: the checks above are not vacuous.
        #expect(refusing.requests.current.contains { $0.bodyText.contains(secret) })
        #expect(googleStyle.requests.current.contains { $0.headers["authorization"]?.contains(secret) == true })
    }

    @Test func tokensAndRequestsNeverShowThemselves() throws {
        let secret = NoSecretInOutputTests.secret
        let token = AccessToken(value: secret, expiry: Date())
        NoSecretInOutputTests.expectClean(token, "AccessToken")
        NoSecretInOutputTests.expectClean(StaticTokenProvider(token: secret), "StaticTokenProvider")
        let url = try #require(URL(string: "https://oauth2.googleapis.com/token?assertion=\(secret)"))
        let request = HTTPRequest(method: "POST", url: url, headers: ["Authorization": "Bearer \(secret)"],
                                  body: Data("refresh_token=\(secret)".utf8))
        NoSecretInOutputTests.expectClean(request, "HTTPRequest")
    }

    /// A token endpoint that quotes the request back made decant print the signed
    /// assertion of a service account (issue 14, defect 9): a secret made for the
    /// request, so it was not among the secrets known in advance.
    @Test func aTokenEndpointEchoingTheSignedAssertionDoesNotMakeDecantPrintIt() async throws {
        let echoing = try NoSecretInOutputTests.echoingServer()
        defer { echoing.stop() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = try TestCredentials.write([
            "type": "service_account", "client_email": "x@y", "private_key": try TestCredentials.rsaPrivateKeyPEM(),
            "token_uri": echoing.url.absoluteString], named: "sa.json", in: directory)
        do {
            _ = try await GoogleCredentials.provider(credentialsFile: file, transport: HTTPTransports.standard()).accessToken()
            Issue.record("the refusing endpoint gave a token")
        } catch {
            let body = try #require(echoing.requests.current.first?.bodyText)
            let assertion = try #require(body.split(separator: "&").first { $0.hasPrefix("assertion=") }?.dropFirst("assertion=".count))
            #expect(assertion.count > 100, "the server saw the assertion")
            for text in NoSecretInOutputTests.renderings(error) {
                #expect(!text.contains(assertion.prefix(40)) && !text.contains(assertion.suffix(40)),
                        "the error shows the signed assertion: \(text)")
                #expect(!text.contains("eyJ"), "the error shows a JSON Web Token: \(text)")
            }
        }
    }

    /// A bearer token never goes in clear text to another host (issue 14, defect 9):
    /// refused before any request, naming the endpoint. `0.0.0.0` reaches this
    /// machine's server without being a loopback name, as a remote host would be.
    @Test func noBearerTokenOverPlainHTTPToAnotherHost() async throws {
        let secret = NoSecretInOutputTests.secret
        let server = try TestHTTPServer { _ in .json(200, #"{"name":"bucket","metageneration":"1"}"#) }
        defer { server.stop() }
        let remote = try #require(URL(string: "http://0.0.0.0:\(server.port)"))
        let store = GCSStore(endpoint: GCSEndpoint(baseURL: remote, isEmulator: false), tokens: StaticTokenProvider(token: secret),
                             transport: HTTPTransports.standard(), retry: .none)
        await #expect(throws: StoreError.self) { _ = try await store.getBucket("bucket") }
        do {
            _ = try await store.getBucket("bucket")
        } catch {
            #expect(error.errorDescription?.contains("refusing to send a Google access token over plain http to http://0.0.0.0:\(server.port)") == true,
                    "\(error)")
        }
        #expect(server.requests.current.allSatisfy { $0.headers["authorization"] == nil }, "the token was sent over plain http")

        // Wired from a plan's endpoint, the refusal comes before anything is asked of anyone.
        #expect {
            _ = try GCSStore.fromEnvironment(endpoint: remote.absoluteString, environment: ["GOOGLE_OAUTH_ACCESS_TOKEN": secret])
        } throws: { error in
            (error as? StoreError)?.errorDescription?.contains("refusing to send Google credentials over plain http to http://0.0.0.0:\(server.port)") == true
        }
        // A loopback endpoint (an emulator or a test server) and https stay allowed.
        let local = GCSStore(endpoint: GCSEndpoint(baseURL: server.url, isEmulator: false), tokens: StaticTokenProvider(token: secret),
                             transport: HTTPTransports.standard(), retry: .none)
        _ = try await local.getBucket("bucket")
        #expect(server.requests.current.contains { $0.headers["authorization"] == "Bearer \(secret)" })
    }
}
