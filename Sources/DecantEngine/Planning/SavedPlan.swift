import DecantCore
import Foundation

/// A plan written by `decant plan --out FILE`: everything apply needs to do exactly
/// what was reviewed — the full object lists, the resolved plan it came from, the
/// inputs' digest and the state lineage and serial it was made against. It holds
/// no credential (none ever enters a Plan).
///
/// The file (format 3) is a short framing line, the plan and its action graph as
/// JSON, then the object lists as the spool's blocks (`ObjectBlock`, front-coded,
/// about 20–30 bytes an object where format 2's JSON took 630):
///
///     decant-plan 3
///     header <bytes>
///     {…JSON…}
///     objects <bytes>
///     <blocks>
///
/// Reading streams the file once: its SHA-256 is taken over the bytes as they are
/// read, the blocks go into a private unlinked spool, so what is checked is what is
/// applied and memory holds one batch at a time.
public struct SavedPlan: Codable, Sendable {
    /// 2: reasons are data (`ActionReason`, `HoldReason`, `RefusalReason`), not sentences.
    /// 3: object lists are binary blocks after the JSON (`ObjectBlock`).
    public static let formatVersion = 3
    static let magic = "decant-plan"

    public var formatVersion: Int
    public var decantVersion: String
    public var plan: Plan
    public var changes: PlannedChanges

    public init(plan: Plan, changes: PlannedChanges) {
        self.formatVersion = Self.formatVersion
        self.decantVersion = DecantVersion.current
        self.plan = plan
        self.changes = changes
    }

    /// Streams the file's bytes to `sink`, in order.
    public func write(_ sink: ([UInt8]) throws -> Void) throws {
        // The blocks the graph refers to, in the graph's order (a file is the same for
        // the same plan, however the migrations' lists interleaved in the spool); a
        // blocked migration's blocks are left out.
        struct Place: Hashable { let spool: ObjectIdentifier; let offset: Int64 }
        var renumbered: [Place: Int64] = [:]
        var ordered: [ObjectBatch] = []
        var end: Int64 = 0
        for action in changes.graph.actions {
            for batch in action.payload.batches {
                guard let spool = batch.spool else { continue }
                let place = Place(spool: ObjectIdentifier(spool), offset: batch.offset)
                guard renumbered[place] == nil else { continue }
                renumbered[place] = end
                ordered.append(batch)
                end += batch.length
            }
        }
        func moved(_ batch: ObjectBatch) -> ObjectBatch {
            guard let spool = batch.spool else { return batch }
            var batch = batch
            batch.offset = renumbered[Place(spool: ObjectIdentifier(spool), offset: batch.offset)]!
            return batch
        }
        var header = self
        header.changes.graph = changes.graph.mappingPayloads { payload in
            switch payload {
            case .spooled(let batch): return .spooled(moved(batch))
            case .spooledList(var list):
                list.batches = list.batches.map(moved)
                return .spooledList(list)
            default: return payload
            }
        }
        let json = try Self.encoder.encode(header)
        try sink(Array("\(Self.magic) \(Self.formatVersion)\nheader \(json.count)\n".utf8))
        try sink(Array(json))
        try sink(Array("\nobjects \(end)\n".utf8))
        for batch in ordered { try sink(try batch.spool!.read(offset: batch.offset, length: Int(batch.length))) }
    }

    /// The file's bytes at once (small plans, tests).
    public func encoded() throws -> Data {
        var data = Data()
        try write { data.append(contentsOf: $0) }
        return data
    }

