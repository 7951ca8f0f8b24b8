import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Files a command writes (`--out`, `--code-out`, `--scaffold`): whole or not at
/// all (a temporary file in the same folder, renamed into place), with the mode
/// given from their creation, and errors in plain words naming the file as the
/// user wrote it.
enum OutputFile {
    /// - Parameters:
    ///   - named: the path as given on the command line, for messages.
    ///   - mode: 0600 for saved plans (they name private buckets and objects).
    ///   - createFolders: make missing folders (a scaffold's own plan directory);
    ///     otherwise a missing folder is an error that says so.
    static func write(_ data: Data, to path: String, named: String, mode: mode_t = 0o644, createFolders: Bool = false) throws {
        let (temporary, fd) = try create(beside: path, named: named, mode: mode, createFolders: createFolders)
        var failure: String?
        do {
            try writeAll(Array(data), to: fd, named: named)
        } catch {
            failure = (error as? CommandError)?.description ?? "\(error)"
        }
        close(fd)
        if failure == nil, rename(temporary, path) != 0 { failure = "cannot write \(named): " + errnoText() }
        if let failure {
            unlink(temporary)
            throw CommandError(failure)
        }
    }

    /// A new temporary file in `path`'s folder, opened for writing with `mode`: the
    /// caller writes it and renames it onto `path`, or unlinks it.
    static func create(beside path: String, named: String, mode: mode_t, createFolders: Bool = false) throws -> (String, Int32) {
        let folder = (path as NSString).deletingLastPathComponent
        let shown = (named as NSString).deletingLastPathComponent
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) {
            guard createFolders else {
                throw CommandError("cannot write \(named): the folder \(shown.isEmpty ? folder : shown) does not exist (create it first)")
            }
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw CommandError("cannot write \(named): cannot create the folder \(shown)")
            }
        } else if !isDirectory.boolValue {
            throw CommandError("cannot write \(named): \(shown) is not a folder")
        }
        let temporary = folder + "/." + (path as NSString).lastPathComponent + ".decant-" + UUID().uuidString.prefix(8)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw CommandError("cannot write \(named): \(errnoText())") }
        return (temporary, fd)
    }

    static func writeAll(_ bytes: [UInt8], to fd: Int32, named: String) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                throw CommandError("cannot write \(named): \(errnoText())")
            }
            offset += written
        }
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }
}
