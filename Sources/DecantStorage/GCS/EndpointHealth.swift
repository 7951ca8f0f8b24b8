import Foundation

/// The run-wide view of one endpoint's health, shared by every call of a store.
/// Each call retries on its own (RetryPolicy: up to 10 attempts within 10 minutes),
/// which alone let an apply sit silent for ten minutes behind a dead emulator, every
/// request of 128 retrying "connection refused". Across calls, the endpoint is
/// judged down when no request has succeeded for `silence` seconds while requests
/// fail, or after `consecutiveFailures` connection failures in a row (no HTTP answer
/// in between) spread over at least `span` seconds, so that a blip that fails every
/// request in flight at once is retried. From then on every call fails at once
/// with `StoreError.unavailable`, and the caller stops starting work.
public final class EndpointHealth: @unchecked Sendable {
    // @unchecked: every mutable field is read and written only under `lock`.
    public struct Limits: Sendable {
        public var silence: Double
        public var consecutiveFailures: Int
        public var span: Double

        public init(silence: Double = 90, consecutiveFailures: Int = 8, span: Double = 10) {
            self.silence = silence
            self.consecutiveFailures = consecutiveFailures
            self.span = span
        }
    }

    /// The endpoint, for messages (no query, no credentials).
    public let endpoint: String
    private let limits: Limits
    private let clock: @Sendable () -> Double
    private let lock = NSLock()
    /// When the failures since the last success began (nil: the last call succeeded).
    private var failingSince: Double?
    private var streak = 0
    private var streakStart: Double?
    private var verdict: StoreError?
    /// Calls sleeping before a retry, woken when the verdict comes.
    private var sleepers: [UUID: CheckedContinuation<Void, Never>] = [:]

    /// - Parameter clock: seconds on a monotonic clock (injectable for tests).
    public init(endpoint: String, limits: Limits = Limits(),
                clock: @escaping @Sendable () -> Double = { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }) {
        self.endpoint = endpoint
        self.limits = limits
        self.clock = clock
    }

    /// The verdict once the endpoint is judged down; nil while it is not.
    public var unavailable: StoreError? { lock.withLock { verdict } }

    /// Throws the verdict once the endpoint is judged down.
    func check() throws(StoreError) {
        if let verdict = unavailable { throw verdict }
    }

    /// The endpoint answered (an HTTP answer that is not 429 or 5xx).
    func answered() {
        lock.withLock {
            guard verdict == nil else { return }
            failingSince = nil
            streak = 0
            streakStart = nil
        }
    }

    /// A call failed: with no HTTP answer at all (`connection`), or with 429/5xx.
    /// Returns the verdict when this failure makes the endpoint down.
    func failed(connection: Bool, detail: String) -> StoreError? {
        lock.withLock {
            if let verdict { return verdict }
            let now = clock()
            let since = failingSince ?? now
            failingSince = since
            if connection {
                streak += 1
                streakStart = streakStart ?? now
            } else {
                streak = 0
                streakStart = nil
            }
            let why: String
            if let start = streakStart, streak >= limits.consecutiveFailures, now - start >= limits.span {
                why = "\(streak) connection failures in a row over \(Self.seconds(now - start)); the last: \(detail)"
            } else if now - since >= limits.silence {
                why = "no request succeeded for \(Self.seconds(now - since)); the last failure: \(detail)"
            } else {
                return nil
            }
            verdict = .unavailable(endpoint: endpoint, detail: why)
            for sleeper in sleepers.values { sleeper.resume() }
            sleepers.removeAll()
            return verdict
        }
    }

    /// Sleeps `sleep` (a retry's backoff), or less: until the endpoint is judged down.
    func sleep(_ sleep: @escaping @Sendable () async -> Void) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await sleep() }
            group.addTask { await self.untilDown() }
            await group.next()
            group.cancelAll()
        }
    }

    /// Returns once the endpoint is judged down, or when the task is cancelled.
    private func untilDown() async {
        let id = UUID()
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow: Bool = lock.withLock {
                    if verdict != nil || Task.isCancelled { return true }
                    sleepers[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            lock.withLock { sleepers.removeValue(forKey: id) }?.resume()
        }
    }

    static func seconds(_ value: Double) -> String { String(format: "%.0f s", value) }
}
