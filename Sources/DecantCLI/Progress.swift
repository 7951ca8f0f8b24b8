import DecantCore
import DecantEngine
import Foundation

/// Reports an apply as it goes: a live line on a terminal (objects, bytes, rate,
/// ETA), a log line every few seconds without one (CI), or one JSON object per
/// event (`--json`).
final class ProgressReporter: ApplyObserver, @unchecked Sendable {
    // Safe: all mutable state is guarded by `lock`; events arrive from many tasks.
    enum Mode { case terminal, log, json }

    private let console: any Console
    private let mode: Mode
    private let interval: TimeInterval
    private let lock = NSLock()
    private var totalObjects = 0
    private var totalBytes: Int64 = 0
    private var doneObjects = 0
    private var doneBytes: Int64 = 0
    private var started = Date()
    private var lastReport = Date.distantPast
    private var lineShown = false
    /// Error texts already printed.
    private var reported: Set<String> = []

    init(console: any Console, mode: Mode, interval: TimeInterval? = nil) {
        self.console = console
        self.mode = mode
        self.interval = interval ?? (mode == .terminal ? 0.2 : 5)
    }

    func handle(_ event: ApplyEvent) {
        lock.lock()
        defer { lock.unlock() }
        switch mode {
        case .json: emitJSON(event)
        case .terminal, .log: emitText(event)
        }
    }

    private func emitText(_ event: ApplyEvent) {
        switch event {
        case let .started(serial, actions, objects, bytes):
            totalObjects = objects
            totalBytes = bytes
            started = Date()
            console.err("Applying \(actions) action(s), \(objects) object(s) (\(ByteFormat.string(bytes))) as state serial \(serial)\n")
        case .actionStarted:
            break
        case .actionFinished(let outcome):
            if outcome.status != .succeeded {
                clearLine()
                // One cause (a dead endpoint) fails many actions: its words are printed once.
                let error = outcome.errors.first ?? ""
                let words = error.isEmpty || reported.insert(error).inserted ? error : "(the same error as above)"
                console.err("\(outcome.status == .failed ? "failed" : "skipped"): \(outcome.id) \(words)\n")
            } else if mode == .log, !outcome.kind.isObjectBatch {
                console.err("done: \(outcome.id)\n")
            }
        case let .progress(objects, bytes):
            doneObjects += objects
            doneBytes += bytes
            let now = Date()
            if now.timeIntervalSince(lastReport) >= interval {
                lastReport = now
                report(now)
            }
        case .transfer(let poll):
            // One line a poll: the operation's own counters, as the service reports them.
            clearLine()
            console.err(Self.transferLine(poll) + "\n")
        case .finished:
            if doneObjects > 0 { report(Date()) }
            clearLine()
        }
    }

    private func report(_ now: Date) {
        let elapsed = max(now.timeIntervalSince(started), 0.001)
        let rate = Double(doneObjects) / elapsed
        var text = "\(doneObjects)/\(totalObjects) objects, \(ByteFormat.string(doneBytes))/\(ByteFormat.string(totalBytes)), \(String(format: "%.0f", rate)) objects/s"
        if rate > 0, totalObjects > doneObjects {
            let eta = Double(totalObjects - doneObjects) / rate
            text += ", ETA \(Self.duration(eta))"
        }
        if mode == .terminal {
            console.err("\r\u{1B}[2K" + text)
            lineShown = true
        } else {
            console.err(text + "\n")
        }
    }

    private func clearLine() {
        if lineShown {
            console.err("\r\u{1B}[2K")
            lineShown = false
        }
    }

    private func emitJSON(_ event: ApplyEvent) {
        var object: [String: Any] = ["time": RFC3339.format(Date())]
        switch event {
        case let .started(serial, actions, objects, bytes):
            object["event"] = "started"; object["serial"] = serial; object["actions"] = actions
            object["objects"] = objects; object["bytes"] = bytes
        case .actionStarted(let action):
            object["event"] = "action_started"; object["id"] = action.id.rawValue; object["kind"] = action.kind.rawValue
            object["objects"] = action.objects.count
        case .actionFinished(let outcome):
            object["event"] = "action_finished"; object["id"] = outcome.id.rawValue; object["status"] = outcome.status.rawValue
            object["objects"] = outcome.done.objects; object["bytes"] = outcome.done.bytes; object["errors"] = outcome.errors
        case let .progress(objects, bytes):
            doneObjects += objects
            doneBytes += bytes
            let now = Date()
            guard now.timeIntervalSince(lastReport) >= 1 else { return }
            lastReport = now
            object["event"] = "progress"; object["objects_done"] = doneObjects; object["bytes_done"] = doneBytes
        case .transfer(let poll):
            let c = poll.counters
            object["event"] = "transfer"; object["id"] = poll.action.rawValue; object["job"] = poll.job
            object["operation"] = poll.operation; object["status"] = poll.status; object["attached"] = poll.attached
            object["objects_found"] = c.objectsFoundFromSource; object["objects_copied"] = c.objectsCopiedToSink
            object["bytes_copied"] = c.bytesCopiedToSink; object["objects_skipped"] = c.objectsFromSourceSkippedBySync
            object["objects_failed"] = c.objectsFromSourceFailed
        case .finished(let result):
            object["event"] = "finished"; object["serial"] = result.serial; object["status"] = result.status.rawValue
            object["succeeded"] = result.succeeded.count; object["failed"] = result.failed.count; object["skipped"] = result.skipped.count
        }
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return }
        console.out(String(decoding: data, as: UTF8.self) + "\n")
    }

    /// `transfer copy:m:transfer-0000 IN_PROGRESS: 3/10 objects copied (1.2 KiB), 0 skipped, 0 failed`.
    static func transferLine(_ poll: TransferProgress) -> String {
        let c = poll.counters
        return "transfer \(poll.action) \(poll.status)\(poll.attached ? " (resumed)" : ""): "
            + "\(c.objectsCopiedToSink)/\(c.objectsFoundFromSource) objects copied (\(ByteFormat.string(c.bytesCopiedToSink))), "
            + "\(c.objectsFromSourceSkippedBySync) skipped, \(c.objectsFromSourceFailed) failed [\(poll.operation)]"
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m\(String(format: "%02d", s % 60))s" }
        return "\(s / 3600)h\(String(format: "%02d", (s % 3600) / 60))m"
    }
}

extension ActionKind {
    var isObjectBatch: Bool { [.copy, .verify, .deleteSource, .restoreObject, .deleteCopy].contains(self) }
}
