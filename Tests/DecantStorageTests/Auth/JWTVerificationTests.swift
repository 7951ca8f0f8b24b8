import Foundation
import Testing
import TestSupport
@testable import DecantStorage

/// The RS256 signature checked by an independent implementation: Python
/// `cryptography` generates the key and verifies what libcrypto signed.
@Suite struct JWTVerificationTests {
    static let keyScript = #"""
    import json, sys
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    json.dump({"private": private, "public": public}, sys.stdout)
    """#

    static let verifyScript = #"""
    import base64, json, sys
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding
    public_pem, jwt = sys.stdin.read().split("\n=====\n")
    def decode(part):
        return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    header, claims, signature = jwt.strip().split(".")
    key = serialization.load_pem_public_key(public_pem.encode())
    try:
        key.verify(decode(signature), (header + "." + claims).encode(), padding.PKCS1v15(), hashes.SHA256())
        print(json.dumps({"valid": True, "header": json.loads(decode(header)), "claims": json.loads(decode(claims))}))
    except Exception as error:
        print(json.dumps({"valid": False, "error": repr(error)}))
    """#

    struct Verdict: Decodable {
        var valid: Bool
        var header: [String: String]?
        var claims: [String: JSONScalar]?
    }

    enum JSONScalar: Decodable, Equatable {
        case string(String), int(Int)
        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let value = try? container.decode(Int.self) { self = .int(value) } else { self = .string(try container.decode(String.self)) }
        }
    }

    @Test func pythonCryptographyVerifiesOurRS256Signatures() async throws {
        let python = try Emulators.requirePython()
        let keys = try JSONDecoder().decode([String: String].self, from: await python.run(JWTVerificationTests.keyScript, []))
        let privateKey = try #require(keys["private"]), publicKey = try #require(keys["public"])
        let claims: JSONValue = .object([("iss", .string("decant@p.iam.gserviceaccount.com")),
                                         ("aud", .string("https://oauth2.googleapis.com/token")),
                                         ("iat", .int(1_800_000_000)), ("exp", .int(1_800_003_600))])
        let jwt = try JWT.sign(header: .object([("alg", .string("RS256")), ("typ", .string("JWT"))]), claims: claims,
                               privateKeyPEM: privateKey)
        let verdict = try JSONDecoder().decode(Verdict.self, from: await python.run(
            JWTVerificationTests.verifyScript, [], stdin: Data((publicKey + "\n=====\n" + jwt).utf8)))
        #expect(verdict.valid)
        #expect(verdict.header == ["alg": "RS256", "typ": "JWT"])
        #expect(verdict.claims?["exp"] == .int(1_800_003_600))
        #expect(verdict.claims?["iss"] == .string("decant@p.iam.gserviceaccount.com"))

        // A tampered token must not verify: the check above can fail.
        var parts = jwt.split(separator: ".").map(String.init)
        parts[1] = JWT.base64URL(Data(#"{"iss":"attacker"}"#.utf8))
        let tampered = try JSONDecoder().decode(Verdict.self, from: await python.run(
            JWTVerificationTests.verifyScript, [], stdin: Data((publicKey + "\n=====\n" + parts.joined(separator: ".")).utf8)))
        #expect(!tampered.valid)
    }

    @Test func keysThatCannotSignAreRefused() throws {
        #expect(throws: JWT.Failure.invalidKey) { _ = try JWT.rs256(Data("x".utf8), privateKeyPEM: "not a key") }
        #expect(throws: JWT.Failure.invalidKey) {
            _ = try JWT.rs256(Data("x".utf8), privateKeyPEM: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
        }
        let key = try TestCredentials.rsaPrivateKeyPEM()
        let signature = try JWT.rs256(Data("x".utf8), privateKeyPEM: key)
        #expect(signature.count == 256)
    }
}
