import Foundation

/// Truncated exponential backoff with full jitter (GCS.md §Rates and retries):
/// before attempt n+1 wait a random time in [0, min(cap, initial × multiplier^(n-1))],
/// for at most `maxAttempts` attempts and `maxElapsed` in total. What is retried
/// is decided by the caller (408, 429, 5xx, timeouts, resets; mutations only when
/// idempotent); this type only says how long to wait and when to give up.
public struct RetryPolicy: Sendable {
    public var initialDelay: Double
    public var maximumDelay: Double
    public var multiplier: Double
    public var maxAttempts: Int
    /// Seconds from the first attempt after which no new attempt starts.
    public var maxElapsed: Double
    /// Waits the given number of seconds (injectable so tests run fast).
    public var sleep: @Sendable (Double) async -> Void
    /// A random number in 0...upper (injectable so tests are deterministic).
    public var random: @Sendable (Double) -> Double

    public init(initialDelay: Double = 1, maximumDelay: Double = 30, multiplier: Double = 2, maxAttempts: Int = 10,
                maxElapsed: Double = 600, sleep: @escaping @Sendable (Double) async -> Void = RetryPolicy.taskSleep,
                random: @escaping @Sendable (Double) -> Double = { Double.random(in: 0...max($0, 0)) }) {
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
        self.multiplier = multiplier
        self.maxAttempts = maxAttempts
        self.maxElapsed = maxElapsed
        self.sleep = sleep
        self.random = random
    }

    /// GCS's recommendation: 1 s, ×2, capped at 30 s; 10 attempts within 10 minutes.
    public static let standard = RetryPolicy()

    /// No retry at all.
    public static let none = RetryPolicy(maxAttempts: 1)

    /// The upper bound of the wait after `attempt` failed attempts (1-based).
    public func ceiling(afterAttempt attempt: Int) -> Double {
        let exponent = Double(max(attempt - 1, 0))
        return min(maximumDelay, initialDelay * pow(multiplier, exponent))
    }

    /// The wait before the next attempt; a server's `Retry-After` (seconds) is a floor.
    public func delay(afterAttempt attempt: Int, retryAfter: Double? = nil) -> Double {
        let jittered = random(ceiling(afterAttempt: attempt))
        guard let retryAfter else { return jittered }
        return min(max(jittered, retryAfter), maximumDelay)
    }

    /// Whether another attempt may start after `attempt` failed ones and `elapsed` seconds.
    public func allowsAnotherAttempt(after attempt: Int, elapsed: Double) -> Bool {
        attempt < maxAttempts && elapsed < maxElapsed
    }

    public static let taskSleep: @Sendable (Double) async -> Void = { seconds in
        guard seconds > 0 else { return }
        try? await Task.sleep(nanoseconds: UInt64(seconds * 1_000_000_000))
    }
}
