import Foundation

/// The bytes of one batch of `ObjectItem`s, in the spool and in a saved plan's
/// object section. Each block decodes alone. Within it, names are front-coded
/// against the previous item's (a plan's names are sorted and share long prefixes),
/// a target name is the part that differs from its source's ending plus that shared
/// ending's length, generations and times are deltas, and checksums are binary when
/// they are canonical base64 (as GCS gives them). 30–35 bytes an object, 20 of
/// them the two checksums, where JSON took over 600.
///
///     block := "OB1" varint(count) item*
///     item  := flags1 flags2 source target? size crc32c? md5? created? custom? class? ledgerID?
///     target := 0 (the previous target's head and mapping) | shared+1 head
public enum ObjectBlock {
    static let magic: [UInt8] = Array("OB1".utf8)

    struct Flags1: OptionSet {
        let rawValue: UInt8
        static let hasTarget = Flags1(rawValue: 1 << 0)
        static let targetGeneration = Flags1(rawValue: 1 << 1)
        static let crc32c = Flags1(rawValue: 1 << 2)
        static let crc32cBinary = Flags1(rawValue: 1 << 3)
        static let md5 = Flags1(rawValue: 1 << 4)
        static let md5Binary = Flags1(rawValue: 1 << 5)
        static let created = Flags1(rawValue: 1 << 6)
        static let customTime = Flags1(rawValue: 1 << 7)
    }

    struct Flags2: OptionSet {
        let rawValue: UInt8
        static let adopt = Flags2(rawValue: 1 << 0)
        static let storageClass = Flags2(rawValue: 1 << 1)
        static let ledgerID = Flags2(rawValue: 1 << 2)
        static let sourceBucket = Flags2(rawValue: 1 << 3)
        static let targetBucket = Flags2(rawValue: 1 << 4)
        static let createdExact = Flags2(rawValue: 1 << 5)
        static let customExact = Flags2(rawValue: 1 << 6)
        static let sourceGeneration = Flags2(rawValue: 1 << 7)
    }

    // MARK: - Encoding

    public static func encode(_ items: [ObjectItem]) -> [UInt8] {
        var encoder = Encoder()
        for item in items { encoder.append(item) }
        return encoder.finish()
    }

    /// Encodes a block an item at a time (a list writer appends as the planner decides):
    /// buffers are reused from item to item, so encoding allocates nothing per object.
    public struct Encoder: Sendable {
        var out = Writer()
        public private(set) var count = 0
        var source: [UInt8] = [], previousSource: [UInt8] = []
        var targetBytes: [UInt8] = [], previousHead: [UInt8] = [], previousDropped = -1
        var crc: [UInt8] = [], md5: [UInt8] = []
        var sourceBucket = "", targetBucket = ""
        var generation: Int64 = 0, targetGeneration: Int64 = 0, created: Int64 = 0

        public init() {}

        /// The block of the items appended so far; the encoder starts a new block.
        public mutating func finish() -> [UInt8] {
            var head = Writer()
            head.bytes.reserveCapacity(out.bytes.count + 16)
            head.bytes += magic
            head.varint(UInt64(count))
            head.bytes += out.bytes
            self = Encoder(keeping: self)
            return head.bytes
        }

        /// A fresh block that keeps `other`'s buffers' capacity.
        init(keeping other: Encoder) {
            out.bytes = other.out.bytes
            out.bytes.removeAll(keepingCapacity: true)
        }

