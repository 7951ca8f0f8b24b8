import Foundation

/// Keeps credentials out of text (DESIGN.md §4 invariant 7), in one place for every
/// module: URLs are shown without user info, query or fragment (a signed URL or a
/// token could be there); known secrets are masked wherever they appear, also
/// URL-encoded; and anything that looks like a credential is masked even when it
/// was not known (bearer tokens, OAuth access and refresh tokens, private keys, and
/// `key=value` pairs whose key names a secret). Error text comes from stores, token
/// endpoints and the network, which may echo a header or a request body back.
public enum Redaction {
    public static let mask = "[redacted]"

    /// `scheme://host[:port]/path`, without user info, query or fragment.
    public static func safeURL(_ url: URL) -> String {
        guard var components = URLComponents(url: url, resolvingAgainstBaseURL: false) else { return "(a URL)" }
        components.user = nil
        components.password = nil
        components.query = nil
        components.fragment = nil
        return components.string ?? "(a URL)"
    }

    /// `text` with every occurrence of each of `secrets` (and of its URL-encoded
    /// form) masked, then every credential-like span.
    public static func scrub(_ text: String, secrets: [String] = []) -> String {
        var text = text
        for secret in secrets where secret.count >= 4 {
            text = text.replacingOccurrences(of: secret, with: mask)
            for encoded in [secret.addingPercentEncoding(withAllowedCharacters: .alphanumerics),
                            secret.addingPercentEncoding(withAllowedCharacters: formValue)].compactMap({ $0 }) where encoded != secret {
                text = text.replacingOccurrences(of: encoded, with: mask)
            }
        }
        for (index, pattern) in patterns.enumerated() {
            let range = NSRange(text.startIndex..., in: text)
            let template = index == patterns.count - 1 ? "$1\(mask)" : mask
            text = pattern.stringByReplacingMatches(in: text, range: range, withTemplate: template)
        }
        return text
    }

    /// Credential shapes, whatever their source. The last one keeps its key (`$1`).
    private static let patterns: [NSRegularExpression] = [
        #"(?i)\bbearer\s+[A-Za-z0-9._~+/=-]+"#,
        #"\bya29\.[A-Za-z0-9._-]+"#,
        #"\b1//[A-Za-z0-9._-]{20,}"#,
        // A JSON Web Token (a signed assertion or an identity token): three base64url parts.
        #"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*"#,
        #"-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)"#,
        #"(?i)("?(access_token|refresh_token|id_token|client_secret|private_key|subject_token|assertion|password|token)"?\s*[=:]\s*)"?[^\s"&,}]+"?"#,
    ].compactMap { try? NSRegularExpression(pattern: $0) }

    /// Characters a form-encoded value keeps as they are.
    private static let formValue: CharacterSet = {
        var set = CharacterSet.alphanumerics
        set.insert(charactersIn: "-._~")
        return set
    }()
}
