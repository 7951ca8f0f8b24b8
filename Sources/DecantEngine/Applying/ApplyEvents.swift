import DecantCore
import Foundation

/// What happens during an apply, reported as it happens; the engine never prints.
public enum ApplyEvent: Sendable {
    case started(serial: Int64, actions: Int, objects: Int, bytes: Int64)
    case actionStarted(Action)
    case actionFinished(ActionOutcome)
    /// Objects finished inside an action (copied, verified, deleted).
    case progress(objects: Int, bytes: Int64)
    case finished(ApplyResult)
}

public protocol ApplyObserver: Sendable {
    func handle(_ event: ApplyEvent)
}

/// An observer that ignores everything.
public struct SilentObserver: ApplyObserver {
    public init() {}
    public func handle(_ event: ApplyEvent) {}
}
