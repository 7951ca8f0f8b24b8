import Dispatch

/// A serial executor backed by a dispatch queue, so that an actor whose methods
/// block (SQLite with a busy timeout, file-system calls) runs them on a thread of
/// its own instead of one of the few threads of the cooperative pool.
final class QueueExecutor: SerialExecutor {
    let queue: DispatchQueue

    init(label: String) {
        queue = DispatchQueue(label: label)
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedSerialExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }
}
