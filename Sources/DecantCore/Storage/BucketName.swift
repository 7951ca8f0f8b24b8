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

    /// One pass over the UTF-8 bytes: this runs for every listed object.
    public static func problem(_ name: String) -> String? {
        if let answer = name.utf8.withContiguousStorageIfAvailable({ problem(bytes: $0) }) { return answer }
        return problem(bytes: Array(name.utf8))
    }

    static func problem<C: Collection>(bytes: C) -> String? where C.Element == UInt8 {
        if bytes.isEmpty { return "is empty" }
        if bytes.count > maxBytes { return "is longer than \(maxBytes) bytes" }
        let slash = UInt8(ascii: "/"), dot = UInt8(ascii: ".")
        if bytes.first == slash { return "starts with '/'" }
        var segmentLength = 0, dots = 0, previous: UInt8 = 0
        for b in bytes {
            if b == 0 || b == 0x0a || b == 0x0d { return "contains a NUL or line break" }
            if b == slash {
                if previous == slash { return "contains '//'" }
                if segmentLength > 0, dots == segmentLength, dots <= 2 {
                    return "contains a '\(dots == 1 ? "." : "..")' path segment"
                }
                segmentLength = 0
                dots = 0
            } else {
                segmentLength += 1
                if b == dot { dots += 1 }
            }
            previous = b
        }
        if segmentLength > 0, dots == segmentLength, dots <= 2 { return "contains a '\(dots == 1 ? "." : "..")' path segment" }
        return nil
    }
}
