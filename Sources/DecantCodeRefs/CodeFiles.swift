#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import DecantCore
import Foundation

/// Writing planned edits to the code root.
public enum CodeFiles {
    /// Writes `edit` atomically (a temporary file in the same folder, with the
    /// original's mode, renamed over it) if the file's current SHA-256 is
    /// `edit.beforeHash`; a file already holding the edited content is left
    /// alone (an apply run again after a crash). Otherwise throws
    /// `CodeRefsError.fileChanged` naming the file.
    public static func apply(_ edit: CodeEdit, root: String) throws {
        let url = try resolve(edit.path, root: root)
        var info = stat()
        if lstat(url.path, &info) == 0, info.st_mode & S_IFMT == S_IFLNK {
            throw CodeRefsError.linkedFile(path: edit.path, target: FileWalker.linkTarget(url.path))
        }
        let current: Data
        do {
            current = try Data(contentsOf: url)
        } catch {
            throw FileManager.default.fileExists(atPath: url.path) ? CodeRefsError.readFailed(path: edit.path, reason: error.localizedDescription)
                : CodeRefsError.fileMissing(edit.path)
        }
        let hash = Digest.sha256Hex(current)
        if hash == edit.afterHash { return }
        guard hash == edit.beforeHash else {
            throw CodeRefsError.fileChanged(path: edit.path, expected: edit.beforeHash, actual: hash)
        }
        try write(Data(edit.afterContent.utf8), to: url, displayPath: edit.path)
    }

    /// The absolute URL of `path` under `root`, refusing paths that leave it.
    static func resolve(_ path: String, root: String) throws -> URL {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard !path.isEmpty, !path.hasPrefix("/"), !parts.contains(where: { $0 == ".." || $0 == "." || $0.isEmpty }) else {
            throw CodeRefsError.unsafePath(path)
        }
        return URL(fileURLWithPath: root).appendingPathComponent(path)
    }

    private static func write(_ data: Data, to url: URL, displayPath: String) throws {
        var info = stat()
        let mode: mode_t = lstat(url.path, &info) == 0 ? info.st_mode & 0o7777 : 0o644
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).decant-\(UUID().uuidString)")
        do {
            try data.write(to: temporary)
            guard chmod(temporary.path, mode) == 0, rename(temporary.path, url.path) == 0 else {
                let why = String(cString: strerror(errno))
                try? FileManager.default.removeItem(at: temporary)
                throw CodeRefsError.writeFailed(path: displayPath, reason: why)
            }
        } catch let error as CodeRefsError {
            throw error
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw CodeRefsError.writeFailed(path: displayPath, reason: error.localizedDescription)
        }
    }
}
