import DecantCore
import Foundation
import Testing

/// A plan's object lists on disk (issue 19): every field of every item comes back
/// exactly, blocks are compact, and damage is an error, never a wrong object.
@Suite struct ObjectSpoolTests {
    /// Items with every optional field set and unset, names that share and do not
    /// share prefixes, non-ASCII names, checksums that are and are not canonical base64.
    static func variedItems(_ n: Int) -> [ObjectItem] { (0..<n).map(variedItem) }

    static func variedItem(_ i: Int) -> ObjectItem {
        let name: String = i % 7 == 0 ? "données/été/" + String(i) + "/ü.parquet"
            : "events/dt=2024-01-" + String(format: "%02d", i % 28 + 1) + "/part-" + String(format: "%05d", i) + ".parquet"
        var target: ObjectRef?
        if i % 11 != 5 {
            let targetName: String = (i % 3 == 0 ? "archives/" : "x/") + String(name.dropFirst(i % 5))
            let generation: Int64? = i % 4 == 0 ? nil : 1_700_000_000_000_000 + Int64(i * 37 % 1000) - 500
            target = ObjectRef(bucket: i % 13 == 0 ? "other-target" : "archive-bucket", name: targetName, generation: generation)
        }
        let sign: Int64 = i % 2 == 0 ? 1 : -1
        let sourceGeneration: Int64? = i % 19 == 0 ? nil : 1_690_000_000_000_000 + Int64(i) * 1_234_567 * sign
        let crc: String? = i % 9 == 0 ? nil : (i % 10 == 1 ? "not base64 \(i)" : base64(UInt32(truncatingIfNeeded: i &* 2_654_435_761)))
        let md5Bytes: [UInt8] = (0..<16).map { (k: Int) -> UInt8 in UInt8(truncatingIfNeeded: k &* i) }
        let md5: String? = i % 8 == 0 ? nil : (i % 6 == 1 ? "AAAA" : Data(md5Bytes).base64EncodedString())
        let created: Date? = i % 5 == 0 ? nil
            : Date(timeIntervalSince1970: (i % 4 == 1 ? 1_700_000_000.123456789 : 1_700_000_000.5) + Double(i))
        let custom: Date? = i % 3 == 0 ? Date(timeIntervalSince1970: 1_600_000_000 + Double(i) / 7) : nil
        return ObjectItem(source: ObjectRef(bucket: i % 17 == 3 ? "second-source" : "data-bucket", name: name, generation: sourceGeneration),
                          target: target, content: ContentIdentity(size: Int64(i) * 4099 % 10_000_000_000, crc32c: crc, md5: md5),
                          sourceCreated: created, customTime: custom, storageClass: i % 4 == 2 ? .coldline : nil,
                          adopt: i % 2 == 1, ledgerID: i % 10 == 3 ? Int64(i) * 1000 : nil)
    }

    static func base64(_ value: UInt32) -> String {
        Data([UInt8(value >> 24), UInt8(value >> 16 & 0xff), UInt8(value >> 8 & 0xff), UInt8(value & 0xff)]).base64EncodedString()
    }

