import DecantCore
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A lock file next to a local state (`<db>.lock`) holding the holder's JSON.
///
/// Taking it is atomic and exclusive across processes: the JSON is written to a
/// private temporary file, which is `flock`ed and then hard-linked to the lock
/// path (`link(2)` fails with EEXIST if the lock exists, like `O_EXCL`), so the
/// lock never exists empty and its `flock` is held from the first instant. The
/// holder keeps the descriptor open: when its process dies the `flock` goes with
/// it, which is how a stale lock is told apart from a live one. Nothing ever takes
/// a stale lock over; only `remove(expectedID:)` does, for `decant state unlock`.
enum LockFile {
    /// Creates the lock; returns the descriptor that holds its `flock`.
    static func create(at path: String, info: LockInfo, probe: ProcessProbe) throws(StateError) -> Int32 {
        let data = try info.encoded()
        let temporary = "\(path).\(info.id).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .io(path: temporary, detail: "cannot create: \(errnoText())") }
        defer { unlink(temporary) }
        do throws(StateError) {
            try writeAll(fd, data, path: temporary)
            guard fsync(fd) == 0 else { throw StateError.io(path: temporary, detail: "fsync: \(errnoText())") }
            guard flock(fd, LOCK_EX | LOCK_NB) == 0 else { throw StateError.io(path: temporary, detail: "flock: \(errnoText())") }
            if link(temporary, path) == 0 { return fd }
            let linkErrno = errno
            if linkErrno == EEXIST { throw try lockedError(path: path, probe: probe) }
            // File systems without hard links fall back to O_EXCL on the lock path below.
            guard linkErrno == EPERM || linkErrno == ENOTSUP || linkErrno == EOPNOTSUPP || linkErrno == ENOSYS else {
                throw StateError.io(path: path, detail: "cannot create the lock: \(String(cString: strerror(linkErrno)))")
            }
        } catch {
            close(fd)
            throw error
        }
        close(fd)
        return try createExclusive(at: path, data: data, probe: probe)
    }

    private static func createExclusive(at path: String, data: Data, probe: ProcessProbe) throws(StateError) -> Int32 {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            if errno == EEXIST { throw try lockedError(path: path, probe: probe) }
            throw .io(path: path, detail: "cannot create the lock: \(errnoText())")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw .io(path: path, detail: "flock: \(errnoText())")
        }
        do throws(StateError) {
            try writeAll(fd, data, path: path)
        } catch {
            close(fd)
            unlink(path)
            throw error
        }
        return fd
    }

    /// The lock's content, nil when there is no lock file.
    static func read(at path: String) throws(StateError) -> LockInfo? {
        guard let data = FileManager.default.contents(atPath: path) else {
            if access(path, F_OK) != 0 { return nil }
            throw .lockUnreadable(location: path, detail: "cannot read it")
        }
        guard let info = LockInfo.decode(data) else {
            throw .lockUnreadable(location: path, detail: "not a decant lock (\(data.count) bytes)")
        }
        return info
    }

    /// The error for "someone holds it", saying whether the holder is gone.
    static func lockedError(path: String, probe: ProcessProbe) throws(StateError) -> StateError {
        guard let holder = try read(at: path) else {
            return .lockUnreadable(location: path, detail: "it vanished while being read; try again")
        }
        return .locked(location: path, holder: holder, stale: isStale(path: path, holder: holder, probe: probe))
    }

    /// True when the holder is known gone: its process is dead, or nobody holds the
    /// lock's `flock`. Nil when it lives on another host and cannot be told.
    static func isStale(path: String, holder: LockInfo, probe: ProcessProbe) -> Bool? {
        guard holder.host == HostIdentity.hostName else { return nil }
        if probe.isAlive(holder.host, holder.pid) == false { return true }
        return !isFlockHeld(path: path)
    }

    /// Whether some open descriptor holds the `flock` of the file at `path`.
    static func isFlockHeld(path: String) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        if flock(fd, LOCK_EX | LOCK_NB) == 0 {
            flock(fd, LOCK_UN)
            return false
        }
        return true
    }

    /// Removes the lock if its id is `expectedID`.
    static func remove(at path: String, expectedID: String) throws(StateError) {
        guard let holder = try read(at: path) else { throw .notLocked(location: path) }
        guard holder.id == expectedID else { throw .lockIDMismatch(location: path, given: expectedID, holder: holder) }
        guard unlink(path) == 0 else { throw .io(path: path, detail: "cannot remove the lock: \(errnoText())") }
    }

    /// Writes all of `data` to `fd` (retrying short writes and EINTR).
    static func writeAll(_ fd: Int32, _ data: Data, path: String) throws(StateError) {
        var failure: String?
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = write(fd, raw.baseAddress.map { $0 + offset }, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = errnoText()
                    return
                }
                offset += written
            }
        }
        if let failure { throw .io(path: path, detail: "write: \(failure)") }
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }
}
