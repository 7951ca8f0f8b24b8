import Foundation

/// Where a plan's object lists live: an unlinked temporary file, written once in
/// blocks of one batch each and read back one batch at a time when the action that
/// carries it runs. A plan of 10,000,000 objects holds only its batch descriptors in
/// memory (issue 19). The file is unlinked as soon as it is created,
/// so a killed process leaves nothing behind.
public final class ObjectSpool: @unchecked Sendable {
    // `end` is guarded by `lock`; pread/pwrite on `fd` are positioned and need no lock.
    private let fd: Int32
    private let lock = NSLock()
    private var end: Int64 = 0

    /// The key under which a decoder finds the spool of the batches it decodes.
    public static let userInfoKey = CodingUserInfoKey(rawValue: "decant.objectSpool")!

    /// A new empty spool in `directory` (the system's temporary directory by default).
    public static func temporary(in directory: String? = nil) throws -> ObjectSpool {
        let base = directory ?? (ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp")
        var template = Array((base + "/decant-objects-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw ObjectSpoolError.io("cannot create a temporary file in \(base): \(String(cString: strerror(errno)))") }
        _ = template.withUnsafeBufferPointer { unlink($0.baseAddress!) }
        return ObjectSpool(fd: fd)
    }

    private init(fd: Int32) { self.fd = fd }
    deinit { close(fd) }

    /// Bytes written so far.
    public var size: Int64 { lock.withLock { end } }

    /// Appends `bytes`; returns where they start.
    @discardableResult
    public func append(_ bytes: [UInt8]) throws -> Int64 {
        let offset = lock.withLock { () -> Int64 in
            defer { end += Int64(bytes.count) }
            return end
        }
        try write(bytes, at: offset)
        return offset
    }

    private func write(_ bytes: [UInt8], at offset: Int64) throws {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress! + done, bytes.count - done, off_t(offset) + off_t(done)) }
            if n < 0 {
                if errno == EINTR { continue }
                throw ObjectSpoolError.io("cannot write the plan's object lists to a temporary file: \(String(cString: strerror(errno)))")
            }
            done += n
        }
    }

    /// `length` bytes from `offset`.
    public func read(offset: Int64, length: Int) throws -> [UInt8] {
        guard offset >= 0, length >= 0, offset + Int64(length) <= size else { throw ObjectSpoolError.truncated }
        var out = [UInt8](repeating: 0, count: length)
        var done = 0
        while done < length {
            let n = out.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, length - done, off_t(offset) + off_t(done)) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else {
                throw ObjectSpoolError.io("cannot read the plan's object lists: \(n < 0 ? String(cString: strerror(errno)) : "end of file")")
            }
            done += n
        }
        return out
    }

    /// Writes one batch of items as a block; returns its descriptor.
    public func write(_ items: [ObjectItem]) throws -> ObjectBatch {
        var batch = BatchBuilder()
        for item in items { batch.append(item) }
        return try batch.write(to: self)
    }
}

/// One batch being encoded, with the totals its descriptor carries.
struct BatchBuilder: Sendable {
    var encoder = ObjectBlock.Encoder()
    var bytes: Int64 = 0, overwrites = 0, adopted = 0, adoptedBytes: Int64 = 0

    var count: Int { encoder.count }

    mutating func append(_ item: ObjectItem) {
        encoder.append(item)
        bytes += item.content.size
        if item.target?.generation != nil { overwrites += 1 }
        if item.adopt {
            adopted += 1
            adoptedBytes += item.content.size
        }
    }

    /// Writes the block and starts the next batch.
    mutating func write(to spool: ObjectSpool) throws -> ObjectBatch {
        let count = encoder.count
        let block = encoder.finish()
        let offset = try spool.append(block)
        var batch = ObjectBatch(offset: offset, length: Int64(block.count), count: count, fingerprint: ObjectBatch.fingerprint(block))
        (batch.bytes, batch.overwrites, batch.adopted, batch.adoptedBytes) = (bytes, overwrites, adopted, adoptedBytes)
        batch.spool = spool
        (bytes, overwrites, adopted, adoptedBytes) = (0, 0, 0, 0)
        return batch
    }
}

public enum ObjectSpoolError: Error, CustomStringConvertible, Equatable {
    case io(String)
    case truncated
    case corrupt(String)
    case missing

    public var description: String {
        switch self {
        case .io(let detail): return detail
        case .truncated: return "the plan's object lists end early (a truncated saved plan?)"
        case .corrupt(let detail): return "the plan's object lists are damaged: \(detail)"
        case .missing: return "an action's object list was read without its spool"
        }
    }
}

/// One batch of an action's objects, kept in an `ObjectSpool`: where its block is,
/// and the totals plans and progress need without reading it.
public struct ObjectBatch: Hashable, Sendable, Codable {
    public var offset: Int64
    public var length: Int64
    public var count: Int
    public var bytes: Int64 = 0
    /// Items with a target generation: copies that replace an object.
    public var overwrites = 0
    /// Items only recorded (adopted), and their bytes.
    public var adopted = 0
    public var adoptedBytes: Int64 = 0
    /// FNV-1a of the block's bytes: what makes two batches the same wherever a spool
    /// put them, and what reading checks.
    public var fingerprint: UInt64
    /// Where the block lives; set by the spool that wrote it, or by the decoder of a
    /// saved plan (`ObjectSpool.userInfoKey`). Not part of the batch's identity.
    public var spool: ObjectSpool?

