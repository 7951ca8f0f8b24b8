/// Character classes on UTF-8 bytes (everything the scanner looks for is ASCII).
enum Byte {
    static let newline = UInt8(ascii: "\n")
    static let slash = UInt8(ascii: "/")
    static let openBrace = UInt8(ascii: "{")
    static let closeBrace = UInt8(ascii: "}")
    static let dollar = UInt8(ascii: "$")

    static func isLower(_ b: UInt8) -> Bool { b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z") }
    static func isUpper(_ b: UInt8) -> Bool { b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z") }
    static func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
    static func isAlnum(_ b: UInt8) -> Bool { isLower(b) || isUpper(b) || isDigit(b) }
    static func isIdent(_ b: UInt8) -> Bool { isAlnum(b) || b == UInt8(ascii: "_") }
    static func isIdentStart(_ b: UInt8) -> Bool { isLower(b) || isUpper(b) || b == UInt8(ascii: "_") }
    /// Space or tab.
    static func isBlank(_ b: UInt8) -> Bool { b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") }
    static func isSpace(_ b: UInt8) -> Bool {
        isBlank(b) || b == newline || b == UInt8(ascii: "\r") || b == 0x0b || b == 0x0c
    }
    /// A byte that can continue a bucket name (and so must not touch one for it to be a match).
    static func isBucketChar(_ b: UInt8) -> Bool {
        isAlnum(b) || b == UInt8(ascii: "-") || b == UInt8(ascii: "_") || b == UInt8(ascii: ".")
    }
}

extension Array where Element == UInt8 {
    /// True when `needle` occurs at `offset`.
    func has(_ needle: [UInt8], at offset: Int) -> Bool {
        guard offset >= 0, offset + needle.count <= count else { return false }
        for i in 0..<needle.count where self[offset + i] != needle[i] { return false }
        return true
    }

    /// The identifier ending right before `end` (`gcs_hook.list` yields `list`), or nil.
    func identifier(endingAt end: Int) -> Range<Int>? {
        var s = end
        while s > 0, Byte.isIdent(self[s - 1]) { s -= 1 }
        return s < end ? s..<end : nil
    }

    /// The identifier starting at `start`, or nil.
    func identifier(startingAt start: Int) -> Range<Int>? {
        guard start < count, Byte.isIdentStart(self[start]) else { return nil }
        var e = start
        while e < count, Byte.isIdent(self[e]) { e += 1 }
        return start..<e
    }

    /// The first index at or after `i` that is not a blank, stopping at `limit`.
    func skipBlanks(from i: Int, limit: Int? = nil) -> Int {
        let end = Swift.min(limit ?? count, count)
        var j = i
        while j < end, Byte.isBlank(self[j]) { j += 1 }
        return j
    }

    /// The first index at or after `i` that is not whitespace (newlines included).
    func skipSpaces(from i: Int, limit: Int? = nil) -> Int {
        let end = Swift.min(limit ?? count, count)
        var j = i
        while j < end, Byte.isSpace(self[j]) { j += 1 }
        return j
    }

    func string(_ range: Range<Int>) -> String {
        String(decoding: self[range.clamped(to: 0..<count)], as: UTF8.self)
    }
}
