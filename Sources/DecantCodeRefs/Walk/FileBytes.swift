#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads files with plain system calls into a buffer the caller reuses, so a
/// scan of thousands of files allocates almost nothing per file.
enum FileBytes {
    enum Outcome: Equatable {
        case read(Int)
        case tooLarge(Int)
        case unreadable(String)
    }

    static func read(_ path: String, maxBytes: Int, into buffer: inout [UInt8]) -> Outcome {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .unreadable(String(cString: strerror(errno))) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return .unreadable(String(cString: strerror(errno))) }
        let size = Int(info.st_size)
        if size > maxBytes { return .tooLarge(size) }
        // One spare byte tells a file that grew since fstat.
        if buffer.count < size + 1 { buffer = [UInt8](repeating: 0, count: max(size + 1, buffer.count * 2, 64 * 1024)) }
        var total = 0
        let capacity = size + 1
        let failure: String? = buffer.withUnsafeMutableBytes { raw -> String? in
            guard let base = raw.baseAddress else { return nil }
            while total < capacity {
                let n = systemRead(fd, base + total, capacity - total)
                if n == 0 { break }
                if n < 0 {
                    if errno == EINTR { continue }
                    return String(cString: strerror(errno))
                }
                total += n
            }
            return nil
        }
        if let failure { return .unreadable(failure) }
        if total > maxBytes { return .tooLarge(total) }
        return .read(total)
    }

    /// A NUL byte in the first 8 KiB marks a binary file (git's rule).
    static func looksBinary(_ buffer: UnsafeRawBufferPointer) -> Bool {
        guard let base = buffer.baseAddress else { return false }
        return memchr(base, 0, min(buffer.count, 8192)) != nil
    }
}

#if canImport(Glibc)
private func systemRead(_ fd: Int32, _ buf: UnsafeMutableRawPointer, _ n: Int) -> Int { Glibc.read(fd, buf, n) }
#else
private func systemRead(_ fd: Int32, _ buf: UnsafeMutableRawPointer, _ n: Int) -> Int { Darwin.read(fd, buf, n) }
#endif
