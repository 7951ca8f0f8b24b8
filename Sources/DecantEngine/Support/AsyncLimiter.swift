/// At most `width` holders at once; the others wait in arrival order. Shared by
/// all actions of an apply so that the number of requests in flight is bounded
/// however many actions are ready.
actor AsyncLimiter {
    private let width: Int
    private var inUse = 0
    private var waiters: [CheckedContinuation<Void, Never>] = []

    init(width: Int) { self.width = max(1, width) }

    func acquire() async {
        if inUse < width {
            inUse += 1
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    func release() {
        if waiters.isEmpty {
            inUse -= 1
        } else {
            waiters.removeFirst().resume()
        }
    }

    /// Runs `body` for every element with at most `width` running at once
    /// (across every caller), and returns the results in input order.
    nonisolated func map<T: Sendable, R: Sendable>(_ elements: [T], _ body: @escaping @Sendable (T) async -> R) async -> [R] {
        await withTaskGroup(of: (Int, R).self) { group in
            for (index, element) in elements.enumerated() {
                await acquire()
                group.addTask {
                    let result = await body(element)
                    await self.release()
                    return (index, result)
                }
            }
            var results = [R?](repeating: nil, count: elements.count)
            for await (index, result) in group { results[index] = result }
            return results.compactMap { $0 }
        }
    }
}
