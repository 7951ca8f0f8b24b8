/// GCS bucket naming rules (GCS.md §Buckets). Returns the reasons a name is invalid,
/// empty when it is valid, so a plan file can report all of them.
public enum BucketName {
    public static func problems(_ name: String) -> [String] {
        var problems: [String] = []
        let bytes = Array(name.utf8)
        let hasDot = bytes.contains(UInt8(ascii: "."))
        let maxLength = hasDot ? 222 : 63
        if bytes.count < 3 || bytes.count > maxLength {
            problems.append("must be 3 to \(maxLength) characters long (it has \(bytes.count))")
        }
        let allowed = bytes.allSatisfy { b in
            (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9"))
                || b == UInt8(ascii: "-") || b == UInt8(ascii: "_") || b == UInt8(ascii: ".")
        }
        if !allowed {
            problems.append("may contain only lowercase letters, digits, '-', '_' and '.'")
        }
        if let first = bytes.first, let last = bytes.last, !(isAlnum(first) && isAlnum(last)) {
            problems.append("must start and end with a letter or digit")
        }
        if hasDot {
            for part in name.split(separator: ".", omittingEmptySubsequences: false) where part.utf8.count > 63 || part.isEmpty {
                problems.append("each dot-separated part must be 1 to 63 characters ('\(part)')")
            }
            let parts = name.split(separator: ".", omittingEmptySubsequences: false)
            if parts.count == 4, parts.allSatisfy({ Int($0).map { (0...255).contains($0) } ?? false }) {
                problems.append("must not be an IP address")
            }
        }
        if name.hasPrefix("goog") { problems.append("must not start with 'goog'") }
        if name.contains("google") || name.contains("g00gle") { problems.append("must not contain 'google'") }
        return problems
    }

    public static func isValid(_ name: String) -> Bool { problems(name).isEmpty }

    private static func isAlnum(_ b: UInt8) -> Bool {
        (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9"))
    }
}

/// Object names decant is willing to read, write or map to: GCS allows almost
/// anything, but a name with `..`, `//`, a leading `/`, control characters or over
/// 1024 bytes cannot be mapped safely onto a file system or a prefix.
public enum ObjectName {
    public static let maxBytes = 1024

    public static func problem(_ name: String) -> String? {
        if name.isEmpty { return "is empty" }
        if name.utf8.count > maxBytes { return "is longer than \(maxBytes) bytes" }
        if name.hasPrefix("/") { return "starts with '/'" }
        if name.contains("//") { return "contains '//'" }
        if name.utf8.contains(where: { $0 == 0 || $0 == 0x0a || $0 == 0x0d }) { return "contains a NUL or line break" }
        for part in name.split(separator: "/", omittingEmptySubsequences: false) where part == ".." || part == "." {
            return "contains a '\(part)' path segment"
        }
        return nil
    }
}
