import Foundation

// How the Storage Transfer Service REST v1 API writes values in JSON (proto3 JSON
// mapping): enums as their names, int64 as decimal strings, `google.protobuf.Duration`
// as `"3.5s"`, timestamps as RFC 3339 strings, and fields at their default value left out.

/// A proto enum as the API sends it: its value name. A name this build does not
/// know (the service added one) decodes as `unspecified` rather than failing the
/// whole answer; the raw text is not kept.
public protocol TransferWireEnum: RawRepresentable<String>, Codable, Hashable, Sendable, CaseIterable {
    static var unspecified: Self { get }
}

extension TransferWireEnum {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        self = Self(rawValue: text) ?? .unspecified
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

extension KeyedDecodingContainer {
    /// An int64 field: a decimal string as proto3 JSON writes it, or a plain number
    /// (which parsers must accept too); absent means 0.
    func decodeInt64String(_ key: Key) throws -> Int64 {
        guard contains(key), try !decodeNil(forKey: key) else { return 0 }
        if let text = try? decode(String.self, forKey: key) {
            guard let value = Int64(text) else {
                throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "'\(text)' is not an int64")
            }
            return value
        }
        return try decode(Int64.self, forKey: key)
    }
}

extension KeyedEncodingContainer {
    /// An int64 field as a decimal string, left out when 0 (the proto3 default).
    mutating func encodeInt64String(_ value: Int64, forKey key: Key) throws {
        if value != 0 { try encode(String(value), forKey: key) }
    }
}

/// A `google.protobuf.Duration`: whole seconds and nanoseconds, written `"90s"` or
/// `"1.500s"` (up to nine fraction digits).
public struct ProtoDuration: Hashable, Sendable, Codable, CustomStringConvertible {
    public var seconds: Int64
    public var nanos: Int32

    public init(seconds: Int64, nanos: Int32 = 0) {
        self.seconds = seconds
        self.nanos = nanos
    }

    /// Parses `"90s"`, `"1.5s"`, `"-0.25s"`.
    public init?(_ text: String) {
        guard text.hasSuffix("s") else { return nil }
        let number = text.dropLast()
        let negative = number.hasPrefix("-")
        let digits = negative ? number.dropFirst() : number
        let parts = digits.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, !whole.isEmpty, whole.allSatisfy(\.isASCII), let seconds = Int64(whole) else { return nil }
        var nanos: Int32 = 0
        if parts.count == 2 {
            let fraction = parts[1]
            guard !fraction.isEmpty, fraction.count <= 9, fraction.allSatisfy({ $0.isASCII && $0.isNumber }),
                  let value = Int32(fraction + String(repeating: "0", count: 9 - fraction.count)) else { return nil }
            nanos = value
        }
        self.init(seconds: negative ? -seconds : seconds, nanos: negative ? -nanos : nanos)
    }

    public var description: String {
        let sign = seconds < 0 || nanos < 0 ? "-" : ""
        let whole = String(seconds.magnitude)
        guard nanos != 0 else { return sign + whole + "s" }
        var fraction = String(format: "%09d", Int(nanos.magnitude))
        while fraction.hasSuffix("000") { fraction.removeLast(3) }
        return sign + whole + "." + fraction + "s"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = ProtoDuration(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "'\(text)' is not a duration")
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// The coders every Storage Transfer Service body goes through: sorted keys (a
/// stable body), slashes left as they are.
enum TransferCoding {
    static func encode<T: Encodable>(_ value: T) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // The wire types are plain strings, numbers, arrays and objects: encoding cannot fail.
        return (try? encoder.encode(value)) ?? Data("{}".utf8)
    }

    static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        try JSONDecoder().decode(type, from: data)
    }
}
