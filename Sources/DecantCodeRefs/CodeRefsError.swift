import Foundation

/// What can go wrong when scanning, planning edits or applying them.
public enum CodeRefsError: LocalizedError, Equatable, Sendable {
    case rootNotFound(String)
    case invalidGlob(pattern: String, problem: String)
    /// The file's content is not what the edit was planned against.
    case fileChanged(path: String, expected: String, actual: String)
    case fileMissing(String)
    /// A path that would leave the code root.
    case unsafePath(String)
    case writeFailed(path: String, reason: String)
    case readFailed(path: String, reason: String)
    /// The file is a symbolic link: decant writes only files of its own under the root.
    case linkedFile(path: String, target: String)

    public var errorDescription: String? {
        switch self {
        case .rootNotFound(let root):
            return "code root \(root) does not exist or is not a directory; check code.root in the plan"
        case .invalidGlob(let pattern, let problem):
            return "code glob '\(pattern)' is invalid: \(problem)"
        case .fileChanged(let path, let expected, let actual):
            return "\(path) changed since the plan was made (expected SHA-256 \(expected.prefix(12))…, found \(actual.prefix(12))…); run plan again"
        case .fileMissing(let path):
            return "\(path) no longer exists; run plan again"
        case .unsafePath(let path):
            return "refusing to touch \(path): it is not a relative path inside the code root"
        case .writeFailed(let path, let reason):
            return "could not write \(path): \(reason)"
        case .readFailed(let path, let reason):
            return "could not read \(path): \(reason)"
        case .linkedFile(let path, let target):
            return "refusing to write \(path): it is a link to \(target); edit that file where it lives"
        }
    }
}
