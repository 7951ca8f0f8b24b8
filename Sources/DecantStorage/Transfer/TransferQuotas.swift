import Foundation

/// How much of a project's Storage Transfer Service quota one decant process takes.
/// The project's limits (reference, "Quotas and limits"): 1,500 reads (`get`, `list`)
/// and 600 `transferJobs.create` a minute, 200 operations in progress. Several
/// applies may share a project (dev and stg often do), so decant takes 40 % of each
/// by default; a 429 that still comes is retried with backoff.
public struct TransferQuotas: Sendable {
    public var readsPerMinute: Double?
    public var createsPerMinute: Double?
    /// Monotonic seconds (injectable so tests need not wait).
    public var now: @Sendable () -> Double
    public var sleep: @Sendable (Double) async -> Void

    public init(readsPerMinute: Double?, createsPerMinute: Double?,
                now: @escaping @Sendable () -> Double = TransferQuotas.monotonicSeconds,
                sleep: @escaping @Sendable (Double) async -> Void = RetryPolicy.taskSleep) {
        self.readsPerMinute = readsPerMinute
        self.createsPerMinute = createsPerMinute
        self.now = now
        self.sleep = sleep
    }

    public static let standard = TransferQuotas(readsPerMinute: 600, createsPerMinute: 240)
    /// No pacing at all (tests against a local server).
    public static let unlimited = TransferQuotas(readsPerMinute: nil, createsPerMinute: nil)

    public static let monotonicSeconds: @Sendable () -> Double = {
        Double(DispatchTime.now().uptimeNanoseconds) / 1e9
    }
}

/// Spaces calls evenly so that no more than `perMinute` start in any minute. Each
/// caller reserves the next free slot before it waits, so concurrent callers (an
/// actor is re-entered while one sleeps) never share a slot.
public actor TransferPacer {
    private let interval: Double
    private let now: @Sendable () -> Double
    private let sleep: @Sendable (Double) async -> Void
    private var nextSlot: Double?

    /// `perMinute` nil or not positive: no pacing.
    public init(perMinute: Double?, now: @escaping @Sendable () -> Double = TransferQuotas.monotonicSeconds,
                sleep: @escaping @Sendable (Double) async -> Void = RetryPolicy.taskSleep) {
        interval = perMinute.map { $0 > 0 ? 60 / $0 : 0 } ?? 0
        self.now = now
        self.sleep = sleep
    }

    /// Waits for this call's slot.
    public func acquire() async {
        guard interval > 0 else { return }
        let current = now()
        let slot = max(current, nextSlot ?? current)
        nextSlot = slot + interval
        if slot > current { await sleep(slot - current) }
    }
}

/// How often to poll a running operation: every `initialInterval` seconds while its
/// counters move, backing off by `multiplier` up to `maximumInterval` while they do
/// not. One poll is one read, paced by `TransferQuotas` as well.
public struct TransferPollPolicy: Sendable {
    public var initialInterval: Double
    public var maximumInterval: Double
    public var multiplier: Double
    public var sleep: @Sendable (Double) async -> Void

    public init(initialInterval: Double = 10, maximumInterval: Double = 60, multiplier: Double = 1.5,
                sleep: @escaping @Sendable (Double) async -> Void = RetryPolicy.taskSleep) {
        self.initialInterval = initialInterval
        self.maximumInterval = maximumInterval
        self.multiplier = multiplier
        self.sleep = sleep
    }

    public static let standard = TransferPollPolicy()

    /// The wait after a poll, given the previous wait and whether the counters moved.
    public func next(after previous: Double?, progressed: Bool) -> Double {
        guard let previous, !progressed else { return initialInterval }
        return min(maximumInterval, previous * multiplier)
    }
}