        public mutating func append(_ item: ObjectItem) {
            count += 1
        var f1: Flags1 = [], f2: Flags2 = []
        source.removeAll(keepingCapacity: true)
        source.append(contentsOf: item.source.name.utf8)
        if let target = item.target {
            f1.insert(.hasTarget)
            targetBytes.removeAll(keepingCapacity: true)
            targetBytes.append(contentsOf: target.name.utf8)
            if target.generation != nil { f1.insert(.targetGeneration) }
            if target.bucket != targetBucket { f2.insert(.targetBucket) }
        }
        if item.source.bucket != sourceBucket { f2.insert(.sourceBucket) }
        if item.source.generation != nil { f2.insert(.sourceGeneration) }
        if let text = item.content.crc32c { f1.insert(base64Bytes(text, count: 4, into: &crc) ? [.crc32c, .crc32cBinary] : .crc32c) }
        if let text = item.content.md5 { f1.insert(base64Bytes(text, count: 16, into: &md5) ? [.md5, .md5Binary] : .md5) }
        let createdMillis = item.sourceCreated.flatMap(exactMillis)
        let customMillis = item.customTime.flatMap(exactMillis)
        if item.sourceCreated != nil { f1.insert(.created); if createdMillis != nil { f2.insert(.createdExact) } }
        if item.customTime != nil { f1.insert(.customTime); if customMillis != nil { f2.insert(.customExact) } }
        if item.adopt { f2.insert(.adopt) }
        if item.storageClass != nil { f2.insert(.storageClass) }
        if item.ledgerID != nil { f2.insert(.ledgerID) }
        out.bytes.append(f1.rawValue)
        out.bytes.append(f2.rawValue)

        if f2.contains(.sourceBucket) {
            sourceBucket = item.source.bucket
            out.string(Array(sourceBucket.utf8)[...])
        }
        out.frontCoded(source[...], previous: previousSource)
        swap(&source, &previousSource)
        if let g = item.source.generation {
            out.zigzag(g &- generation)
            generation = g
        }

        if let target = item.target {
            if f2.contains(.targetBucket) {
                targetBucket = target.bucket
                out.string(Array(targetBucket.utf8)[...])
            }
            // The target is a head, then the source's name from byte `dropped` on; within
            // one folder mapping both stay the same from object to object: one byte.
            let shared = commonSuffix(previousSource, targetBytes)
            let dropped = previousSource.count - shared
            let head = targetBytes[0..<(targetBytes.count - shared)]
            if dropped == previousDropped, head.elementsEqual(previousHead) {
                out.varint(0)
            } else {
                out.varint(UInt64(shared) + 1)
                out.frontCoded(head, previous: previousHead)
                previousHead.removeAll(keepingCapacity: true)
                previousHead.append(contentsOf: head)
                previousDropped = dropped
            }
            if let g = target.generation {
                out.zigzag(g &- targetGeneration)
                targetGeneration = g
            }
        }
        out.varint(UInt64(bitPattern: item.content.size))
        if let text = item.content.crc32c { if f1.contains(.crc32cBinary) { out.bytes += crc } else { out.string(Array(text.utf8)[...]) } }
        if let text = item.content.md5 { if f1.contains(.md5Binary) { out.bytes += md5 } else { out.string(Array(text.utf8)[...]) } }
        if let date = item.sourceCreated {
            if let ms = createdMillis {
                out.zigzag(ms &- created)
                created = ms
            } else {
                out.double(date.timeIntervalSince1970)
            }
        }
        if let date = item.customTime {
            if let ms = customMillis { out.zigzag(ms &- created) } else { out.double(date.timeIntervalSince1970) }
        }
        if let storageClass = item.storageClass { out.string(Array(storageClass.rawValue.utf8)[...]) }
        if let ledgerID = item.ledgerID { out.zigzag(ledgerID) }

        }
    }

    // MARK: - Decoding

