import DecantCore
import Foundation

/// The state stores every instant as integer milliseconds since 1970 UTC
/// (`*_ms` columns): compact, exact and ordered.
extension Date {
    var milliseconds: Int64 { Int64((timeIntervalSince1970 * 1000).rounded()) }
    init(milliseconds: Int64) { self.init(timeIntervalSince1970: Double(milliseconds) / 1000) }
}

/// RFC 3339 text for lock files and messages (the database itself uses milliseconds).
enum RFC3339Text {
    static func format(_ date: Date) -> String { RFC3339.format(date) }
}
