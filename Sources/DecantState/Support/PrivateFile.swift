import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Local copies of a remote state are private from their first byte: a directory
/// made by `mkdtemp` (0700, a fresh name) holding a file created 0600 with
/// `O_EXCL` before anything is written to it.
enum PrivateFile {
    /// A new 0700 directory `<parent>/<stem>XXXXXX`.
    static func makeDirectory(in parent: URL, stem: String) throws(StateError) -> URL {
        var template = Array(parent.appendingPathComponent(stem + "XXXXXX").path.utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer in buffer.baseAddress.flatMap { mkdtemp($0) } }
        guard made != nil else {
            throw .io(path: parent.path, detail: "cannot make a private directory for the state: \(String(cString: strerror(errno)))")
        }
        let bytes = template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return URL(fileURLWithPath: String(decoding: bytes, as: UTF8.self))
    }

    /// Writes `data` to a new file at `path`, mode 0600 from its creation.
    static func create(_ data: Data, at path: String) throws(StateError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .io(path: path, detail: "cannot create the state copy: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        try LockFile.writeAll(fd, data, path: path)
    }
}