    public static func decode(_ bytes: [UInt8]) throws -> [ObjectItem] {
        var r = Reader(bytes: bytes)
        guard bytes.count >= 3, Array(bytes[0..<3]) == magic else { throw ObjectSpoolError.corrupt("not an object block") }
        r.position = 3
        let count = try r.length()
        guard count <= bytes.count else { throw ObjectSpoolError.corrupt("a block claims \(count) objects") }
        var items: [ObjectItem] = []
        items.reserveCapacity(count)
        var previousSource: [UInt8] = [], previousHead: [UInt8] = [], previousDropped = -1
        var sourceBucket = "", targetBucket = ""
        var generation: Int64 = 0, targetGeneration: Int64 = 0, created: Int64 = 0
        for _ in 0..<count {
            let f1 = Flags1(rawValue: try r.byte()), f2 = Flags2(rawValue: try r.byte())
            if f2.contains(.sourceBucket) { sourceBucket = try r.text() }
            let source = try r.frontCoded(previous: previousSource)
            previousSource = source
            var generationOfSource: Int64?
            if f2.contains(.sourceGeneration) {
                generation = generation &+ (try r.zigzag())
                generationOfSource = generation
            }
            var target: ObjectRef?
            if f1.contains(.hasTarget) {
                if f2.contains(.targetBucket) { targetBucket = try r.text() }
                let marker = try r.length()
                if marker > 0 {
                    guard marker - 1 <= source.count else { throw ObjectSpoolError.corrupt("a target shares more than its source's name") }
                    previousHead = try r.frontCoded(previous: previousHead)
                    previousDropped = source.count - (marker - 1)
                }
                guard previousDropped >= 0, previousDropped <= source.count else {
                    throw ObjectSpoolError.corrupt("a target maps from outside its source's name")
                }
                let shared = source.count - previousDropped
                let head = previousHead
                var generationOfTarget: Int64?
                if f1.contains(.targetGeneration) {
                    targetGeneration = targetGeneration &+ (try r.zigzag())
                    generationOfTarget = targetGeneration
                }
                target = ObjectRef(bucket: targetBucket, name: String(decoding: head + source[(source.count - shared)...], as: UTF8.self),
                                   generation: generationOfTarget)
            }
            let size = Int64(bitPattern: try r.varint())
            var crc32c: String?, md5: String?
            if f1.contains(.crc32c) { crc32c = f1.contains(.crc32cBinary) ? base64(try r.take(4)) : try r.text() }
            if f1.contains(.md5) { md5 = f1.contains(.md5Binary) ? base64(try r.take(16)) : try r.text() }
            var sourceCreated: Date?, customTime: Date?
            if f1.contains(.created) {
                if f2.contains(.createdExact) {
                    created = created &+ (try r.zigzag())
                    sourceCreated = Date(timeIntervalSince1970: Double(created) / 1000)
                } else {
                    sourceCreated = Date(timeIntervalSince1970: try r.double())
                }
            }
            if f1.contains(.customTime) {
                customTime = f2.contains(.customExact) ? Date(timeIntervalSince1970: Double(created &+ (try r.zigzag())) / 1000)
                    : Date(timeIntervalSince1970: try r.double())
            }
            var storageClass: StorageClass?
            if f2.contains(.storageClass) {
                let raw = try r.text()
                guard let known = StorageClass(rawValue: raw) else { throw ObjectSpoolError.corrupt("unknown storage class \(raw)") }
                storageClass = known
            }
            let ledgerID = f2.contains(.ledgerID) ? try r.zigzag() : nil
            items.append(ObjectItem(source: ObjectRef(bucket: sourceBucket, name: String(decoding: source, as: UTF8.self),
                                                      generation: generationOfSource),
                                    target: target, content: ContentIdentity(size: size, crc32c: crc32c, md5: md5),
                                    sourceCreated: sourceCreated, customTime: customTime, storageClass: storageClass,
                                    adopt: f2.contains(.adopt), ledgerID: ledgerID))
        }
        guard r.position == bytes.count else { throw ObjectSpoolError.corrupt("\(bytes.count - r.position) bytes after the last object") }
        return items
    }

    // MARK: - Pieces

    static func exactMillis(_ date: Date) -> Int64? {
        let t = date.timeIntervalSince1970
        let ms = (t * 1000).rounded()
        guard abs(ms) < 9e15, Double(Int64(ms)) / 1000 == t else { return nil }
        return Int64(ms)
    }

    static func commonSuffix(_ a: [UInt8], _ b: [UInt8]) -> Int {
        var n = 0
        while n < a.count, n < b.count, a[a.count - 1 - n] == b[b.count - 1 - n] { n += 1 }
        return n
    }

    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let values: [Int8] = {
        var table = [Int8](repeating: -1, count: 256)
        for (i, c) in alphabet.enumerated() { table[Int(c)] = Int8(i) }
        return table
    }()

    /// Decodes `text` into `out` when it is the canonical padded base64 of `count`
    /// bytes (what GCS gives: the unused bits of its last character are zero, so
    /// encoding the bytes again gives `text` back exactly).
    static func base64Bytes(_ text: String, count: Int, into out: inout [UInt8]) -> Bool {
        out.removeAll(keepingCapacity: true)
        let length = (count + 2) / 3 * 4
        let padding = (3 - count % 3) % 3
        var text = text
        return text.withUTF8 { chars -> Bool in
            guard chars.count == length else { return false }
            for k in 0..<padding where chars[length - 1 - k] != UInt8(ascii: "=") { return false }
            var bits: UInt32 = 0, held = 0
            for k in 0..<(length - padding) {
                let v = values[Int(chars[k])]
                guard v >= 0 else { return false }
                bits = (bits << 6) | UInt32(v)
                held += 6
                if held >= 8 {
                    held -= 8
                    out.append(UInt8(truncatingIfNeeded: bits >> UInt32(held)))
                }
            }
            // The bits left over must be zero, or another text decodes to the same bytes.
            return out.count == count && bits & ((1 << UInt32(held)) - 1) == 0
        }
    }

