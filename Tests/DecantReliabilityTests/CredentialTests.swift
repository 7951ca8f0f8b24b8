import Foundation
import Testing
import TestSupport

/// `storage: gcs` with no emulator and no credential anywhere: decant must stop
/// with an error naming every source it tried, before touching anything, and
/// must not reach for the network beyond 127.0.0.1. The metadata server is a
/// local server that drops every connection (as an absent one would), and
/// `https_proxy` points at another that would record any attempt to reach
/// storage.googleapis.com (libcurl honours it).
@Suite struct CredentialTests {
    @Test func applyWithoutCredentialsFailsNamingWhatItTried() async throws {
        let metadata = try TestHTTPServer { _ in .drop }
        defer { metadata.stop() }
        let outside = try TestHTTPServer { _ in .drop }
        defer { outside.stop() }
        let home = try TemporaryDirectory("decant-empty-home")
        defer { home.remove() }
        let workspace = try DecantWorkspace(label: "decant-no-credentials", plan: """
            decant: 1
            environments:
              dev: { project: test }
            storage: { provider: gcs, project: test }
            state: { backend: local, path: "state/${env}.db" }
            buckets:
              target: { name: "target-bucket-dev" }
            migrations:
              move:
                source: "data-bucket-dev/folder/"
                target: "target/folder/"
                cleanup: { delete_source: true, after: 0d }

            """)
        defer { workspace.remove() }
        let proxy = "http://127.0.0.1:\(outside.port)"
        let environment = [
            "HOME": home.path, "CLOUDSDK_CONFIG": "", "GOOGLE_APPLICATION_CREDENTIALS": "", "GOOGLE_OAUTH_ACCESS_TOKEN": "",
            "STORAGE_EMULATOR_HOST": "", "DECANT_GCS_ENDPOINT": "",
            "GCE_METADATA_HOST": "127.0.0.1:\(metadata.port)",
            "https_proxy": proxy, "HTTPS_PROXY": proxy, "http_proxy": proxy, "HTTP_PROXY": proxy, "all_proxy": proxy, "ALL_PROXY": proxy,
            "no_proxy": "127.0.0.1", "NO_PROXY": "127.0.0.1",
        ]
        for arguments in [MigrationFixture.applyArguments, ["plan", "--env", "dev"]] {
            let result = try await DecantProcess.run(arguments, in: workspace.path, environment: environment, timeout: 120)
            #expect(result.status == 1, "\(result)")
            #expect(!result.timedOut, "\(result)")
            for tried in ["GOOGLE_OAUTH_ACCESS_TOKEN (not set)", "GOOGLE_APPLICATION_CREDENTIALS (not set)",
                          "\(home.path)/.config/gcloud/application_default_credentials.json (absent)",
                          "the metadata server at 127.0.0.1:\(metadata.port) (no answer)"] {
                #expect(result.stderr.contains(tried), "the error should name \(tried): \(result)")
            }
            #expect(result.seconds < 60, "\(result)")
        }
        // The metadata server was asked, the way GCE expects; nothing went elsewhere.
        let asked = metadata.requests.current
        #expect(!asked.isEmpty && asked.allSatisfy { $0.path == "/computeMetadata/v1/instance/service-accounts/default/token"
                && $0.headers["metadata-flavor"] == "Google" }, "\(asked.map(\.target))")
        #expect(outside.requests.current.isEmpty, "decant went past 127.0.0.1: \(outside.requests.current.map { "\($0.method) \($0.target)" })")
        // Nothing touched: no state, no lock.
        #expect(!FileManager.default.fileExists(atPath: workspace.statePath), "a run that could not authenticate created the state")
        #expect(workspace.lockID() == nil, "a run that could not authenticate left its lock")
    }
}
