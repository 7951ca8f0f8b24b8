import Foundation

/// Removes things that look like credentials from text headed for the state
/// (journal error messages, lock operations): bearer tokens, OAuth access and
/// refresh tokens, private keys, and `key=value` pairs whose key names a secret.
/// Error text comes from stores and the network, which may echo a header back.
public enum Redaction {
    private static let patterns: [NSRegularExpression] = [
        #"(?i)\bbearer\s+[A-Za-z0-9._~+/=-]+"#,
        #"\bya29\.[A-Za-z0-9._-]+"#,
        #"\b1//[A-Za-z0-9._-]{20,}"#,
        #"-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)"#,
        #"(?i)("?(access_token|refresh_token|id_token|client_secret|private_key|subject_token|assertion|password|token)"?\s*[=:]\s*)"?[^\s"&,}]+"?"#,
    ].compactMap { try? NSRegularExpression(pattern: $0) }

    /// `text` with every credential-like span replaced by `[redacted]`.
    public static func scrub(_ text: String) -> String {
        var result = text
        for (index, pattern) in patterns.enumerated() {
            let range = NSRange(result.startIndex..., in: result)
            let template = index == patterns.count - 1 ? "$1[redacted]" : "[redacted]"
            result = pattern.stringByReplacingMatches(in: result, range: range, withTemplate: template)
        }
        return result
    }
}
