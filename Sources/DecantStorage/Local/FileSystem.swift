#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A failed file-system call: the operation, the path and `errno`.
struct FileError: Error, Equatable {
    var operation: String
    var path: String
    var code: Int32

    var message: String { "\(operation) \(path): \(String(cString: strerror(code)))" }
    var isNotFound: Bool { code == ENOENT }
}

/// The few POSIX calls the local store is built on. Names are already validated
/// (no `..`, no leading `/`) before they reach here.
enum FileSystem {
    /// Device and inode: tells whether a path still names the file that was opened.
    struct Identity: Equatable, Sendable {
        var device: UInt64
        var inode: UInt64
    }

    struct Status {
        var identity: Identity
        var size: Int64
        var isDirectory: Bool
        var modified: Date
    }

    static func status(_ path: String) -> Status? {
        var st = stat()
        guard lstat(path, &st) == 0 else { return nil }
        #if canImport(Darwin)
        let modified = Date(timeIntervalSince1970: Double(st.st_mtimespec.tv_sec))
        #else
        let modified = Date(timeIntervalSince1970: Double(st.st_mtim.tv_sec))
        #endif
        return Status(identity: Identity(device: UInt64(st.st_dev), inode: UInt64(st.st_ino)),
                      size: Int64(st.st_size), isDirectory: (st.st_mode & S_IFMT) == S_IFDIR, modified: modified)
    }

    static func exists(_ path: String) -> Bool { status(path) != nil }

    /// Creates a new file (never replaces one) holding `data`, optionally flushed to disk.
    static func createFile(_ path: String, _ data: Data, sync: Bool) throws(FileError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FileError(operation: "create", path: path, code: errno) }
        defer { close(fd) }
        var failure: Int32 = 0
        data.withUnsafeBytes { raw in
            guard var pointer = raw.baseAddress else { return }
            var remaining = raw.count
            while remaining > 0 {
                let written = write(fd, pointer, remaining)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                pointer += written
                remaining -= written
            }
        }
        if failure != 0 { throw FileError(operation: "write", path: path, code: failure) }
        if sync, fsync(fd) != 0 { throw FileError(operation: "fsync", path: path, code: errno) }
    }

    static func readAll(_ path: String) throws(FileError) -> Data {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileError(operation: "open", path: path, code: errno) }
        defer { close(fd) }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw FileError(operation: "read", path: path, code: errno)
            }
            if count == 0 { return data }
            data.append(contentsOf: buffer[0..<count])
        }
    }

    static func move(_ from: String, _ to: String) throws(FileError) {
        guard rename(from, to) == 0 else { throw FileError(operation: "rename", path: to, code: errno) }
    }

    static func hardLink(_ from: String, _ to: String) throws(FileError) {
        guard link(from, to) == 0 else { throw FileError(operation: "link", path: to, code: errno) }
    }

    /// Removes a file; a missing one is not an error.
    static func remove(_ path: String) throws(FileError) {
        guard unlink(path) == 0 || errno == ENOENT else { throw FileError(operation: "unlink", path: path, code: errno) }
    }

    /// Creates a directory and its missing parents (mode 0755).
    static func makeDirectories(_ path: String) throws(FileError) {
        if mkdir(path, 0o755) == 0 || errno == EEXIST {
            guard status(path)?.isDirectory == true else { throw FileError(operation: "mkdir", path: path, code: ENOTDIR) }
            return
        }
        guard errno == ENOENT else { throw FileError(operation: "mkdir", path: path, code: errno) }
        let parent = (path as NSString).deletingLastPathComponent
        guard !parent.isEmpty, parent != path else { throw FileError(operation: "mkdir", path: path, code: ENOENT) }
        try makeDirectories(parent)
        guard mkdir(path, 0o755) == 0 || errno == EEXIST else { throw FileError(operation: "mkdir", path: path, code: errno) }
    }

    /// Removes the empty directories from `directory` up to (not including) `stop`.
    static func removeEmptyDirectories(from directory: String, upTo stop: String) {
        var current = directory
        while current.count > stop.count, current.hasPrefix(stop + "/") {
            guard rmdir(current) == 0 else { return }
            current = (current as NSString).deletingLastPathComponent
        }
    }

    static func list(_ directory: String) -> [String] {
        guard let dir = opendir(directory) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw -> String? in
                guard let base = raw.bindMemory(to: CChar.self).baseAddress else { return nil }
                return String(cString: base)
            }
            if let name, name != ".", name != ".." { names.append(name) }
        }
        return names
    }

    static func removeTree(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }
}
