import Foundation

/// Runs blocking work (waiting for a child process, a blocking read, a sleep) on a
/// thread of its own. A test that blocks inside an `async` function holds one of the
/// few threads Swift concurrency runs every task on (as many as there are cores: two
/// here), and under load the other tests' tasks — the continuation of a request that
/// timed out, a retry's backoff — wait for it, until their own deadlines pass.
public enum OffPool {
    public static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try body() }) }.start()
        }
    }

    public static func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: body()) }.start()
        }
    }
}
