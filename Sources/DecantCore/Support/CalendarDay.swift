import Foundation

/// A date without a time, in UTC: what partition folders (`qpi_answers_20250131/`)
/// and date ranges (`2025-01-01..2025-03-31`) talk about.
public struct CalendarDay: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              (1...CalendarDay.daysIn(month: month, year: year)).contains(day) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// `YYYY-MM-DD` or `YYYYMMDD`.
    public init?(_ text: String) {
        let digits: [Character]
        let chars = Array(text)
        if chars.count == 10, chars[4] == "-", chars[7] == "-" {
            digits = Array(chars[0..<4] + chars[5..<7] + chars[8..<10])
        } else if chars.count == 8 {
            digits = chars
        } else {
            return nil
        }
        guard digits.allSatisfy({ $0.isASCII && $0.isNumber }),
              let y = Int(String(digits[0..<4])), let m = Int(String(digits[4..<6])),
              let d = Int(String(digits[6..<8])) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    public init(_ date: Date) {
        let parts = CalendarDay.utc.dateComponents([.year, .month, .day], from: date)
        self.year = parts.year ?? 1970
        self.month = parts.month ?? 1
        self.day = parts.day ?? 1
    }

    public var startDate: Date {
        CalendarDay.utc.date(from: DateComponents(year: year, month: month, day: day)) ?? Date(timeIntervalSince1970: 0)
    }

    public func adding(days: Int) -> CalendarDay {
        CalendarDay(startDate.addingTimeInterval(TimeInterval(days) * 86_400))
    }

    /// Whole days from `self` to `other` (positive when `other` is later).
    public func days(until other: CalendarDay) -> Int {
        Int((other.startDate.timeIntervalSince(startDate) / 86_400).rounded())
    }

    public var compact: String { String(format: "%04d%02d%02d", year, month, day) }
    public var description: String { String(format: "%04d-%02d-%02d", year, month, day) }

    public static func < (a: CalendarDay, b: CalendarDay) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? TimeZone(secondsFromGMT: 0)!
        return calendar
    }()
}

/// RFC 3339 timestamps as GCS writes them (`2025-01-31T10:00:00.123Z`).
public enum RFC3339 {
    public static func parse(_ text: String) -> Date? {
        let withFraction = ISO8601DateFormatter()
        withFraction.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = withFraction.date(from: text) { return date }
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        return plain.date(from: text)
    }

    /// Always with milliseconds and `Z`, so output is stable.
    public static func format(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(secondsFromGMT: 0)
        return formatter.string(from: date)
    }
}
