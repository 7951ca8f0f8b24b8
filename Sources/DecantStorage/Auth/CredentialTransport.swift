import DecantCore
import Foundation

/// A credential (an access token, a refresh token, a signed assertion, a subject
/// token) travels only over https, or to this machine (an emulator, a test
/// server): never in clear text to another host (DESIGN.md §4 invariant 7).
enum CredentialTransport {
    /// Why sending `what` to `url` is refused, or nil when it may be sent.
    static func refusal(sending what: String, to url: URL) -> String? {
        guard url.scheme?.lowercased() == "http", !GCSEndpoint.isLoopback(url) else { return nil }
        return "refusing to send \(what) over plain http to \(Redaction.safeURL(url)): use https, "
            + "or mark an emulator with `storage.emulator` (which gets no credential)"
    }
}