    public init(offset: Int64, length: Int64, count: Int, fingerprint: UInt64) {
        self.offset = offset
        self.length = length
        self.count = count
        self.fingerprint = fingerprint
    }

    static func fingerprint(_ bytes: [UInt8]) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes {
            hash ^= UInt64(b)
            hash = hash &* 0x100_0000_01b3
        }
        return hash
    }

    /// Reads and decodes the batch's items (a few hundred kilobytes at most).
    public func items() throws -> [ObjectItem] {
        guard let spool else { throw ObjectSpoolError.missing }
        let block = try spool.read(offset: offset, length: Int(length))
        guard Self.fingerprint(block) == fingerprint else { throw ObjectSpoolError.corrupt("a batch's bytes changed since it was planned") }
        let items = try ObjectBlock.decode(block)
        guard items.count == count else { throw ObjectSpoolError.corrupt("a batch of \(count) objects holds \(items.count)") }
        return items
    }

    /// Throws unless the block is where the batch says, with the bytes it had.
    public func check() throws {
        guard let spool else { throw ObjectSpoolError.missing }
        guard Self.fingerprint(try spool.read(offset: offset, length: Int(length))) == fingerprint else {
            throw ObjectSpoolError.corrupt("a batch's bytes changed since it was planned")
        }
    }

    public var tally: Tally { Tally(objects: count, bytes: bytes) }

    enum CodingKeys: String, CodingKey { case offset, length, count, bytes, overwrites, adopted, adoptedBytes = "adopted_bytes", fingerprint }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        offset = try c.decode(Int64.self, forKey: .offset)
        length = try c.decode(Int64.self, forKey: .length)
        count = try c.decode(Int.self, forKey: .count)
        bytes = try c.decode(Int64.self, forKey: .bytes)
        overwrites = try c.decode(Int.self, forKey: .overwrites)
        adopted = try c.decode(Int.self, forKey: .adopted)
        adoptedBytes = try c.decode(Int64.self, forKey: .adoptedBytes)
        fingerprint = try c.decode(UInt64.self, forKey: .fingerprint)
        spool = decoder.userInfo[ObjectSpool.userInfoKey] as? ObjectSpool
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(offset, forKey: .offset)
        try c.encode(length, forKey: .length)
        try c.encode(count, forKey: .count)
        try c.encode(bytes, forKey: .bytes)
        try c.encode(overwrites, forKey: .overwrites)
        try c.encode(adopted, forKey: .adopted)
        try c.encode(adoptedBytes, forKey: .adoptedBytes)
        try c.encode(fingerprint, forKey: .fingerprint)
    }

    /// The same objects, wherever their block lies (offsets are where a spool put it).
    public static func == (a: ObjectBatch, b: ObjectBatch) -> Bool {
        a.fingerprint == b.fingerprint && a.length == b.length && a.count == b.count && a.bytes == b.bytes
            && a.overwrites == b.overwrites && a.adopted == b.adopted && a.adoptedBytes == b.adoptedBytes
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(fingerprint)
        hasher.combine(count)
    }
}

/// One list of a plan (a migration's copies, adoptions or deletions) as written to
/// the spool: its batches in name order and the totals planning needs.
public struct SpooledList: Sendable, Hashable, Codable {
    public var batches: [ObjectBatch] = []
    public var total = Tally()
    public var hasCustomTime = false
    public var storageClasses: Set<StorageClass> = []

    public init() {}

    public var count: Int { total.objects }
    public var isEmpty: Bool { total.objects == 0 }

    /// Every item, batch by batch.
    public func forEachBatch(_ body: ([ObjectItem]) throws -> Void) throws {
        for batch in batches { try body(try batch.items()) }
    }

    public var adopted: Tally { batches.reduce(Tally()) { $0 + Tally(objects: $1.adopted, bytes: $1.adoptedBytes) } }

    /// Every item at once: only where a step needs them together (a transfer job's manifest).
    public func allItems() throws -> [ObjectItem] {
        var out: [ObjectItem] = []
        out.reserveCapacity(count)
        try forEachBatch { out += $0 }
        return out
    }
}

/// Collects one list in name order and writes it to the spool a batch at a time:
/// memory holds one batch.
public struct ObjectListWriter: Sendable {
    public let spool: ObjectSpool
    public let batchSize: Int
    private var pending = BatchBuilder()
    private var written = SpooledList()

    public init(spool: ObjectSpool, batchSize: Int) {
        self.spool = spool
        self.batchSize = max(1, batchSize)
    }

    /// Encodes `item` at once (the list keeps bytes, not items) and writes the batch when it is full.
    public mutating func append(_ item: ObjectItem) throws {
        written.total.add(item.content.size)
        if item.customTime != nil { written.hasCustomTime = true }
        if let storageClass = item.storageClass { written.storageClasses.insert(storageClass) }
        pending.append(item)
        if pending.count >= batchSize { try flush() }
    }

    private mutating func flush() throws {
        guard pending.count > 0 else { return }
        written.batches.append(try pending.write(to: spool))
    }

    /// The list, its last batch written.
    public mutating func finish() throws -> SpooledList {
        try flush()
        return written
    }
}