    @Test func everyFieldRoundTripsExactly() throws {
        let items = Self.variedItems(500)
        let decoded = try ObjectBlock.decode(ObjectBlock.encode(items))
        #expect(decoded.count == items.count)
        for (a, b) in zip(decoded, items) { #expect(a == b, "\(b.source)") }
        #expect(try ObjectBlock.decode(ObjectBlock.encode([])) == [])
        // Base64 that decodes but is not canonical (unused bits set, `=` inside) stays text, exactly.
        for (crc, md5) in [("AAAAAB==", "AAAAAAAAAAAAAAAAAAAAAB=="), ("AA=AAA==", "AAAAAAAAAAAAAAAAAAAAA==="), ("3q2+7w==", "1B2M2Y8AsgTpgAmY7PhCfg==")] {
            let item = ObjectItem(source: ObjectRef(bucket: "b", name: "n", generation: 1), target: nil,
                                  content: ContentIdentity(size: 0, crc32c: crc, md5: md5))
            #expect(try ObjectBlock.decode(ObjectBlock.encode([item])) == [item])
        }
    }

    @Test func aSortedListWithGCSChecksumsTakesFewBytesAnObject() throws {
        // Names as a data platform writes them, checksums as GCS gives them (base64).
        let items = (0..<2000).map { (i: Int) -> ObjectItem in
            let day = String(format: "%02d", i / 100 + 1), part = String(format: "%05d", i)
            let tail = "events/dt=2024-03-" + day + "/part-" + part + ".snappy.parquet"
            let generation: Int64 = 1_710_000_000_000_000 + Int64(i) * 3_517
            let md5Bytes: [UInt8] = (0..<16).map { (k: Int) -> UInt8 in UInt8(truncatingIfNeeded: k &* 31 &+ i) }
            let content = ContentIdentity(size: 40_000_000 + Int64(i) * 977, crc32c: Self.base64(UInt32(truncatingIfNeeded: i &* 2_654_435_761)),
                                          md5: Data(md5Bytes).base64EncodedString())
            return ObjectItem(source: ObjectRef(bucket: "data-bucket", name: "historization/tracking/" + tail, generation: generation),
                              target: ObjectRef(bucket: "archive-bucket", name: "archives/firebase_tracking/" + tail),
                              content: content, sourceCreated: Date(timeIntervalSince1970: 1_710_000_000 + Double(i) * 0.25))
        }
        let block = ObjectBlock.encode(items)
        let perObject = Double(block.count) / Double(items.count)
        // 16 bytes of MD5 and 4 of CRC32C are the floor; names, generations, sizes and times add under 16.
        #expect(perObject <= 36, "\(perObject) bytes an object")
        let withoutChecksums = items.map { item in
            var item = item
            item.content = ContentIdentity(size: item.content.size, crc32c: nil, md5: nil)
            return item
        }
        #expect(Double(ObjectBlock.encode(withoutChecksums).count) / Double(items.count) <= 16)
        #expect(try ObjectBlock.decode(block) == items)
    }

    @Test func aDamagedBlockIsAnErrorNeverOtherObjects() throws {
        let items = Self.variedItems(50)
        let block = ObjectBlock.encode(items)
        // Cut anywhere: an error.
        for cut in stride(from: 0, to: block.count, by: 7) {
            #expect(throws: ObjectSpoolError.self) { try ObjectBlock.decode(Array(block[0..<cut])) }
        }
        // Any byte changed: an error or some objects, never a crash (the fingerprint refuses the rest).
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<3000 {
            var mutated = block
            for _ in 0..<Int.random(in: 1...3, using: &generator) {
                mutated[Int.random(in: 3..<mutated.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            }
            _ = try? ObjectBlock.decode(mutated)
        }
        // A spooled batch whose bytes changed is refused by its fingerprint.
        let spool = try ObjectSpool.temporary()
        let batch = try spool.write(items)
        #expect(try batch.items() == items)
        var altered = batch
        altered.fingerprint ^= 1
        #expect(throws: ObjectSpoolError.self) { try altered.items() }
        var elsewhere = batch
        elsewhere.offset += 1
        #expect(throws: ObjectSpoolError.self) { try elsewhere.items() }
        var unbound = batch
        unbound.spool = nil
        #expect(throws: ObjectSpoolError.missing) { try unbound.items() }
    }

    @Test func aListIsWrittenABatchAtATimeWithItsTotals() throws {
        let spool = try ObjectSpool.temporary()
        var writer = ObjectListWriter(spool: spool, batchSize: 64)
        let items = Self.variedItems(200)
        for item in items { try writer.append(item) }
        let list = try writer.finish()
        #expect(list.batches.map(\.count) == [64, 64, 64, 8])
        #expect(list.total == items.reduce(into: Tally()) { $0.add($1.content.size) })
        #expect(list.batches.reduce(0) { $0 + $1.adopted } == items.filter(\.adopt).count)
        #expect(list.batches.reduce(0) { $0 + $1.overwrites } == items.filter { $0.target?.generation != nil }.count)
        #expect(list.hasCustomTime)
        #expect(list.storageClasses == [.coldline])
        #expect(try list.allItems() == items)
        // The same objects are the same batch wherever a spool put them.
        let other = try ObjectSpool.temporary()
        try other.append([1, 2, 3])
        #expect(try other.write(Array(items[0..<64])) == list.batches[0])
    }

    @Test func theSpoolLeavesNoFileBehind() throws {
        let directory = NSTemporaryDirectory() + "/spool-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let spool = try ObjectSpool.temporary(in: directory)
        _ = try spool.write(Self.variedItems(10))
        // Unlinked at creation: a killed plan leaves nothing in the folder.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).isEmpty)
        #expect(spool.size > 0)
        #expect(throws: ObjectSpoolError.self) { try ObjectSpool.temporary(in: directory + "/missing") }
    }
}
