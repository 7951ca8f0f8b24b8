import DecantCore
import Foundation

/// How every JSON document decant prints is written: snake_case keys in sorted
/// order, RFC 3339 times, pretty-printed, one trailing newline. One encoder, so the
/// plan, analysis and state documents cannot drift apart.
public enum JSONDocument {
    public static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var c = encoder.singleValueContainer()
            try c.encode(RFC3339.format(date))
        }
        return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
    }
}
