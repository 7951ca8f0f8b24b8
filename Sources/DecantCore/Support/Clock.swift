import Foundation

/// The only way time enters decant: date ranges, validation periods and journal
/// timestamps read it, so `--now` makes a run reproducible.
public protocol Clock: Sendable {
    func now() -> Date
}

public struct SystemClock: Clock {
    public init() {}
    public func now() -> Date { Date() }
}

/// A clock pinned to one instant (`--now 2026-11-20`, tests).
public struct FixedClock: Clock {
    public let instant: Date
    public init(_ instant: Date) { self.instant = instant }
    public func now() -> Date { instant }

    /// Parses `2026-11-20` (midnight UTC) or an RFC 3339 time such as `2026-11-20T10:00:00Z`.
    public init?(parsing text: String) {
        if let day = CalendarDay(text) {
            self.instant = day.startDate
            return
        }
        guard let date = RFC3339.parse(text) else { return nil }
        self.instant = date
    }
}
