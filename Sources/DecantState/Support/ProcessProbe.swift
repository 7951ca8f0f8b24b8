import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Tells whether the process that owns a run or a lock is still alive. Only a
/// process on this host can be probed; for another host the answer is nil.
public struct ProcessProbe: Sendable {
    public let isAlive: @Sendable (_ host: String, _ pid: Int32) -> Bool?

    public init(isAlive: @escaping @Sendable (_ host: String, _ pid: Int32) -> Bool?) {
        self.isAlive = isAlive
    }

    /// `kill(pid, 0)` on this host: ESRCH means gone; EPERM means alive (someone else's).
    public static let system = ProcessProbe { host, pid in
        guard host == HostIdentity.hostName else { return nil }
        guard pid > 0 else { return false }
        if kill(pid, 0) == 0 { return true }
        return errno == EPERM
    }
}

/// Who and where this process is, for run records and locks (never credentials).
public enum HostIdentity {
    /// `gethostname(2)`, or "localhost".
    public static var hostName: String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.isEmpty ? "localhost" : name
    }

    /// The login name: `USER`, `LOGNAME`, else the password entry of the uid.
    public static var userName: String {
        let environment = ProcessInfo.processInfo.environment
        if let user = environment["USER"], !user.isEmpty { return user }
        if let user = environment["LOGNAME"], !user.isEmpty { return user }
        if let entry = getpwuid(getuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return "uid\(getuid())"
    }

    public static var processID: Int32 { getpid() }
}
