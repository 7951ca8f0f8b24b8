import DecantCore
import Foundation

/// A file of the code root named by a recorded edit, read only to hash it.
enum CodeFile {
    /// The file's URL, refusing paths that would leave `root`.
    static func url(_ path: String, root: String) throws(EngineError) -> URL {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard !path.isEmpty, !path.hasPrefix("/"), !parts.contains(where: { $0 == ".." || $0 == "." || $0.isEmpty }) else {
            throw .unsafePath(path)
        }
        return URL(fileURLWithPath: root).appendingPathComponent(path)
    }

    /// SHA-256 hex of the file's bytes, nil when it does not exist or cannot be read.
    static func hash(_ path: String, root: String) throws(EngineError) -> String? {
        let file = try url(path, root: root)
        guard let data = try? Data(contentsOf: file) else { return nil }
        return Digest.sha256Hex(data)
    }
}