    public func write(to path: String) throws {
        try encoded().write(to: URL(fileURLWithPath: path), options: .atomic)
        chmod(path, 0o600)
    }

    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .millisecondsSince1970
        return encoder
    }

    public static func read(from path: String) throws -> SavedPlan {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw EngineError.savedPlanUnreadable(path, String(cString: strerror(errno))) }
        defer { close(fd) }
        return try Reading(fd: fd, path: path).read().decode()
    }

    /// A saved plan from the bytes of a file (tests; the CLI streams with `Reading`).
    public static func decode(_ data: Data, path: String) throws -> SavedPlan {
        var offset = 0
        return try Reading(path: path) { buffer in
            let n = min(buffer.count, data.count - offset)
            data.copyBytes(to: buffer.bindMemory(to: UInt8.self), from: offset..<(offset + n))
            offset += n
            return n
        }.read().decode()
    }

    /// A saved plan's file read once: its SHA-256, its JSON, and its blocks in a private spool.
    public struct Loaded: Sendable {
        public let path: String
        public let sha256: String
        let header: Data
        let spool: ObjectSpool?
        /// Why the file is no saved plan of this format (nil: it is).
        let problem: EngineError?

        /// The plan, its batches bound to the private spool.
        public func decode() throws -> SavedPlan {
            if let problem { throw problem }
            guard let spool else { throw EngineError.notASavedPlan(path) }
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .millisecondsSince1970
            decoder.userInfo[ObjectSpool.userInfoKey] = spool
            let saved: SavedPlan
            do {
                saved = try decoder.decode(SavedPlan.self, from: header)
            } catch {
                throw EngineError.notASavedPlan(path)
            }
            // Every list is checked now, not when its action runs: a damaged file applies nothing.
            for action in saved.changes.graph.actions {
                for batch in action.payload.batches {
                    do {
                        try batch.check()
                    } catch {
                        throw EngineError.savedPlanUnreadable(path, "\(action.id): \(error)")
                    }
                }
            }
            return saved
        }
    }

    /// Reads a saved plan's bytes in order, hashing all of them.
    public struct Reading {
        let path: String
        let source: (UnsafeMutableRawBufferPointer) throws -> Int
        let spoolDirectory: String?

        public init(path: String, spoolDirectory: String? = nil, source: @escaping (UnsafeMutableRawBufferPointer) throws -> Int) {
            self.path = path
            self.source = source
            self.spoolDirectory = spoolDirectory
        }

        public init(fd: Int32, path: String, spoolDirectory: String? = nil) {
            self.init(path: path, spoolDirectory: spoolDirectory) { buffer in
                while true {
                    let n = Foundation.read(fd, buffer.baseAddress, buffer.count)
                    if n < 0, errno == EINTR { continue }
                    guard n >= 0 else { throw EngineError.savedPlanUnreadable(path, String(cString: strerror(errno))) }
                    return n
                }
            }
        }

        /// Reads the whole file. Only a failing read throws: a file that is no saved
        /// plan of this format is still hashed to its end, and says so when decoded, so
        /// that `--expect-sha256` is judged first.
        public func read() throws -> Loaded {
            var input = HashingInput(source)
            let problem: EngineError
            do {
                return try readFramed(&input)
            } catch let error as FormatProblem {
                problem = error.error
            } catch ObjectSpoolError.truncated {
                problem = .savedPlanUnreadable(path, "the file ends early (truncated?)")
            }
            _ = try input.remainder(limit: 0)
            return Loaded(path: path, sha256: input.digest(), header: Data(), spool: nil, problem: problem)
        }

        struct FormatProblem: Error { let error: EngineError }

        private func readFramed(_ input: inout HashingInput) throws -> Loaded {
            guard try input.fill() else { throw FormatProblem(error: .notASavedPlan(path)) }
            if input.peek == UInt8(ascii: "{") {
                // Formats 1 and 2 were one JSON document: say which format it is.
                let data = Data(try input.remainder(limit: 1 << 30))
                struct Version: Decodable { var formatVersion: Int }
                guard let version = try? JSONDecoder().decode(Version.self, from: data) else { throw FormatProblem(error: .notASavedPlan(path)) }
                throw FormatProblem(error: .savedPlanFormat(path, version.formatVersion))
            }
            // A file that does not start with the framing line is no saved plan, however short.
            guard let first = (try? input.line(limit: 64)) ?? nil, first.hasPrefix(SavedPlan.magic + " "),
                  let version = Int(first.dropFirst(SavedPlan.magic.count + 1)) else { throw FormatProblem(error: .notASavedPlan(path)) }
            guard version == SavedPlan.formatVersion else { throw FormatProblem(error: .savedPlanFormat(path, version)) }
            guard let headerLine = try input.line(limit: 64), headerLine.hasPrefix("header "),
                  let headerLength = Int(headerLine.dropFirst(7)), headerLength >= 0 else { throw FormatProblem(error: .notASavedPlan(path)) }
            let header = try input.exactly(headerLength)
            guard try input.line(limit: 0) == "", let objectsLine = try input.line(limit: 64), objectsLine.hasPrefix("objects "),
                  let objectsLength = Int64(objectsLine.dropFirst(8)), objectsLength >= 0 else { throw FormatProblem(error: .notASavedPlan(path)) }
            // Beside the file when it can be (the system's temporary folder may be small),
            // else there: a plan in a read-only folder (a mounted CI artifact) is still applied.
            let spool = try spoolDirectory.flatMap { try? ObjectSpool.temporary(in: $0) } ?? ObjectSpool.temporary()
            try input.copy(objectsLength, into: spool)
            guard try input.atEnd() else { throw FormatProblem(error: .notASavedPlan(path)) }
            return Loaded(path: path, sha256: input.digest(), header: Data(header), spool: spool, problem: nil)
        }
    }
}

