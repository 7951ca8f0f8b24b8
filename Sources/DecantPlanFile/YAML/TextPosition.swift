import DecantCore

/// Byte offsets to `line:column` (1-based, columns counted in characters as libyaml
/// counts them), and UTF-8 validation with the offset of the first bad byte.
enum TextPosition {
    static func location(ofByte offset: Int, in bytes: [UInt8], file: String) -> SourceLocation {
        var line = 1
        var column = 1
        for b in bytes.prefix(offset) {
            if b == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if b & 0xC0 != 0x80 {
                column += 1
            }
        }
        return SourceLocation(file: file, line: line, column: column)
    }

    /// The offset of the first byte that is not part of valid UTF-8, nil when all is valid.
    static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
        // The standard library's validation is fast; walk scalar by scalar only to find the bad byte.
        if String(validating: bytes, as: UTF8.self) != nil { return nil }
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let scalar): offset += scalar.count
            case .emptyInput: return nil
            case .error: return offset
            }
        }
    }

    /// The number of the last line that holds anything but blanks.
    static func lastContentLine(_ bytes: [UInt8]) -> Int {
        var line = 1
        var last = 0
        var blank = true
        for b in bytes {
            if b == UInt8(ascii: "\n") {
                if !blank { last = line }
                line += 1
                blank = true
            } else if b != UInt8(ascii: " "), b != UInt8(ascii: "\t"), b != UInt8(ascii: "\r") {
                blank = false
            }
        }
        return blank ? last : line
    }

    /// The text of one line (1-based), without its line break.
    static func line(_ number: Int, in bytes: [UInt8]) -> [UInt8] {
        var current = 1
        var start = 0
        var i = 0
        while i < bytes.count, current < number {
            if bytes[i] == UInt8(ascii: "\n") {
                current += 1
                start = i + 1
            }
            i += 1
        }
        guard current == number else { return [] }
        var end = start
        while end < bytes.count, bytes[end] != UInt8(ascii: "\n"), bytes[end] != UInt8(ascii: "\r") { end += 1 }
        return Array(bytes[start..<end])
    }
}
