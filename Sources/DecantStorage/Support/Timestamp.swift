import DecantCore
import Foundation

/// Fast conversions for the timestamps stores exchange: GCS sends three RFC 3339
/// times per listed object, and `ISO8601DateFormatter` costs tens of microseconds
/// per call, so the common UTC form is parsed by hand.
enum Timestamp {
    /// Parses `2026-11-24T19:53:39.446687Z` (any number of fraction digits) and
    /// falls back to the general parser for other forms (numeric offsets).
    static func parse(_ text: String) -> Date? {
        var text = text
        let fast: Date?? = text.withUTF8 { bytes -> Date?? in
            guard bytes.count >= 20, bytes[bytes.count - 1] == UInt8(ascii: "Z"),
                  bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
                  bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t"),
                  bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":") else { return .none }
            func number(_ from: Int, _ count: Int) -> Int? {
                var value = 0
                for i in from..<(from + count) {
                    let b = bytes[i]
                    guard b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9") else { return nil }
                    value = value * 10 + Int(b - UInt8(ascii: "0"))
                }
                return value
            }
            guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
                  let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2),
                  (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
            else { return .some(nil) }
            var micros = 0
            var index = 19
            if index < bytes.count - 1 {
                guard bytes[index] == UInt8(ascii: ".") else { return .some(nil) }
                index += 1
                var scale = 100_000
                while index < bytes.count - 1 {
                    let b = bytes[index]
                    guard b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9") else { return .some(nil) }
                    micros += Int(b - UInt8(ascii: "0")) * scale
                    scale /= 10
                    index += 1
                }
            }
            let days = daysFromCivil(year: year, month: month, day: day)
            let seconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
            return .some(date(micros: seconds * 1_000_000 + Int64(micros)))
        }
        if let fast { return fast }
        return RFC3339.parse(text)
    }

    /// Microseconds since the epoch (GCS's resolution; rounds to the nearest).
    static func micros(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
    }

    static func date(micros: Int64) -> Date {
        Date(timeIntervalSince1970: Double(micros) / 1_000_000)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
