import Foundation
import Testing
@testable import DecantStorage

@Suite struct CRC32CTests {
    /// Bit by bit, as the definition says: the reference the fast version must equal.
    static func reference(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
        }
        return ~crc
    }

    @Test func knownVectors() {
        #expect(CRC32C.checksum(Data("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum(Data()) == 0)
        #expect(CRC32C.checksum(Data(repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum(Data(repeating: 0xFF, count: 32)) == 0x62A8_AB43)
    }

    @Test func base64IsBigEndianAsGCSWritesIt() {
        var crc = CRC32C()
        crc.update(Data("hello".utf8))
        // What fake-gcs-server and gcp-storage-emulator answered for "hello".
        #expect(crc.base64 == "mnG7TA==")
        #expect(CRC32C.decode("mnG7TA==") == crc.checksum)
        #expect(CRC32C.decode("not base64") == nil)
    }

    @Test(arguments: [0, 1, 7, 8, 9, 15, 16, 17, 63, 64, 65, 1000, 4099])
    func matchesTheBitwiseDefinition(length: Int) {
        var random = SystemRandomNumberGenerator()
        let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
        #expect(CRC32C.checksum(Data(bytes)) == CRC32CTests.reference(bytes))
    }

    @Test func incrementalUpdatesInAnyChunksGiveTheSameChecksum() {
        let bytes = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
        var crc = CRC32C()
        var index = 0
        var chunk = 1
        while index < bytes.count {
            let end = min(bytes.count, index + chunk)
            crc.update(Data(bytes[index..<end]))
            index = end
            chunk = chunk * 3 % 97 + 1
        }
        #expect(crc.checksum == CRC32CTests.reference(bytes))
    }

    @Test func isFast() {
        let data = Data(repeating: 0xA5, count: 16 << 20)
        let start = DispatchTime.now().uptimeNanoseconds
        _ = CRC32C.checksum(data)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        // Slicing-by-8 runs well above 500 MB/s in release and above 100 MB/s in debug builds.
        #expect(seconds < 2.0, "16 MiB took \(seconds) s")
    }
}

@Suite struct SupportTests {
    @Test func timestampsParseAsRFC3339() throws {
        let parsed = try #require(Timestamp.parse("2026-11-24T19:53:39.446687Z"))
        #expect(Timestamp.micros(parsed) == 1_795_550_019_446_687)
        #expect(Timestamp.parse("1970-01-01T00:00:00Z") == Date(timeIntervalSince1970: 0))
        #expect(Timestamp.parse("2000-02-29T12:00:00.5Z") == RFC3339Reference.parse("2000-02-29T12:00:00.500Z"))
        #expect(Timestamp.parse("2025-01-31T10:00:00+01:00") == RFC3339Reference.parse("2025-01-31T09:00:00Z"))
        #expect(Timestamp.parse("yesterday") == nil)
        #expect(Timestamp.parse("2025-13-01T00:00:00Z") == nil)
    }

    @Test func jsonValuesSerializeWithExplicitNulls() {
        let value: JSONValue = .object([("labels", .object([("gone", .null), ("kept", .string("a\"b\n"))])),
                                        ("n", .int(-3)), ("list", .array([.bool(true)]))])
        #expect(value.serialized == #"{"labels":{"gone":null,"kept":"a\"b\n"},"n":-3,"list":[true]}"#)
    }
}

/// Foundation's parser, as a reference for the fast one.
enum RFC3339Reference {
    static func parse(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}
