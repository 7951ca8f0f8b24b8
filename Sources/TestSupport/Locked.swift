import Foundation

/// A value shared between threads behind a lock (test helpers only).
public final class Locked<Value>: @unchecked Sendable {
    // @unchecked: `value` is only read or written inside `lock`, so no two
    // threads ever touch it at once.
    private let lock = NSLock()
    private var value: Value

    public init(_ value: Value) { self.value = value }

    public func withLock<T>(_ body: (inout Value) throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }

    public var current: Value { withLock { $0 } }
}