/// Buffered reading that hashes every byte it hands out (and the ones it skips).
struct HashingInput {
    let source: (UnsafeMutableRawBufferPointer) throws -> Int
    let hasher = StreamingDigest.sha256()
    var buffer: [UInt8] = []
    var position = 0
    var ended = false

    init(_ source: @escaping (UnsafeMutableRawBufferPointer) throws -> Int) { self.source = source }

    /// Makes bytes available; false at the end of the file.
    mutating func fill() throws -> Bool {
        if position < buffer.count { return true }
        if ended { return false }
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        let n = try chunk.withUnsafeMutableBytes { try source($0) }
        if n == 0 {
            ended = true
            return false
        }
        buffer = Array(chunk[0..<n])
        position = 0
        buffer.withUnsafeBytes { hasher.update($0) }
        return true
    }

    /// The next line without its newline (at most `limit` bytes), nil when longer; the
    /// file ending first is a truncation.
    mutating func line(limit: Int) throws -> String? {
        var out: [UInt8] = []
        while try fill() {
            let b = buffer[position]
            position += 1
            if b == UInt8(ascii: "\n") {
                return String(decoding: out, as: UTF8.self)
            }
            out.append(b)
            if out.count > limit { return nil }
        }
        throw ObjectSpoolError.truncated
    }

    mutating func exactly(_ n: Int) throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(n)
        while out.count < n {
            guard try fill() else { throw ObjectSpoolError.truncated }
            let take = min(n - out.count, buffer.count - position)
            out += buffer[position..<(position + take)]
            position += take
        }
        return out
    }

    mutating func copy(_ n: Int64, into spool: ObjectSpool) throws {
        var left = n
        while left > 0 {
            guard try fill() else { throw ObjectSpoolError.truncated }
            let take = Int(min(left, Int64(buffer.count - position)))
            try spool.append(Array(buffer[position..<(position + take)]))
            position += take
            left -= Int64(take)
        }
    }

    mutating func remainder(limit: Int) throws -> [UInt8] {
        var out: [UInt8] = []
        while try fill() {
            if out.count < limit { out += buffer[position...] }
            position = buffer.count
        }
        return out
    }

    mutating func atEnd() throws -> Bool { try !fill() }

    /// The next byte, after `fill()` said there is one.
    var peek: UInt8 { buffer[position] }

    func digest() -> String { Digest.hex(hasher.finish()) }
}

extension ActionPayload {
    /// The spooled batches this payload refers to.
    var batches: [ObjectBatch] {
        switch self {
        case .spooled(let batch): return [batch]
        case .spooledList(let list): return list.batches
        default: return []
        }
    }
}

extension SavedPlan {
    /// Why this saved plan may no longer be applied, or nil when it may: the plan
    /// files changed, or the state moved on since it was made.
    public func staleness(inputDigest: String, lineage: String?, serial: Int64) -> EngineError? {
        if inputDigest != changes.inputDigest { return .planFilesChanged }
        if let saved = changes.stateLineage, let lineage, saved != lineage { return .otherLineage(saved, lineage) }
        if serial != changes.stateSerial { return .stateMovedOn(planned: changes.stateSerial, now: serial) }
        return nil
    }
}
