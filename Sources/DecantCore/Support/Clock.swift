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

/// `--now` as given on the command line, beside the real clock at the same moment.
/// `--now` is for reproducible plans and tests: ahead of the real clock it must not
/// let apply delete what the real clock still holds (a validation period, a
/// retention) unless the user says so (`--allow-future-now`), and then the state
/// history records that it did.
public struct PinnedNow: Hashable, Sendable, Codable {
    /// The pinned instant.
    public var at: Date
    /// The real clock when it was pinned.
    public var realClock: Date
    /// `--allow-future-now`: a pinned time ahead of the real clock decides deletions.
    public var allowsFutureDeletions: Bool

    public init(at: Date, realClock: Date, allowsFutureDeletions: Bool = false) {
        self.at = at
        self.realClock = realClock
        self.allowsFutureDeletions = allowsFutureDeletions
    }

    /// The pinned instant is later than the real clock.
    public var isAhead: Bool { at > realClock }

    /// The instant deletions are judged at: the real clock when the pinned one is
    /// ahead of it without `--allow-future-now`, else the pinned one.
    public var deletionTime: Date { isAhead && !allowsFutureDeletions ? realClock : at }

    /// Deletions are decided by a pinned time ahead of the real clock.
    public var decidesFutureDeletions: Bool { isAhead && allowsFutureDeletions }
}
