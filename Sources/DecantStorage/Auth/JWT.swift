import Foundation
internal import CCrypto

/// RS256 (RSASSA-PKCS1-v1_5 with SHA-256) JSON Web Tokens, signed with libcrypto's
/// EVP API from a PEM private key, as a service account's token grant needs.
enum JWT {
    enum Failure: Error, Equatable {
        /// The key is not an unencrypted PEM private key (the key itself is never shown).
        case invalidKey
        case signingFailed
    }

    /// `header.claims.signature`, each part base64url without padding.
    static func sign(header: JSONValue, claims: JSONValue, privateKeyPEM: String) throws(Failure) -> String {
        let signingInput = base64URL(header.data) + "." + base64URL(claims.data)
        let signature = try rs256(Data(signingInput.utf8), privateKeyPEM: privateKeyPEM)
        return signingInput + "." + base64URL(signature)
    }

    static func rs256(_ message: Data, privateKeyPEM: String) throws(Failure) -> Data {
        defer { ERR_clear_error() }
        let pemBytes = Array(privateKeyPEM.utf8)
        let key: OpaquePointer? = pemBytes.withUnsafeBytes { raw in
            guard let bio = BIO_new_mem_buf(raw.baseAddress, Int32(raw.count)) else { return nil }
            defer { BIO_free(bio) }
            // A callback that gives no passphrase: an encrypted key fails instead of prompting.
            return PEM_read_bio_PrivateKey(bio, nil, { _, _, _, _ in 0 }, nil)
        }
        guard let key else { throw .invalidKey }
        defer { EVP_PKEY_free(key) }
        guard EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA else { throw .invalidKey }
        guard let context = EVP_MD_CTX_new() else { throw .signingFailed }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestSignInit(context, nil, EVP_sha256(), nil, key) == 1 else { throw .signingFailed }
        let updated = message.withUnsafeBytes { raw in EVP_DigestSignUpdate(context, raw.baseAddress, raw.count) }
        guard updated == 1 else { throw .signingFailed }
        var length = 0
        guard EVP_DigestSignFinal(context, nil, &length) == 1 else { throw .signingFailed }
        var signature = [UInt8](repeating: 0, count: length)
        guard EVP_DigestSignFinal(context, &signature, &length) == 1 else { throw .signingFailed }
        return Data(signature.prefix(length))
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
