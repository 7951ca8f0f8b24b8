import Foundation

/// Reads the answers on a copy's hot path — object resources, `objects.rewrite`
/// answers and listing pages — straight from the bytes, into the same values
/// `JSONDecoder` made of them (`GCSObjectJSON`, `GCSRewriteJSON`,
/// `GCSObjectListJSON`): a million copies decode a million answers, and Foundation's
/// decoder spent more CPU on each than the request itself.
///
/// It reads what `JSONDecoder` reads: JSON text in UTF-8 (a byte-order mark
/// allowed), nesting up to 512 levels, one trailing comma in an object or array
/// (Foundation's parser takes it), the first of duplicate keys, int64 fields as
/// strings or as numbers that name an integer exactly. It is stricter in one way:
/// every value is checked, also those it skips, where `JSONDecoder` checks only
/// those it decodes (`{"kind":01}` is refused). `GCSAnswerScannerTests` holds it to
/// that on real answers and on mutated and hostile ones.
struct GCSAnswerScanner {
    /// Why an answer could not be read (the caller reports it as unreadable).
    struct Malformed: Error, Equatable {
        let offset: Int
    }

    /// `JSONDecoder`'s nesting limit.
    static let maxDepth = 512

    private let bytes: UnsafeRawBufferPointer
    private var index = 0

    private init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    static func object(_ data: Data) throws(Malformed) -> GCSObjectJSON {
        try scan(data) { scanner throws(Malformed) in try scanner.objectResource() }
    }

    static func rewrite(_ data: Data) throws(Malformed) -> GCSRewriteJSON {
        try scan(data) { scanner throws(Malformed) in try scanner.rewriteAnswer() }
    }

    static func objectList(_ data: Data) throws(Malformed) -> GCSObjectListJSON {
        try scan(data) { scanner throws(Malformed) in try scanner.listPage() }
    }