    static func base64(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i < bytes.count {
            let b0 = Int(bytes[i]), b1 = i + 1 < bytes.count ? Int(bytes[i + 1]) : 0, b2 = i + 2 < bytes.count ? Int(bytes[i + 2]) : 0
            let n = (b0 << 16) | (b1 << 8) | b2
            out.append(alphabet[(n >> 18) & 63])
            out.append(alphabet[(n >> 12) & 63])
            out.append(i + 1 < bytes.count ? alphabet[(n >> 6) & 63] : UInt8(ascii: "="))
            out.append(i + 2 < bytes.count ? alphabet[n & 63] : UInt8(ascii: "="))
            i += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    struct Writer {
        var bytes: [UInt8] = []

        mutating func varint(_ value: UInt64) {
            var v = value
            while v >= 0x80 {
                bytes.append(UInt8(v & 0x7f) | 0x80)
                v >>= 7
            }
            bytes.append(UInt8(v))
        }

        mutating func zigzag(_ value: Int64) { varint(UInt64(bitPattern: (value << 1) ^ (value >> 63))) }

        mutating func string(_ value: ArraySlice<UInt8>) {
            varint(UInt64(value.count))
            bytes += value
        }

        /// `value` as what it shares with the start and the end of `previous`, and the
        /// bytes between (`part-00012.parquet` after `part-00011.parquet`: 9, 8, "2").
        mutating func frontCoded(_ value: ArraySlice<UInt8>, previous: [UInt8]) {
            let start = value.startIndex
            var head = 0
            while head < value.count, head < previous.count, value[start + head] == previous[head] { head += 1 }
            var tail = 0
            let room = min(value.count, previous.count) - head
            while tail < room, value[value.endIndex - 1 - tail] == previous[previous.count - 1 - tail] { tail += 1 }
            varint(UInt64(head))
            varint(UInt64(tail))
            string(value[(start + head)..<(value.endIndex - tail)])
        }

        mutating func double(_ value: Double) {
            var bits = value.bitPattern
            for _ in 0..<8 {
                bytes.append(UInt8(bits & 0xff))
                bits >>= 8
            }
        }
    }

    struct Reader {
        let bytes: [UInt8]
        var position = 0

        mutating func byte() throws -> UInt8 {
            guard position < bytes.count else { throw ObjectSpoolError.truncated }
            defer { position += 1 }
            return bytes[position]
        }

        mutating func varint() throws -> UInt64 {
            var value: UInt64 = 0, shift: UInt64 = 0
            while true {
                let b = try byte()
                guard shift < 64 else { throw ObjectSpoolError.corrupt("a number is too long") }
                value |= UInt64(b & 0x7f) << shift
                if b < 0x80 { return value }
                shift += 7
            }
        }

        /// A count or a length: a damaged block cannot make one that does not fit.
        mutating func length() throws -> Int {
            let v = try varint()
            guard v <= UInt64(Int32.max) else { throw ObjectSpoolError.corrupt("a length of \(v)") }
            return Int(v)
        }

        mutating func zigzag() throws -> Int64 {
            let v = try varint()
            return Int64(bitPattern: v >> 1) ^ -Int64(bitPattern: v & 1)
        }

        mutating func take(_ n: Int) throws -> [UInt8] {
            guard n >= 0, position + n <= bytes.count else { throw ObjectSpoolError.truncated }
            defer { position += n }
            return Array(bytes[position..<(position + n)])
        }

        mutating func text() throws -> String { String(decoding: try take(try length()), as: UTF8.self) }

        mutating func frontCoded(previous: [UInt8]) throws -> [UInt8] {
            let head = try length(), tail = try length()
            guard head <= previous.count, tail <= previous.count - head else {
                throw ObjectSpoolError.corrupt("a name shares more than the previous one has")
            }
            return Array(previous[0..<head]) + (try take(try length())) + previous[(previous.count - tail)...]
        }

        mutating func double() throws -> Double {
            let b = try take(8)
            var bits: UInt64 = 0
            for i in (0..<8).reversed() { bits = (bits << 8) | UInt64(b[i]) }
            return Double(bitPattern: bits)
        }
    }
}
