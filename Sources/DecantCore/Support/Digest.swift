import Foundation
internal import CCrypto

/// Message digests through libcrypto (the only crypto decant links).
public enum Digest {
    public static func sha256(_ data: some DataProtocol) -> [UInt8] { digest(data, EVP_sha256()) }
    public static func md5(_ data: some DataProtocol) -> [UInt8] { digest(data, EVP_md5()) }

    public static func sha256Hex(_ data: some DataProtocol) -> String { hex(sha256(data)) }
    public static func sha256Hex(_ text: String) -> String { hex(sha256(Data(text.utf8))) }

    public static func hex(_ bytes: [UInt8]) -> String {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func digest(_ data: some DataProtocol, _ type: OpaquePointer?) -> [UInt8] {
        let hasher = StreamingDigest(type)
        hasher.update(data)
        return hasher.finish()
    }
}

/// An incremental digest for data that arrives in chunks (objects streamed from disk).
public final class StreamingDigest {
    private let context: OpaquePointer?

    public static func md5() -> StreamingDigest { StreamingDigest(EVP_md5()) }
    public static func sha256() -> StreamingDigest { StreamingDigest(EVP_sha256()) }

    init(_ type: OpaquePointer?) {
        context = EVP_MD_CTX_new()
        EVP_DigestInit_ex(context, type, nil)
    }

    deinit { EVP_MD_CTX_free(context) }

    public func update(_ data: some DataProtocol) {
        for region in data.regions {
            region.withUnsafeBytes { raw in
                _ = EVP_DigestUpdate(context, raw.baseAddress, raw.count)
            }
        }
    }

    public func update(_ buffer: UnsafeRawBufferPointer) {
        _ = EVP_DigestUpdate(context, buffer.baseAddress, buffer.count)
    }

    public func finish() -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        EVP_DigestFinal_ex(context, &out, &length)
        return Array(out.prefix(Int(length)))
    }
}
