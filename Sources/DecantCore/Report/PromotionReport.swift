import Foundation

/// What `promotion.<env>` says about a plan: per migration, whether the earlier
/// environment applied and verified the same definition, since when, and whether
/// the soak has passed. Apply refuses the migrations it holds back.
public struct PromotionReport: Hashable, Sendable, Codable {
    /// The environment that must go first.
    public var from: String
    public var soak: DurationSpec
    /// The instant the soak is judged at (`--now`, within the rules for a pinned clock).
    public var checkedAt: Date
    /// Where `from`'s state was read (for messages); nil when it has none yet.
    public var fromState: String?
    public var migrations: [Entry]
    /// `--ignore-promotion`: the refusals are overridden (loudly, and recorded).
    public var ignored: Bool

    public init(from: String, soak: DurationSpec, checkedAt: Date, fromState: String?, migrations: [Entry], ignored: Bool = false) {
        self.from = from
        self.soak = soak
        self.checkedAt = checkedAt
        self.fromState = fromState
        self.migrations = migrations
        self.ignored = ignored
    }

    public enum Status: String, Hashable, Sendable, Codable, CaseIterable {
        /// Applied and verified in `from`, the soak passed.
        case promoted
        /// Applied and verified in `from`, the soak not yet passed.
        case soaking
        /// `from` last applied another definition of it (edited since).
        case changed
        /// `from`'s latest run of this definition did not verify it.
        case notVerified = "not_verified"
        /// `from` never applied it (or rolled it back).
        case notApplied = "not_applied"
    }

    public struct Entry: Hashable, Sendable, Codable {
        public var migration: String
        public var status: Status
        /// Since when `from` holds this definition applied and verified.
        public var since: Date?
        /// When the soak passes (`since + soak`).
        public var eligibleFrom: Date?
        /// The plan has work for this migration: apply would run it.
        public var hasWork: Bool

        public init(migration: String, status: Status, since: Date? = nil, eligibleFrom: Date? = nil, hasWork: Bool) {
            self.migration = migration
            self.status = status
            self.since = since
            self.eligibleFrom = eligibleFrom
            self.hasWork = hasWork
        }

        /// Apply would refuse it: it has work and is not promoted.
        public var refused: Bool { hasWork && status != .promoted }
    }

    /// The migrations apply refuses (unless `ignored`).
    public var refused: [Entry] { migrations.filter(\.refused) }
}

extension PromotionReport.Entry {
    /// Why apply refuses it (or would, were it not promoted), in words: `stg never applied it`.
    public func explanation(from: String, soak: DurationSpec, at now: Date) -> String {
        switch status {
        case .promoted:
            return "\(from) applied and verified it \(Self.age(since, now)) ago (soak \(soak) passed)"
        case .soaking:
            return "\(from) applied and verified it \(Self.age(since, now)) ago, under the soak of \(soak)"
                + (eligibleFrom.map { "; eligible from \(RFC3339.format($0))" } ?? "")
        case .changed: return "\(from) last applied another definition of it (edited since): apply this one to \(from) first"
        case .notVerified: return "\(from)'s latest apply of it did not verify it"
        case .notApplied: return "\(from) has not applied it"
        }
    }

    /// `3d 4h`, `5h`, `12m`: how long, to the minute.
    static func age(_ since: Date?, _ now: Date) -> String {
        guard let since else { return "?" }
        let minutes = max(0, Int(now.timeIntervalSince(since) / 60))
        let days = minutes / 1440, hours = (minutes % 1440) / 60, rest = minutes % 60
        if days > 0 { return hours > 0 ? "\(days)d \(hours)h" : "\(days)d" }
        if hours > 0 { return rest > 0 ? "\(hours)h \(rest)m" : "\(hours)h" }
        return "\(rest)m"
    }
}
