import DecantCore
import Foundation
import Testing
import TestSupport
@testable import DecantStorage

/// Each credential type against a token server of the test's own.
@Suite struct TokenExchangeTests {
    static func tokenAnswer(_ token: String, expiresIn: Int = 3599) -> TestHTTPServer.Reply {
        .json(200, #"{"access_token":"\#(token)","expires_in":\#(expiresIn),"token_type":"Bearer"}"#)
    }

    @Test func authorizedUserUsesTheRefreshTokenGrant() async throws {
        let server = try TestHTTPServer { request in
            request.path == "/token" ? TokenExchangeTests.tokenAnswer("ya29.user") : .json(404, "{}")
        }
        defer { server.stop() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try TestCredentials.write([
            "type": "authorized_user", "client_id": "cid.apps.googleusercontent.com", "client_secret": "csecret",
            "refresh_token": "1//refresh", "token_uri": server.url.absoluteString + "/token",
        ], in: directory)
        let provider = try GoogleCredentials.provider(credentialsFile: path, transport: HTTPTransports.standard())
        #expect(try await provider.accessToken().value == "ya29.user")
        let form = try #require(server.requests.current.first).form
        #expect(form == ["grant_type": "refresh_token", "client_id": "cid.apps.googleusercontent.com",
                         "client_secret": "csecret", "refresh_token": "1//refresh"])
        #expect(server.requests.current.first?.headers["content-type"] == "application/x-www-form-urlencoded")
    }

