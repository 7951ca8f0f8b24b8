import DecantCore
import Foundation

/// A credential JSON file read field by field, so that an error names the field
/// and never quotes a value.
struct CredentialFile {
    let source: String
    private let fields: [String: Any]

    init(path: String) throws(AuthError) {
        source = path
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .invalidCredentials(source: path, detail: "the file cannot be read")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw .invalidCredentials(source: path, detail: "the file is not a JSON object")
        }
        fields = object
    }

    var type: String? { fields["type"] as? String }

    func string(_ key: String) throws(AuthError) -> String {
        guard let value = fields[key] as? String, !value.isEmpty else {
            throw .invalidCredentials(source: source, detail: "the field '\(key)' is missing")
        }
        return value
    }

    func optionalString(_ key: String) -> String? { (fields[key] as? String)?.nonEmpty }

    func object(_ key: String) -> [String: Any]? { fields[key] as? [String: Any] }

    func url(_ key: String, default fallback: String) throws(AuthError) -> URL {
        if let url = try optionalURL(key) { return url }
        guard let url = URL(string: fallback) else {
            throw .invalidCredentials(source: source, detail: "the default '\(key)' is not a URL")
        }
        return url
    }

    func optionalURL(_ key: String) throws(AuthError) -> URL? {
        guard let text = optionalString(key) else { return nil }
        guard let url = URL(string: text), url.scheme == "https" || url.scheme == "http" else {
            throw .invalidCredentials(source: source, detail: "the field '\(key)' is not an http(s) URL")
        }
        return url
    }
}

/// Finds Google credentials the way users expect (GCS.md §Auth), without an SDK.
public enum GoogleCredentials {
    /// The token provider for this environment, in this order:
    /// 1. `GOOGLE_OAUTH_ACCESS_TOKEN` (a fixed token);
    /// 2. the file at `GOOGLE_APPLICATION_CREDENTIALS`, else
    ///    `$CLOUDSDK_CONFIG/application_default_credentials.json` (default
    ///    `~/.config/gcloud`), by its `type`: `authorized_user`, `service_account`
    ///    or `external_account`;
    /// 3. the metadata server (`GCE_METADATA_HOST` overrides its host).
    /// Tokens are cached and refreshed 5 minutes before they expire.
    public static func discover(environment: [String: String] = ProcessInfo.processInfo.environment,
                                transport: any HTTPTransport = HTTPTransports.standard(maxConnectionsPerHost: 4),
                                clock: any Clock = SystemClock()) throws(AuthError) -> any TokenProvider {
        if let token = environment["GOOGLE_OAUTH_ACCESS_TOKEN"]?.nonEmpty {
            return StaticTokenProvider(token: token)
        }
        var tried = ["GOOGLE_OAUTH_ACCESS_TOKEN (not set)"]
        if let path = environment["GOOGLE_APPLICATION_CREDENTIALS"]?.nonEmpty {
            return try provider(credentialsFile: path, transport: transport, clock: clock)
        }
        tried.append("GOOGLE_APPLICATION_CREDENTIALS (not set)")
        let home = environment["HOME"]?.nonEmpty ?? NSHomeDirectory()
        let configDirectory = environment["CLOUDSDK_CONFIG"]?.nonEmpty ?? home + "/.config/gcloud"
        let wellKnown = configDirectory + "/application_default_credentials.json"
        if FileManager.default.fileExists(atPath: wellKnown) {
            return try provider(credentialsFile: wellKnown, transport: transport, clock: clock)
        }
        tried.append("\(wellKnown) (absent)")
        return CachingTokenProvider(
            source: "the metadata server", clock: clock,
            fetch: CredentialSources.metadataServer(environment: environment, transport: transport, clock: clock,
                                                    tried: tried))
    }

    /// The token provider for one credential file.
    public static func provider(credentialsFile path: String,
                                transport: any HTTPTransport = HTTPTransports.standard(maxConnectionsPerHost: 4),
                                clock: any Clock = SystemClock()) throws(AuthError) -> any TokenProvider {
        let file = try CredentialFile(path: path)
        let fetch: CachingTokenProvider.Fetch
        switch file.type {
        case "authorized_user":
            fetch = try CredentialSources.authorizedUser(file, transport: transport, clock: clock)
        case "service_account":
            fetch = try CredentialSources.serviceAccount(file, transport: transport, clock: clock)
        case "external_account":
            fetch = try ExternalAccount.fetch(file, transport: transport, clock: clock)
        case let other?:
            throw .unsupported(source: path, detail: "credential type '\(other)'")
        case nil:
            throw .invalidCredentials(source: path, detail: "the field 'type' is missing")
        }
        return CachingTokenProvider(source: "\(file.type ?? "credentials") from \(path)", clock: clock, fetch: fetch)
    }
}