    /// One document: `body` reads the top-level value, then only whitespace may follow.
    private static func scan<T>(_ data: Data, _ body: (inout GCSAnswerScanner) throws(Malformed) -> T) throws(Malformed) -> T {
        let result: Result<T, Malformed> = data.withUnsafeBytes { raw in
            var scanner = GCSAnswerScanner(raw)
            do throws(Malformed) {
                if raw.starts(with: [0xEF, 0xBB, 0xBF]) { scanner.index = 3 }
                scanner.skipWhitespace()
                let value = try body(&scanner)
                scanner.skipWhitespace()
                guard scanner.index == raw.count else { throw scanner.malformed() }
                return .success(value)
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    // MARK: The three answers

    private mutating func objectResource() throws(Malformed) -> GCSObjectJSON {
        var name: String?
        var object = GCSObjectJSON(name: "")
        var seen = SeenKeys()
        try members { key, scanner throws(Malformed) in
            // The first of duplicate keys counts, as for `JSONDecoder`.
            guard seen.first(key, among: Self.objectKeys) else { return try scanner.skipValue(depth: 1) }
            switch key {
            case "name": name = try scanner.nullable { s throws(Malformed) in try s.string() }
            case "size": object.size = try scanner.flexibleInt64()
            case "generation": object.generation = try scanner.flexibleInt64()
            case "metageneration": object.metageneration = try scanner.flexibleInt64()
            case "md5Hash": object.md5Hash = try scanner.nullable { s throws(Malformed) in try s.string() }
            case "crc32c": object.crc32c = try scanner.nullable { s throws(Malformed) in try s.string() }
            case "timeCreated": object.timeCreated = try scanner.nullable { s throws(Malformed) in try s.string() }
            case "updated": object.updated = try scanner.nullable { s throws(Malformed) in try s.string() }
            case "customTime": object.customTime = try scanner.nullable { s throws(Malformed) in try s.string() }
            case "storageClass": object.storageClass = try scanner.nullable { s throws(Malformed) in try s.string() }
            case "contentType": object.contentType = try scanner.nullable { s throws(Malformed) in try s.string() }
            case "metadata": object.metadata = try scanner.nullable { s throws(Malformed) in try s.metadata() }
            default: try scanner.skipValue(depth: 1)
            }
        }
        guard let name else { throw malformed() }
        object.name = name
        return object
    }

    private mutating func rewriteAnswer() throws(Malformed) -> GCSRewriteJSON {
        var answer = GCSRewriteJSON()
        var seen = SeenKeys()
        try members { key, scanner throws(Malformed) in
            guard seen.first(key, among: Self.rewriteKeys) else { return try scanner.skipValue(depth: 1) }
            switch key {
            case "done": answer.done = try scanner.nullable { s throws(Malformed) in try s.bool() }
            case "rewriteToken": answer.rewriteToken = try scanner.nullable { s throws(Malformed) in try s.string() }
            case "totalBytesRewritten": answer.totalBytesRewritten = try scanner.flexibleInt64()
            case "objectSize": answer.objectSize = try scanner.flexibleInt64()
            case "resource": answer.resource = try scanner.nullable { s throws(Malformed) in try s.objectResource() }
            default: try scanner.skipValue(depth: 1)
            }
        }
        return answer
    }

    private mutating func listPage() throws(Malformed) -> GCSObjectListJSON {
        var page = GCSObjectListJSON()
        var seen = SeenKeys()
        try members { key, scanner throws(Malformed) in
            guard seen.first(key, among: Self.listKeys) else { return try scanner.skipValue(depth: 1) }
            switch key {
            case "items":
                page.items = try scanner.nullable { s throws(Malformed) in
                    try s.elements { s throws(Malformed) in try s.objectResource() }
                }
            case "prefixes":
                page.prefixes = try scanner.nullable { s throws(Malformed) in
                    try s.elements { s throws(Malformed) in try s.string() }
                }
            case "nextPageToken": page.nextPageToken = try scanner.nullable { s throws(Malformed) in try s.string() }
            default: try scanner.skipValue(depth: 1)
            }
        }
        return page
    }

    /// The keys each answer reads (the others are skipped, however often they come).
    private static let objectKeys = ["name", "size", "generation", "metageneration", "md5Hash", "crc32c", "timeCreated",
                                     "updated", "customTime", "storageClass", "contentType", "metadata"]
    private static let rewriteKeys = ["done", "rewriteToken", "totalBytesRewritten", "objectSize", "resource"]
    private static let listKeys = ["items", "prefixes", "nextPageToken"]

    /// Which of an answer's known keys came already: only the first of duplicates counts.
    private struct SeenKeys {
        private var bits: UInt64 = 0

        /// False when `key` is one of `keys` and came before; true otherwise (a
        /// key not among them is skipped by the caller's `default` anyway).
        mutating func first(_ key: String, among keys: [String]) -> Bool {
            guard let index = keys.firstIndex(of: key) else { return true }
            let bit = UInt64(1) << index
            defer { bits |= bit }
            return bits & bit == 0
        }
    }

    /// `metadata`: string values, and nulls (which the record drops).
    private mutating func metadata() throws(Malformed) -> [String: String?] {
        var out: [String: String?] = [:]
        try members { key, scanner throws(Malformed) in
            guard out[key] == nil else { return try scanner.skipValue(depth: 2) }
            out[key] = .some(try scanner.nullable { s throws(Malformed) in try s.string() })
        }
        return out
    }

    // MARK: Values

    /// An int64 sent as a string (GCS) or a number (some emulators), as `FlexibleInt64` reads it.
    private mutating func flexibleInt64() throws(Malformed) -> FlexibleInt64? {
        try nullable { s throws(Malformed) -> FlexibleInt64 in
            if s.peek() == UInt8(ascii: "\"") { return FlexibleInt64(value: Int64(try s.string())) }
            return FlexibleInt64(value: try s.integer())
        }
    }

    /// `nil` for a JSON null, else `read`'s value.
    private mutating func nullable<T>(_ read: (inout GCSAnswerScanner) throws(Malformed) -> T) throws(Malformed) -> T? {
        if peek() == UInt8(ascii: "n") {
            try literal("null")
            return nil
        }
        return try read(&self)
    }

    private mutating func bool() throws(Malformed) -> Bool {
        switch peek() {
        case UInt8(ascii: "t"):
            try literal("true")
            return true
        case UInt8(ascii: "f"):
            try literal("false")
            return false
        default:
            throw malformed()
        }
    }

    /// A JSON number that is an integer in Int64's range: digits alone (in range),
    /// or a fraction or exponent that names an integer exactly (`1.0`, `1e3`).
    private mutating func integer() throws(Malformed) -> Int64 {
        let start = index
        let (integral, end) = try numberSyntax()
        let text = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
        if integral {
            guard let value = Int64(decimalDigits: text) else { throw Malformed(offset: start) }
            return value
        }
        guard let double = Double(String(decoding: text, as: UTF8.self)), let value = Int64(exactly: double) else {
            throw Malformed(offset: start)
        }
        return value
    }

    /// Members of an object, each key handed to `member` with the scanner at its
    /// value; with `readKeys` false the keys are checked only, and handed over empty.
    private mutating func members(readKeys: Bool = true,
                                  _ member: (String, inout GCSAnswerScanner) throws(Malformed) -> Void) throws(Malformed) {
        try expect(UInt8(ascii: "{"))
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            index += 1
            return
        }
        while true {
            skipWhitespace()
            var key = ""
            if readKeys { key = try string() } else { try skipString() }
            skipWhitespace()
            try expect(UInt8(ascii: ":"))
            skipWhitespace()
            try member(key, &self)
            skipWhitespace()
            switch next() {
            case UInt8(ascii: ","):
                skipWhitespace()
                if peek() == UInt8(ascii: "}") {
                    index += 1
                    return
                }
            case UInt8(ascii: "}"): return
            default: throw malformed(at: index - 1)
            }
        }
    }

    /// Elements of an array, each read by `element`.
    private mutating func elements<T>(_ element: (inout GCSAnswerScanner) throws(Malformed) -> T) throws(Malformed) -> [T] {
        try expect(UInt8(ascii: "["))
        skipWhitespace()
        var out: [T] = []
        if peek() == UInt8(ascii: "]") {
            index += 1
            return out
        }
        while true {
            skipWhitespace()
            out.append(try element(&self))
            skipWhitespace()
            switch next() {
            case UInt8(ascii: ","):
                skipWhitespace()
                if peek() == UInt8(ascii: "]") {
                    index += 1
                    return out
                }
            case UInt8(ascii: "]"): return out
            default: throw malformed(at: index - 1)
            }
        }
    }

    /// A string, unescaped; its bytes must be UTF-8 and hold no raw control character.
    private mutating func string() throws(Malformed) -> String {
        try expect(UInt8(ascii: "\""))
        let start = index
        var ascii = true
        // The common case: no escape, so the bytes are the string.
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let raw = UnsafeRawBufferPointer(rebasing: bytes[start..<index])
                index += 1
                // ASCII is valid UTF-8 as it is (and `String(decoding:)` costs far less
                // than the generic `String(validating:)`).
                if ascii { return String(decoding: raw.assumingMemoryBound(to: UInt8.self), as: UTF8.self) }
                guard let text = String(validating: raw, as: UTF8.self) else { throw Malformed(offset: start) }
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            guard byte >= 0x20 else { throw malformed() }
            if byte >= 0x80 { ascii = false }
            index += 1
        }
        var buffer = Array(UnsafeRawBufferPointer(rebasing: bytes[start..<index]))
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                guard let text = String(validating: buffer, as: UTF8.self) else { throw Malformed(offset: start) }
                return text
            case UInt8(ascii: "\\"):
                try unescape(into: &buffer)
            case 0..<0x20:
                throw malformed(at: index - 1)
            default:
                buffer.append(byte)
            }
        }
        throw malformed()
    }

    /// Checks a string as `string()` does, without making it: plain ASCII (most
    /// skipped values: kinds, ids, links) needs no more than a look at each byte.
    private mutating func skipString() throws(Malformed) {
        let start = index
        guard peek() == UInt8(ascii: "\"") else { return _ = try string() }  // which fails as it would
        for position in (index + 1)..<bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                index = position + 1
                return
            }
            // An escape, a control character or UTF-8 beyond ASCII: `string()` checks it.
            if byte == UInt8(ascii: "\\") || byte < 0x20 || byte >= 0x80 { break }
        }
        index = start
        _ = try string()
    }

    /// The escape after a backslash, appended as UTF-8.
    private mutating func unescape(into buffer: inout [UInt8]) throws(Malformed) {
        guard index < bytes.count else { throw malformed() }
        let escape = bytes[index]
        index += 1
        switch escape {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): buffer.append(escape)
        case UInt8(ascii: "b"): buffer.append(0x08)
        case UInt8(ascii: "f"): buffer.append(0x0C)
        case UInt8(ascii: "n"): buffer.append(0x0A)
        case UInt8(ascii: "r"): buffer.append(0x0D)
        case UInt8(ascii: "t"): buffer.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = UInt32(try hex4())
            if (0xD800..<0xDC00).contains(scalar) {
                // A high surrogate must be followed by an escaped low one.
                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                    throw malformed()
                }
                index += 2
                let low = UInt32(try hex4())
                guard (0xDC00..<0xE000).contains(low) else { throw malformed() }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00..<0xE000).contains(scalar) {
                throw malformed()
            }
            guard let unicode = Unicode.Scalar(scalar) else { throw malformed() }
            buffer.append(contentsOf: UTF8.encode(unicode).map { Array($0) } ?? [])
        default:
            throw malformed(at: index - 1)
        }
    }

    private mutating func hex4() throws(Malformed) -> UInt16 {
        guard index + 4 <= bytes.count else { throw malformed() }
        var value: UInt16 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw malformed()
            }
            value = value << 4 | UInt16(digit)
            index += 1
        }
        return value
    }

    /// Skips any value, checking its syntax as the whole document is checked.
    private mutating func skipValue(depth: Int) throws(Malformed) {
        guard depth <= Self.maxDepth else { throw malformed() }
        switch peek() {
        case UInt8(ascii: "{"):
            try members(readKeys: false) { _, scanner throws(Malformed) in try scanner.skipValue(depth: depth + 1) }
        case UInt8(ascii: "["):
            _ = try elements { scanner throws(Malformed) in try scanner.skipValue(depth: depth + 1) }
        case UInt8(ascii: "\""):
            try skipString()
        case UInt8(ascii: "t"):
            try literal("true")
        case UInt8(ascii: "f"):
            try literal("false")
        case UInt8(ascii: "n"):
            try literal("null")
        default:
            _ = try numberSyntax()
        }
    }

    /// Checks a number's syntax (`-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`);
    /// returns whether it is digits alone, and where it ends.
    private mutating func numberSyntax() throws(Malformed) -> (integral: Bool, end: Int) {
        let start = index
        if peek() == UInt8(ascii: "-") { index += 1 }
        guard let first = peek(), isDigit(first) else { throw malformed(at: start) }
        index += 1
        if first != UInt8(ascii: "0") { skipDigits() }
        var integral = true
        if peek() == UInt8(ascii: ".") {
            index += 1
            guard let digit = peek(), isDigit(digit) else { throw malformed() }
            skipDigits()
            integral = false
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            index += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { index += 1 }
            guard let digit = peek(), isDigit(digit) else { throw malformed() }
            skipDigits()
            integral = false
        }
        return (integral, index)
    }

    // MARK: Bytes

    private func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func next() -> UInt8? {
        guard index < bytes.count else { return nil }
        defer { index += 1 }
        return bytes[index]
    }

    private mutating func expect(_ byte: UInt8) throws(Malformed) {
        guard next() == byte else { throw malformed(at: index - 1) }
    }

    private mutating func literal(_ word: StaticString) throws(Malformed) {
        let start = index
        guard index + word.utf8CodeUnitCount <= bytes.count else { throw malformed() }
        for i in 0..<word.utf8CodeUnitCount where bytes[index + i] != word.utf8Start[i] { throw malformed(at: start) }
        index += word.utf8CodeUnitCount
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private mutating func skipDigits() {
        while let byte = peek(), isDigit(byte) { index += 1 }
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private func malformed(at offset: Int? = nil) -> Malformed { Malformed(offset: offset ?? index) }
}

extension Int64 {
    /// The value of `-?[0-9]+`, or nil outside Int64's range (which `JSONDecoder` refuses too).
    init?(decimalDigits text: UnsafeRawBufferPointer) {
        var negative = false
        var digits = text[...]
        if digits.first == UInt8(ascii: "-") {
            negative = true
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty else { return nil }
        var magnitude: UInt64 = 0
        for byte in digits {
            let (times, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
            guard !o1, !o2 else { return nil }
            magnitude = sum
        }
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
            self = magnitude == UInt64(Int64.max) + 1 ? .min : -Int64(magnitude)
        } else {
            guard magnitude <= UInt64(Int64.max) else { return nil }
            self = Int64(magnitude)
        }
    }
}