    @Test func serviceAccountSignsAJWTAssertion() async throws {
        let key = try TestCredentials.rsaPrivateKeyPEM()
        let server = try TestHTTPServer { _ in TokenExchangeTests.tokenAnswer("ya29.sa") }
        defer { server.stop() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let tokenURI = server.url.absoluteString + "/token"
        let path = try TestCredentials.write([
            "type": "service_account", "client_email": "decant@project.iam.gserviceaccount.com",
            "private_key": key, "private_key_id": "kid-1", "token_uri": tokenURI,
        ], in: directory)
        let clock = MutableClock()
        let provider = try GoogleCredentials.provider(credentialsFile: path, transport: HTTPTransports.standard(), clock: clock)
        #expect(try await provider.accessToken().value == "ya29.sa")
        let form = try #require(server.requests.current.first).form
        #expect(form["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer")
        let assertion = try #require(form["assertion"])
        let header = try TestCredentials.header(ofJWT: assertion)
        #expect(header["alg"] as? String == "RS256")
        #expect(header["kid"] as? String == "kid-1")
        let claims = try TestCredentials.claims(ofJWT: assertion)
        let now = Int(clock.now().timeIntervalSince1970)
        #expect(claims["iss"] as? String == "decant@project.iam.gserviceaccount.com")
        #expect(claims["aud"] as? String == tokenURI)
        #expect(claims["scope"] as? String == "https://www.googleapis.com/auth/cloud-platform")
        #expect(claims["iat"] as? Int == now)
        #expect(claims["exp"] as? Int == now + 3600)
    }

    @Test func externalAccountExchangesAFileTokenThenImpersonates() async throws {
        let server = try TestHTTPServer { request in
            switch request.path {
            case "/sts": return TokenExchangeTests.tokenAnswer("federated-token")
            case "/impersonate":
                return .json(200, #"{"accessToken":"ya29.impersonated","expireTime":"2099-01-01T00:00:00Z"}"#)
            default: return .json(404, "{}")
            }
        }
        defer { server.stop() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let subject = try directory.write("oidc.json", #"{"id_token":"eyJ.oidc.token"}"#)
        let path = try TestCredentials.write([
            "type": "external_account",
            "audience": "//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/ci/providers/github",
            "subject_token_type": "urn:ietf:params:oauth:token-type:jwt",
            "token_url": server.url.absoluteString + "/sts",
            "service_account_impersonation_url": server.url.absoluteString + "/impersonate",
            "service_account_impersonation": ["token_lifetime_seconds": 1800],
            "credential_source": ["file": subject.path, "format": ["type": "json", "subject_token_field_name": "id_token"]],
        ], in: directory)
        let provider = try GoogleCredentials.provider(credentialsFile: path, transport: HTTPTransports.standard())
        let token = try await provider.accessToken()
        #expect(token.value == "ya29.impersonated")
        #expect(token.expiry == Timestamp.parse("2099-01-01T00:00:00Z"))
        let requests = server.requests.current
        #expect(requests.map(\.path) == ["/sts", "/impersonate"])
        #expect(requests[0].form == [
            "grant_type": "urn:ietf:params:oauth:grant-type:token-exchange",
            "audience": "//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/ci/providers/github",
            "scope": "https://www.googleapis.com/auth/cloud-platform",
            "requested_token_type": "urn:ietf:params:oauth:token-type:access_token",
            "subject_token": "eyJ.oidc.token", "subject_token_type": "urn:ietf:params:oauth:token-type:jwt",
        ])
        #expect(requests[1].headers["authorization"] == "Bearer federated-token")
        let body = try JSONSerialization.jsonObject(with: requests[1].body) as? [String: Any]
        #expect(body?["lifetime"] as? String == "1800s")
        #expect(body?["scope"] as? [String] == ["https://www.googleapis.com/auth/cloud-platform"])
    }

    @Test func externalAccountReadsATextTokenFromAURL() async throws {
        let server = try TestHTTPServer { request in
            switch request.path {
            case "/subject": return .respond(status: 200, headers: [:], body: Data("  url-subject-token\n".utf8))
            case "/sts": return TokenExchangeTests.tokenAnswer("ya29.federated")
            default: return .json(404, "{}")
            }
        }
        defer { server.stop() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try TestCredentials.write([
            "type": "external_account", "audience": "aud", "subject_token_type": "urn:ietf:params:oauth:token-type:id_token",
            "token_url": server.url.absoluteString + "/sts",
            "credential_source": ["url": server.url.absoluteString + "/subject", "headers": ["Metadata": "True"]],
        ], in: directory)
        let provider = try GoogleCredentials.provider(credentialsFile: path, transport: HTTPTransports.standard())
        #expect(try await provider.accessToken().value == "ya29.federated")
        let requests = server.requests.current
        #expect(requests[0].headers["metadata"] == "True")
        #expect(requests[1].form["subject_token"] == "url-subject-token")
    }

    @Test func metadataServerAndDiscoveryOrder() async throws {
        let server = try TestHTTPServer { request in
            guard request.path == "/computeMetadata/v1/instance/service-accounts/default/token",
                  request.headers["metadata-flavor"] == "Google" else { return .json(403, "{}") }
            return TokenExchangeTests.tokenAnswer("ya29.metadata")
        }
        defer { server.stop() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let host = "127.0.0.1:\(server.port)"
        let transport = HTTPTransports.standard()
        // Nothing else configured: the metadata server.
        let metadata = try GoogleCredentials.discover(
            environment: ["HOME": directory.path, "GCE_METADATA_HOST": host], transport: transport)
        #expect(try await metadata.accessToken().value == "ya29.metadata")
        // A static token wins over everything.
        let fixed = try GoogleCredentials.discover(
            environment: ["GOOGLE_OAUTH_ACCESS_TOKEN": "ya29.fixed", "GCE_METADATA_HOST": host], transport: transport)
        #expect(try await fixed.accessToken().value == "ya29.fixed")
        // The gcloud file, found through CLOUDSDK_CONFIG.
        let config = directory.path + "/gcloud-config"
        _ = try TestCredentials.write([
            "type": "authorized_user", "client_id": "c", "client_secret": "s", "refresh_token": "r",
            "token_uri": "http://\(host)/computeMetadata/v1/instance/service-accounts/default/token",
        ], named: "gcloud-config/application_default_credentials.json", in: directory)
        let adc = try GoogleCredentials.discover(environment: ["CLOUDSDK_CONFIG": config], transport: transport)
        #expect(adc.source.contains("authorized_user"))
        // GOOGLE_APPLICATION_CREDENTIALS wins over the gcloud file.
        let explicit = try TestCredentials.write(["type": "impersonated_service_account"], named: "other.json", in: directory)
        #expect(throws: AuthError.unsupported(source: explicit, detail: "credential type 'impersonated_service_account'")) {
            _ = try GoogleCredentials.discover(environment: ["CLOUDSDK_CONFIG": config,
                                                             "GOOGLE_APPLICATION_CREDENTIALS": explicit], transport: transport)
        }
    }

    @Test func noCredentialsSaysWhereItLooked() async throws {
        let closed = try TestHTTPServer { _ in .drop }
        closed.stop()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let provider = try GoogleCredentials.discover(
            environment: ["HOME": directory.path, "GCE_METADATA_HOST": "127.0.0.1:\(closed.port)"],
            transport: HTTPTransports.standard())
        await #expect { _ = try await provider.accessToken() } throws: { error in
            guard case AuthError.noCredentials(let tried) = error else { return false }
            return tried.contains { $0.contains("application_default_credentials.json") }
                && tried.contains { $0.contains("metadata server") }
        }
    }

    @Test func tokensAreCachedSharedAndRefreshedBeforeExpiry() async throws {
        let count = Locked(0)
        let server = try TestHTTPServer { _ in
            let n = count.withLock { $0 += 1; return $0 }
            usleep(50_000)
            return TokenExchangeTests.tokenAnswer("ya29.n\(n)", expiresIn: 3600)
        }
        defer { server.stop() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try TestCredentials.write([
            "type": "authorized_user", "client_id": "c", "client_secret": "s", "refresh_token": "r",
            "token_uri": server.url.absoluteString + "/token",
        ], in: directory)
        let clock = MutableClock()
        let provider = try GoogleCredentials.provider(credentialsFile: path, transport: HTTPTransports.standard(), clock: clock)
        let tokens = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<50 { group.addTask { try await provider.accessToken().value } }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(tokens == ["ya29.n1"])
        #expect(count.current == 1)
        clock.advance(3600 - 301)
        #expect(try await provider.accessToken().value == "ya29.n1")
        clock.advance(2)
        #expect(try await provider.accessToken().value == "ya29.n2", "refreshed within 5 minutes of expiry")
        await provider.invalidate()
        #expect(try await provider.accessToken().value == "ya29.n3")
    }

    @Test func invalidFilesAreExplained() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let missing = try TestCredentials.write(["type": "service_account", "client_email": "x@y"], in: directory)
        #expect(throws: AuthError.invalidCredentials(source: missing, detail: "the field 'private_key' is missing")) {
            _ = try GoogleCredentials.provider(credentialsFile: missing)
        }
        let executable = try TestCredentials.write([
            "type": "external_account", "audience": "a", "subject_token_type": "t",
            "credential_source": ["executable": ["command": "/bin/true"]],
        ], named: "exec.json", in: directory)
        #expect(throws: AuthError.unsupported(source: executable, detail: "executable-sourced credentials")) {
            _ = try GoogleCredentials.provider(credentialsFile: executable)
        }
    }
}
