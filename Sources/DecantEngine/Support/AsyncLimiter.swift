import Foundation

/// At most `width` holders at once; the others wait in arrival order. Shared by
/// all actions of an apply so that the number of requests in flight is bounded
/// however many actions are ready; planning and analysis bound their listings
/// with one of their own.
///
/// A lock rather than an actor: taking and giving back a slot is a few
/// instructions, where an actor cost two hops per element (per copy).
/// `@unchecked Sendable`: `inUse` and `waiters` are only touched under `lock`.
final class AsyncLimiter: @unchecked Sendable {
    private let width: Int
    private let lock = NSLock()
    private var inUse = 0
    private var waiters: [CheckedContinuation<Void, Never>] = []

    init(width: Int) { self.width = max(1, width) }

    func acquire() async {
        if lock.withLock({ takeSlot() }) { return }
        await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
            // A slot may have come free since the look above.
            let now = lock.withLock { () -> Bool in
                if takeSlot() { return true }
                waiters.append(waiter)
                return false
            }
            if now { waiter.resume() }
        }
    }

    /// Gives a slot back, or hands it to the first waiter.
    func release() {
        let next = lock.withLock { () -> CheckedContinuation<Void, Never>? in
            if waiters.isEmpty {
                inUse -= 1
                return nil
            }
            return waiters.removeFirst()
        }
        next?.resume()
    }

    /// Under `lock`.
    private func takeSlot() -> Bool {
        guard inUse < width else { return false }
        inUse += 1
        return true
    }

    /// Runs `body` for every element with at most `width` running at once
    /// (across every caller), and returns the results in input order.
    func map<T: Sendable, R: Sendable>(_ elements: [T], _ body: @escaping @Sendable (T) async -> R) async -> [R] {
        await withTaskGroup(of: (Int, R).self) { group in
            var results = [R?](repeating: nil, count: elements.count)
            var unread = 0
            for (index, element) in elements.enumerated() {
                // A finished child keeps its memory until its result is read: read
                // as they finish, so that a million elements do not hold a million tasks.
                while unread >= width, let (index, result) = await group.next() {
                    results[index] = result
                    unread -= 1
                }
                await acquire()
                group.addTask {
                    let result = await body(element)
                    self.release()
                    return (index, result)
                }
                unread += 1
            }
            for await (index, result) in group { results[index] = result }
            return results.compactMap { $0 }
        }
    }

    /// Like `map`, for a body that throws: the first error stops starting new
    /// elements, cancels those in flight and is rethrown.
    func map<T: Sendable, R: Sendable>(_ elements: [T], _ body: @escaping @Sendable (T) async throws -> R) async throws -> [R] {
        let failed = FailureFlag()
        return try await withThrowingTaskGroup(of: (Int, R).self) { group in
            var results = [R?](repeating: nil, count: elements.count)
            var unread = 0
            for (index, element) in elements.enumerated() {
                // As above; the first error read is rethrown, as below.
                while unread >= width, let (index, result) = try await group.next() {
                    results[index] = result
                    unread -= 1
                }
                await acquire()
                guard await !failed.isSet else {
                    release()
                    break
                }
                group.addTask {
                    do {
                        let result = try await body(element)
                        self.release()
                        return (index, result)
                    } catch {
                        await failed.set()
                        self.release()
                        throw error
                    }
                }
                unread += 1
            }
            for try await (index, result) in group { results[index] = result }
            return results.compactMap { $0 }
        }
    }
}

/// Set once an element of a throwing `map` failed.
private actor FailureFlag {
    private(set) var isSet = false
    func set() { isSet = true }
}
