import DecantCore
import Foundation

/// The token grants decant implements without an SDK (GCS.md §Auth). Each one
/// is a fetch function for `CachingTokenProvider`.
enum CredentialSources {
    static let scope = "https://www.googleapis.com/auth/cloud-platform"
    static let defaultTokenURI = "https://oauth2.googleapis.com/token"

    /// `authorized_user`: the refresh-token grant (what `gcloud auth application-default login` writes).
    static func authorizedUser(_ file: CredentialFile, transport: any HTTPTransport, clock: any Clock) throws(AuthError)
        -> CachingTokenProvider.Fetch {
        let clientID = try file.string("client_id")
        let clientSecret = try file.string("client_secret")
        let refreshToken = try file.string("refresh_token")
        let endpoint = TokenEndpoint(url: try file.url("token_uri", default: defaultTokenURI), transport: transport,
                                     clock: clock, secrets: [clientSecret, refreshToken])
        return { () async throws(AuthError) -> AccessToken in
            try await endpoint.postForm([("grant_type", "refresh_token"), ("client_id", clientID),
                                         ("client_secret", clientSecret), ("refresh_token", refreshToken)])
        }
    }

    /// `service_account`: an RS256-signed JWT exchanged at the token URI.
    static func serviceAccount(_ file: CredentialFile, transport: any HTTPTransport, clock: any Clock) throws(AuthError)
        -> CachingTokenProvider.Fetch {
        let email = try file.string("client_email")
        let key = try file.string("private_key")
        let keyID = file.optionalString("private_key_id")
        let tokenURL = try file.url("token_uri", default: defaultTokenURI)
        let endpoint = TokenEndpoint(url: tokenURL, transport: transport, clock: clock, secrets: [key])
        // Fail now, not at the first request, on a key that cannot sign.
        do {
            _ = try JWT.rs256(Data("probe".utf8), privateKeyPEM: key)
        } catch {
            throw .invalidCredentials(source: file.source, detail: "private_key is not a usable PEM RSA private key")
        }
        let source = file.source
        return { () async throws(AuthError) -> AccessToken in
            let now = Int64(clock.now().timeIntervalSince1970)
            var header: [(String, JSONValue)] = [("alg", .string("RS256")), ("typ", .string("JWT"))]
            if let keyID { header.append(("kid", .string(keyID))) }
            let claims: JSONValue = .object([
                ("iss", .string(email)), ("scope", .string(scope)), ("aud", .string(tokenURL.absoluteString)),
                ("iat", .int(now)), ("exp", .int(now + 3600)),
            ])
            let assertion: String
            do {
                assertion = try JWT.sign(header: .object(header), claims: claims, privateKeyPEM: key)
            } catch {
                throw .invalidCredentials(source: source, detail: "could not sign the token request")
            }
            return try await endpoint.postForm([("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"),
                                                ("assertion", assertion)])
        }
    }

    /// The metadata server of GCE, GKE, Cloud Run… (`GCE_METADATA_HOST` overrides the host).
    static func metadataServer(environment: [String: String], transport: any HTTPTransport, clock: any Clock,
                               tried: [String]) -> CachingTokenProvider.Fetch {
        let host = environment["GCE_METADATA_HOST"]?.nonEmpty ?? "metadata.google.internal"
        let text = "http://\(host)/computeMetadata/v1/instance/service-accounts/default/token"
        return { () async throws(AuthError) -> AccessToken in
            guard let url = URL(string: text) else {
                throw .invalidCredentials(source: "GCE_METADATA_HOST", detail: "'\(host)' is not a host[:port]")
            }
            let endpoint = TokenEndpoint(url: url, transport: transport, clock: clock, secrets: [])
            do throws(AuthError) {
                return try await endpoint.get(headers: ["Metadata-Flavor": "Google"], timeout: 5)
            } catch {
                if case .tokenRequestFailed(_, nil, _) = error {
                    throw .noCredentials(tried: tried + ["the metadata server at \(host) (no answer)"])
                }
                throw error
            }
        }
    }
}
