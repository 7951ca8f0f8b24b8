import DecantCore
import Foundation
internal import CCrypto

/// A clock tests move by hand.
public final class MutableClock: Clock, Sendable {
    private let instant: Locked<Date>

    public init(_ start: Date = Date(timeIntervalSince1970: 1_800_000_000)) { instant = Locked(start) }

    public func now() -> Date { instant.current }
    public func advance(_ seconds: TimeInterval) { instant.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

/// Keys and credential files for auth tests.
public enum TestCredentials {
    /// A fresh 2048-bit RSA private key in PKCS#8 PEM, made with libcrypto.
    public static func rsaPrivateKeyPEM() throws -> String {
        guard let context = EVP_PKEY_CTX_new_id(EVP_PKEY_RSA, nil) else { throw KeyError() }
        defer { EVP_PKEY_CTX_free(context) }
        var key: OpaquePointer?
        guard EVP_PKEY_keygen_init(context) == 1, EVP_PKEY_CTX_set_rsa_keygen_bits(context, 2048) == 1,
              EVP_PKEY_keygen(context, &key) == 1, let key else { throw KeyError() }
        defer { EVP_PKEY_free(key) }
        guard let bio = BIO_new(BIO_s_mem()) else { throw KeyError() }
        defer { BIO_free(bio) }
        guard PEM_write_bio_PrivateKey(bio, key, nil, nil, 0, nil, nil) == 1 else { throw KeyError() }
        var pointer: UnsafeMutablePointer<CChar>?
        let length = BIO_ctrl(bio, BIO_CTRL_INFO, 0, &pointer)
        guard let pointer, length > 0 else { throw KeyError() }
        return String(decoding: UnsafeRawBufferPointer(start: pointer, count: length), as: UTF8.self)
    }

    struct KeyError: Error {}

    /// Writes a JSON credential file into `directory` and returns its path.
    public static func write(_ object: [String: Any], named name: String = "credentials.json",
                             in directory: TemporaryDirectory) throws -> String {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        let url = directory.url.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url)
        return url.path
    }

    /// The claims of a JWT (its middle part), decoded.
    public static func claims(ofJWT jwt: String) throws -> [String: Any] {
        let parts = jwt.split(separator: ".")
        guard parts.count == 3 else { throw KeyError() }
        return try decodeSegment(String(parts[1]))
    }

    public static func header(ofJWT jwt: String) throws -> [String: Any] {
        guard let first = jwt.split(separator: ".").first else { throw KeyError() }
        return try decodeSegment(String(first))
    }

    static func decodeSegment(_ segment: String) throws -> [String: Any] {
        var text = segment.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.count % 4 != 0 { text += "=" }
        guard let data = Data(base64Encoded: text),
              let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else { throw KeyError() }
        return object
    }
}
