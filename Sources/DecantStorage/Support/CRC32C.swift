import Foundation

/// CRC-32C (Castagnoli), the checksum GCS keeps for every object, computed with
/// slicing-by-8 (eight table lookups per 8 bytes). `base64` is the big-endian
/// encoding GCS reports in `crc32c`.
public struct CRC32C: Sendable, Hashable {
    private var state: UInt32 = 0xFFFF_FFFF

    public init() {}

    /// The checksum of everything passed to `update` so far.
    public var checksum: UInt32 { ~state }

    /// Base64 of the big-endian checksum, as GCS writes it (`mnG7TA==` for "hello").
    public var base64: String { CRC32C.base64(checksum) }

    public static func base64(_ checksum: UInt32) -> String {
        let bytes: [UInt8] = [UInt8(checksum >> 24), UInt8((checksum >> 16) & 0xff),
                              UInt8((checksum >> 8) & 0xff), UInt8(checksum & 0xff)]
        return Data(bytes).base64EncodedString()
    }

    /// The checksum of `data` in one call.
    public static func checksum(_ data: some DataProtocol) -> UInt32 {
        var crc = CRC32C()
        crc.update(data)
        return crc.checksum
    }

    public mutating func update(_ data: some DataProtocol) {
        for region in data.regions {
            region.withUnsafeBytes { update($0) }
        }
    }

    public mutating func update(_ buffer: UnsafeRawBufferPointer) {
        guard var pointer = buffer.baseAddress else { return }
        var remaining = buffer.count
        var crc = state
        CRC32C.table.withUnsafeBufferPointer { t in
            while remaining >= 8 {
                let word = UInt64(littleEndian: pointer.loadUnaligned(as: UInt64.self)) ^ UInt64(crc)
                crc = t[7 * 256 + Int(word & 0xff)]
                    ^ t[6 * 256 + Int((word >> 8) & 0xff)]
                    ^ t[5 * 256 + Int((word >> 16) & 0xff)]
                    ^ t[4 * 256 + Int((word >> 24) & 0xff)]
                    ^ t[3 * 256 + Int((word >> 32) & 0xff)]
                    ^ t[2 * 256 + Int((word >> 40) & 0xff)]
                    ^ t[1 * 256 + Int((word >> 48) & 0xff)]
                    ^ t[Int(word >> 56)]
                pointer += 8
                remaining -= 8
            }
            while remaining > 0 {
                let byte = pointer.load(as: UInt8.self)
                crc = t[Int((crc ^ UInt32(byte)) & 0xff)] ^ (crc >> 8)
                pointer += 1
                remaining -= 1
            }
        }
        state = crc
    }

    /// Eight 256-entry tables: table k maps a byte to its CRC contribution k bytes
    /// further along (reflected polynomial 0x82F63B78).
    static let table: [UInt32] = {
        var table = [UInt32](repeating: 0, count: 8 * 256)
        for i in 0..<256 {
            var crc = UInt32(i)
            for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
            table[i] = crc
        }
        for k in 1..<8 {
            for i in 0..<256 {
                let previous = table[(k - 1) * 256 + i]
                table[k * 256 + i] = (previous >> 8) ^ table[Int(previous & 0xff)]
            }
        }
        return table
    }()
}

extension CRC32C {
    /// The checksum in GCS's base64 form, or nil when it is not 4 bytes of base64.
    public static func decode(_ base64: String) -> UInt32? {
        guard let data = Data(base64Encoded: base64), data.count == 4 else { return nil }
        return data.reduce(0) { ($0 << 8) | UInt32($1) }
    }
}
