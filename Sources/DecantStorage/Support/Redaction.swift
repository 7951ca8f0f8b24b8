import Foundation

/// Keeps credentials out of text: URLs are shown without their query (a signed
/// URL or a token could be there) and known secrets are masked wherever they appear.
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

    /// `text` with every occurrence of each secret (and of its URL-encoded form) masked.
    public static func scrub(_ text: String, secrets: [String]) -> String {
        var text = text
        for secret in secrets where secret.count >= 4 {
            text = text.replacingOccurrences(of: secret, with: mask)
            if let encoded = secret.addingPercentEncoding(withAllowedCharacters: .alphanumerics), encoded != secret {
                text = text.replacingOccurrences(of: encoded, with: mask)
            }
        }
        return text
    }
}
