/// A file the scan did not read under its own path.
public struct SkippedFile: Hashable, Sendable, Codable, CustomStringConvertible {
    public enum Reason: Hashable, Sendable, Codable {
        /// A NUL byte in the first 8 KiB.
        case binary
        /// Larger than `maxFileBytes`.
        case tooLarge(bytes: Int)
        case unreadable(String)
        /// A link to a file inside the root: scanned once, under `realPath`.
        case linkInsideRoot(realPath: String)
        /// A link to nothing (`target` as the link says).
        case brokenLink(target: String)
        /// A link to a folder inside the root: its files are scanned where they are.
        case linkedFolderInsideRoot
        /// A link to a folder that holds the root: following it would walk the root again.
        case linkedFolderHoldingRoot
        /// A second link to a folder out of the root already walked.
        case linkedFolderWalked(target: String)
    }

    public var path: String
    public var reason: Reason

    public init(path: String, reason: Reason) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(path): \(reason.text)" }
}

extension SkippedFile.Reason {
    /// Why, in words.
    public var text: String {
        switch self {
        case .binary: return "binary"
        case .tooLarge(let bytes): return "too large (\(bytes) bytes)"
        case .unreadable(let why): return "unreadable (\(why))"
        case .linkInsideRoot(let real): return "a link to \(real), scanned there"
        case .brokenLink(let target): return "a broken link (to \(target))"
        case .linkedFolderInsideRoot: return "a link to a folder inside code.root (its files are scanned where they are)"
        case .linkedFolderHoldingRoot: return "a link to a folder holding code.root (not followed)"
        case .linkedFolderWalked(let target): return "a second link to \(target) (walked once)"
        }
    }

    /// The reason without its particulars, for counting (`binary`, `too large`, `link`…).
    public var kind: String {
        switch self {
        case .binary: return "binary"
        case .tooLarge: return "too large"
        case .unreadable: return "unreadable"
        case .linkInsideRoot: return "link scanned by its real path"
        case .brokenLink: return "broken link"
        case .linkedFolderInsideRoot, .linkedFolderHoldingRoot, .linkedFolderWalked: return "link to a folder not followed"
        }
    }
}

/// A file reached through a symbolic link out of the code root.
public struct LinkedFile: Hashable, Sendable, Codable {
    /// The path under the root, through the link.
    public var path: String
    /// Where the file really is (absolute).
    public var target: String

    public init(path: String, target: String) {
        self.path = path
        self.target = target
    }
}
