import DecantStorage
import Foundation

/// Says on stderr that the store is retrying, as it happens: what (the call and the
/// object), why (the error) and which attempt. A dying endpoint makes every request
/// in flight retry at once, so a line is printed at most every `interval` seconds,
/// with how many other retries came since the last one.
final class RetryLog: @unchecked Sendable {
    // Safe: the mutable fields are used only under `lock`; events come from many tasks.
    private let console: any Console
    private let interval: TimeInterval
    private let lock = NSLock()
    private var lastLine: Date?
    private var since = 0

    init(console: any Console, interval: TimeInterval = 5) {
        self.console = console
        self.interval = interval
    }

    func handle(_ event: GCSEvent) {
        switch event {
        case let .retrying(method, attempt, maxAttempts, delay, error):
            let line: String? = lock.withLock {
                let now = Date()
                if let lastLine, now.timeIntervalSince(lastLine) < interval {
                    since += 1
                    return nil
                }
                let others = since == 0 ? "" : " (\(since) other retr\(since == 1 ? "y" : "ies") since the last line)"
                lastLine = now
                since = 0
                return "retrying \(method), attempt \(attempt) of \(maxAttempts) failed, next in "
                    + String(format: "%.1f s", delay) + ": \(error.errorDescription ?? "temporary failure")\(others)\n"
            }
            if let line { console.err(line) }
        }
    }
}
