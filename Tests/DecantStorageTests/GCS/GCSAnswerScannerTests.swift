import Foundation
import Testing
@testable import DecantStorage

/// The hand-written scanner of hot answers against `JSONDecoder`, the decoder it
/// replaced: on real answers (captured from fake-gcs-server, gcp-storage-emulator,
/// and as GCS sends them with `fields`), on hundreds of thousands of mutations of
/// them, and on hostile documents, both must read the same value or both refuse.
@Suite struct GCSAnswerScannerTests {
    static let fakeGCSRewrite = #"""
        {"kind":"storage#rewriteResponse","totalBytesRewritten":"11","objectSize":"11","done":true,"rewriteToken":"","resource":{"kind":"storage#object","name":"copy/0001/part-0000001.parquet","id":"cap-dst/copy/0001/part-0000001.parquet","bucket":"cap-dst","size":"11","contentType":"application/octet-stream","crc32c":"yZRlqg==","acl":[{"bucket":"cap-dst","entity":"projectOwner-test-project","etag":"RVRhZw==","kind":"storage#objectAccessControl","object":"copy/0001/part-0000001.parquet","projectTeam":{},"role":"OWNER"}],"md5Hash":"XrY7u+Ae7tCTyyK7j1rNww==","etag":"XrY7u+Ae7tCTyyK7j1rNww==","storageClass":"STANDARD","timeCreated":"2026-12-02T01:37:06.833891Z","timeStorageClassUpdated":"2026-12-02T01:37:06.833896Z","updated":"2026-12-02T01:37:06.833896Z","generation":"1796175426833909","selfLink":"http://127.0.0.1:37901/storage/v1/b/cap-dst/o/copy%2F0001%2Fpart-0000001.parquet","mediaLink":"http://127.0.0.1:37901/download/storage/v1/b/cap-dst/o/copy%2F0001%2Fpart-0000001.parquet?alt=media","metageneration":"1"}}
        """#

    static let fakeGCSList = #"""
        {"kind":"storage#objects","items":[{"kind":"storage#object","name":"events/0001/part-0000001.parquet","id":"cap-src/events/0001/part-0000001.parquet","bucket":"cap-src","size":"11","contentType":"application/octet-stream","crc32c":"yZRlqg==","acl":[{"bucket":"cap-src","entity":"projectOwner-test-project","etag":"RVRhZw==","kind":"storage#objectAccessControl","object":"events/0001/part-0000001.parquet","projectTeam":{},"role":"OWNER"}],"md5Hash":"XrY7u+Ae7tCTyyK7j1rNww==","etag":"XrY7u+Ae7tCTyyK7j1rNww==","storageClass":"STANDARD","timeCreated":"2026-12-02T01:37:06.806068Z","timeStorageClassUpdated":"2026-12-02T01:37:06.806075Z","updated":"2026-12-02T01:37:06.806075Z","generation":"1796175426806095","selfLink":"http://127.0.0.1:37901/storage/v1/b/cap-src/o/events%2F0001%2Fpart-0000001.parquet","mediaLink":"http://127.0.0.1:37901/download/storage/v1/b/cap-src/o/events%2F0001%2Fpart-0000001.parquet?alt=media","metageneration":"1"},{"kind":"storage#object","name":"events/café \"q\"/x.bin","id":"cap-src/events/café \"q\"/x.bin","bucket":"cap-src","size":"4","contentType":"text/plain","crc32c":"rth90Q==","md5Hash":"jXd/OF09/siBXSD3SWAm3A==","storageClass":"STANDARD","timeCreated":"2026-12-02T01:37:06.820373Z","updated":"2026-12-02T01:37:06.82038Z","generation":"1796175426820391","metadata":{"e":"","k":"v"},"metageneration":"1"}],"nextPageToken":"ZXZlbnRzLzAwMDIv"}
        """#

    static let emulatorRewrite = #"""
        {"kind": "storage#rewriteResponse", "totalBytesRewritten": "11", "objectSize": "11", "done": true, "resource": {"kind": "storage#object", "id": "cap-dst/copy/0001/part-0000001.parquet/1796175427704760385", "selfLink": "/storage/v1/b/cap-dst/o/copy/0001/part-0000001.parquet", "name": "copy/0001/part-0000001.parquet", "bucket": "cap-dst", "generation": "1796175427704760385", "metageneration": "2", "contentType": "application/octet-stream", "timeCreated": "2026-12-02T01:37:07.704764Z", "updated": "2026-12-02T01:37:07.704764Z", "storageClass": "STANDARD", "timeStorageClassUpdated": "2026-12-02T01:37:07.704764Z", "size": "11", "md5Hash": "XrY7u+Ae7tCTyyK7j1rNww==", "mediaLink": "http://127.0.0.1:41149/download/storage/v1/b/cap-dst/o/copy/0001/part-0000001.parquet?generation=1796175427704760385&alt=media", "crc32c": "yZRlqg==", "etag": "XrY7u+Ae7tCTyyK7j1rNww==", "acl": []}}
        """#

    static let emulatorList = #"""
        {"kind": "storage#objects", "prefixes": [], "items": [{"kind": "storage#object", "name": "events/caf\ufffd\ufffd \"q\"/x.bin", "bucket": "cap-src", "generation": "1796175427602546970", "metageneration": "2", "contentType": "text/plain", "timeCreated": "2026-12-02T01:37:07.602553Z", "updated": "2026-12-02T01:37:07.602553Z", "storageClass": "STANDARD", "size": "4", "md5Hash": "jXd/OF09/siBXSD3SWAm3A==", "crc32c": "rth90Q==", "etag": "jXd/OF09/siBXSD3SWAm3A==", "acl": [], "metadata": {"k": "v", "e": null}}]}
        """#

    /// What GCS answers a rewrite asked with `GCSStore`'s `fields`, finished and not.
    static let gcsRewriteDone = #"""
        {
          "totalBytesRewritten": "1024",
          "objectSize": "1024",
          "done": true,
          "resource": {
            "name": "archives/2024/01/part-0000001.parquet",
            "size": "1024",
            "generation": "1733099226833909",
            "metageneration": "1",
            "md5Hash": "XrY7u+Ae7tCTyyK7j1rNww==",
            "crc32c": "yZRlqg==",
            "timeCreated": "2024-12-02T01:37:06.833Z",
            "updated": "2024-12-02T01:37:06.833Z",
            "customTime": "2024-01-01T00:00:00Z",
            "storageClass": "COLDLINE"
          }
        }
        """#

    static let gcsRewritePartial = #"""
        {"totalBytesRewritten":"1048576","objectSize":"10485760","done":false,"rewriteToken":"CgwI2fKz\/\u002Bn3Q=="}
        """#

    static let gcsListPage = #"""
        {"prefixes":["a/","b/\u00e9\ud83d\ude00/"],"items":[{"name":"a\tb","size":12,"generation":1.0,"metageneration":1e0}],"nextPageToken":"tok"}
        """#

    static var seeds: [String] {
        [fakeGCSRewrite, fakeGCSList, emulatorRewrite, emulatorList, gcsRewriteDone, gcsRewritePartial, gcsListPage,
         #"{"name":"x"}"#, #"{}"#, #"{"items":null,"prefixes":null}"#]
    }

    /// The three readings of one document by both decoders. Whatever the scanner
    /// reads, `JSONDecoder` reads the same; whatever `JSONDecoder` reads from UTF-8
    /// that `JSONSerialization` also takes (every value well-formed, not only the
    /// decoded ones), the scanner reads too.
    static func agree(_ data: Data, sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        let readings: [(String, Any?, Any?, (Any?, Any?) -> Bool)] = [
            ("object", try? JSONDecoder().decode(GCSObjectJSON.self, from: data), try? GCSAnswerScanner.object(data),
             { ($0 as? GCSObjectJSON) == ($1 as? GCSObjectJSON) }),
            ("rewrite", try? JSONDecoder().decode(GCSRewriteJSON.self, from: data), try? GCSAnswerScanner.rewrite(data),
             { ($0 as? GCSRewriteJSON) == ($1 as? GCSRewriteJSON) }),
            ("list", try? JSONDecoder().decode(GCSObjectListJSON.self, from: data), try? GCSAnswerScanner.objectList(data),
             { ($0 as? GCSObjectListJSON) == ($1 as? GCSObjectListJSON) }),
        ]
        // JSONDecoder also reads UTF-16 and UTF-32, which it tells by a byte-order mark or zero bytes.
        let utf8 = !data.prefix(4).contains(0) && !data.starts(with: [0xFE, 0xFF]) && !data.starts(with: [0xFF, 0xFE])
        let wellFormed = utf8 && (try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])) != nil
        var problems: [String] = []
        for (what, old, new, same) in readings {
            if new != nil, old == nil || !same(old, new) { problems.append("the scanner reads a \(what) JSONDecoder \(old == nil ? "refuses" : "reads otherwise")") }
            if old != nil, new == nil, wellFormed { problems.append("the scanner refuses a well-formed \(what) JSONDecoder reads") }
        }
        if !problems.isEmpty {
            Issue.record("\(problems.joined(separator: "; ")): \(String(decoding: data.prefix(300), as: UTF8.self).debugDescription) (\(data.count) bytes)",
                         sourceLocation: sourceLocation)
        }
        return problems.isEmpty
    }

    @Test func realAnswersReadAsJSONDecoderReadsThem() throws {
        for seed in Self.seeds { #expect(Self.agree(Data(seed.utf8))) }
        let rewrite = try GCSAnswerScanner.rewrite(Data(Self.fakeGCSRewrite.utf8))
        #expect(rewrite.done == true && rewrite.rewriteToken == "")
        let record = try #require(rewrite.resource).record
        #expect(record.name == "copy/0001/part-0000001.parquet" && record.size == 11 && record.generation == 1_796_175_426_833_909)
        #expect(record.crc32c == "yZRlqg==" && record.md5 == "XrY7u+Ae7tCTyyK7j1rNww==" && record.storageClass == .standard)
        let partial = try GCSAnswerScanner.rewrite(Data(Self.gcsRewritePartial.utf8))
        #expect(partial.done == false && partial.rewriteToken == "CgwI2fKz/+n3Q==" && partial.resource == nil)
        let list = try GCSAnswerScanner.objectList(Data(Self.fakeGCSList.utf8))
        #expect(list.items?.map(\.name) == ["events/0001/part-0000001.parquet", "events/café \"q\"/x.bin"])
        #expect(list.items?.last?.metadata == ["e": "", "k": "v"] && list.nextPageToken == "ZXZlbnRzLzAwMDIv")
        let page = try GCSAnswerScanner.objectList(Data(Self.gcsListPage.utf8))
        #expect(page.prefixes == ["a/", "b/é😀/"] && page.items?.first?.name == "a\tb")
        #expect(page.items?.first?.record.generation == 1 && page.items?.first?.record.metageneration == 1)
    }

    @Test func hostileDocumentsAreReadOrRefusedAsJSONDecoderDoes() {
        var documents: [String] = [
            "", " ", "null", "[]", "\"name\"", "1", #"{"name":"x"} x"#, #"{"name":"x"}}"#, #"{"name":"x",}"#, #"{,"name":"x"}"#,
            #"{"name":"x" "size":"1"}"#, #"{'name':'x'}"#, #"{"name":"x"/*c*/}"#, "{\"name\":\"x\"}\u{0}",
            #"{"name":null}"#, #"{"name":5}"#, #"{"name":"a","name":"b"}"#, #"{"name":"a","name":5}"#, #"{"name":5,"name":"a"}"#,
            #"{"name":"x","size":true}"#, #"{"name":"x","size":"abc"}"#, #"{"name":"x","size":" 12"}"#, #"{"name":"x","size":"+12"}"#,
            #"{"name":"x","size":9223372036854775807}"#, #"{"name":"x","size":9223372036854775808}"#,
            #"{"name":"x","size":-9223372036854775808}"#, #"{"name":"x","size":-9223372036854775809}"#,
            #"{"name":"x","size":1.5}"#, #"{"name":"x","size":1e400}"#, #"{"name":"x","size":-0}"#, #"{"name":"x","size":-0.0}"#,
            #"{"name":"x","size":01}"#, #"{"name":"x","size":1.}"#, #"{"name":"x","size":.5}"#, #"{"name":"x","size":1e}"#,
            #"{"name":"x","size":+1}"#, #"{"name":"x","size":1E+2}"#, #"{"name":"x","size":"9223372036854775808"}"#,
            #"{"name":"x","metadata":{"a":1}}"#, #"{"name":"x","metadata":{"a":null}}"#, #"{"name":"x","metadata":[]}"#,
            #"{"name":"x","metadata":null}"#, #"{"done":"true"}"#, #"{"done":1}"#, #"{"done":null,"resource":null}"#,
            #"{"resource":{}}"#, #"{"resource":{"name":"a","acl":[{"x":[1,2,{"y":null}]}]}}"#, #"{"items":[{"name":"a"},{}]}"#,
            #"{"items":{}}"#, #"{"prefixes":[null]}"#, #"{"prefixes":["a",1]}"#, #"{"nextPageToken":["x"]}"#,
            #"{"name":"\u00"}"#, #"{"name":"\ud800"}"#, #"{"name":"\udc00\ud800"}"#, #"{"name":"\ud83d\ude00"}"#,
            #"{"name":"\ud83d\u0041"}"#, #"{"name":"\x"}"#, #"{"name":"\U00e9"}"#, #"{"name":"\u0000"}"#, "{\"name\":\"a\u{1}b\"}",
            "{\"name\":\"tab\there\"}", "{\"name\":\"nl\nhere\"}", #"{"name":"x","unknown":tru}"#, #"{"name":"x","unknown":nulll}"#,
            #"{"name":"x","unknown":[1,]}"#, #"{"name":"x","unknown":{"a"}}"#, #"{"name":"x","unknown":-}"#, "\u{FEFF}{\"name\":\"x\"}",
            "\t\r\n {\"name\" \t:\r\n\"x\"\n}\n", #"{"name":"x","unknown":"\/\b\f\n\r\t\"\\"}"#,
        ]
        documents.append(String(repeating: "[", count: 600) + String(repeating: "]", count: 600))
        documents.append(#"{"name":"x","a":"# + String(repeating: "[", count: 510) + String(repeating: "]", count: 510) + "}")
        documents.append(#"{"name":"x","a":"# + String(repeating: "[", count: 511) + String(repeating: "]", count: 511) + "}")
        documents.append(#"{"name":"x","a":"# + String(repeating: "{\"k\":", count: 520) + "1" + String(repeating: "}", count: 520) + "}")
        documents.append(#"{"name":""# + String(repeating: "é", count: 100_000) + #""}"#)
        for document in documents { #expect(Self.agree(Data(document.utf8))) }
        // Bytes that are not UTF-8, inside and outside strings.
        for bytes: [UInt8] in [[0x7B, 0x22, 0x6E, 0x61, 0x6D, 0x65, 0x22, 0x3A, 0x22, 0xC3, 0x22, 0x7D],
                               [0x7B, 0x22, 0x6E, 0x61, 0x6D, 0x65, 0x22, 0x3A, 0x22, 0xFF, 0xFE, 0x22, 0x7D],
                               [0x7B, 0x22, 0x6E, 0x61, 0x6D, 0x65, 0x22, 0x3A, 0x22, 0xED, 0xA0, 0x80, 0x22, 0x7D],
                               [0x7B, 0x22, 0x6E, 0x61, 0x6D, 0x65, 0x22, 0x3A, 0x22, 0x78, 0x22, 0x2C, 0x22, 0x6B, 0x22, 0x3A, 0x22, 0xC0, 0xAF, 0x22, 0x7D],
                               [0xFF, 0xFE, 0x7B, 0x00, 0x7D, 0x00], [0xEF, 0xBB, 0xBF, 0x7B, 0x7D]] {
            #expect(Self.agree(Data(bytes)))
        }
    }

    /// Random edits of the real answers (a fixed seed: the same cases every run).
    @Test(arguments: 0..<8) func mutatedAnswersAreReadOrRefusedAsJSONDecoderDoes(round: Int) {
        var random = SplitMix64(seed: 0x5EED_0000 + UInt64(round))
        let tokens: [[UInt8]] = ["\"", "\\", "{", "}", "[", "]", ",", ":", "null", "true", "1e400", "-0", "01", "\\u00e9", "\\ud800",
                                 "\\ud83d\\ude00", "\u{1}", " ", "\"size\":", "\"name\":", "9223372036854775808", "1.5"].map { Array($0.utf8) }
        var failures = 0
        for _ in 0..<2_500 where failures < 5 {
            var bytes = Array(Self.seeds[Int(random.next() % UInt64(Self.seeds.count))].utf8)
            for _ in 0..<(1 + Int(random.next() % 3)) {
                let at = bytes.isEmpty ? 0 : Int(random.next() % UInt64(bytes.count))
                switch random.next() % 6 {
                case 0 where !bytes.isEmpty: bytes[at] = UInt8(truncatingIfNeeded: random.next())
                case 1 where !bytes.isEmpty: bytes.removeSubrange(at..<min(bytes.count, at + 1 + Int(random.next() % 8)))
                case 2: bytes.insert(contentsOf: tokens[Int(random.next() % UInt64(tokens.count))], at: at)
                case 3: bytes = Array(bytes.prefix(at))
                case 4 where !bytes.isEmpty:
                    let end = min(bytes.count, at + Int(random.next() % 40))
                    bytes.insert(contentsOf: bytes[at..<end], at: at)
                default: bytes.insert(UInt8(truncatingIfNeeded: random.next() % 128), at: at)
                }
            }
            if !Self.agree(Data(bytes)) { failures += 1 }
        }
        #expect(failures == 0)
    }
}

/// A small seeded generator, so that a failing mutation comes back on the next run.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Random answers generated whole (not edited from real ones), written with random
/// escapes, and read back by `JSONSerialization` as the reference: what it reads
/// from each field is what the scanner must read.
@Suite struct GCSAnswerScannerGeneratedTests {
    /// A JSON value with the text it is written as (escapes and spacing chosen at random).
    indirect enum Value {
        case string(String)
        case integer(Int64, asString: Bool)
        case bool(Bool)
        case null
        case array([Value])
        case object([(String, Value)])
    }

    struct Writer {
        var random: SplitMix64

        mutating func chance(_ n: UInt64) -> Bool { random.next() % n == 0 }

        /// Names as a data platform has them, and the characters that need care.
        mutating func text() -> String {
            let pieces = ["events/", "part-0000001.parquet", "é", "😀", "\"", "\\", "/", "\t", "\n", "\u{1}", "\u{1F}", "\u{7F}",
                          "\u{FFFF}", "\u{10FFFF}", "日本", " ", "%2F", "a", "\u{2028}", "\u{0}"]
            return (0..<Int(random.next() % 6)).map { _ in pieces[Int(random.next() % UInt64(pieces.count))] }.joined()
        }

        mutating func space() -> String { chance(4) ? [" ", "\n", "\t", "\r\n  "][Int(random.next() % 4)] : "" }

        /// A string literal: each scalar plain, `\u`-escaped (astral ones as a surrogate pair) or short-escaped.
        mutating func literal(_ s: String) -> String {
            var out = "\""
            for scalar in s.unicodeScalars {
                let v = scalar.value
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += chance(2) ? "\\\\" : "\\u005C"
                case "\n": out += chance(2) ? "\\n" : "\\u000a"
                case "\t": out += chance(2) ? "\\t" : "\\u0009"
                case "/" where chance(2): out += "\\/"
                default:
                    if v < 0x20 || chance(5) {
                        if v > 0xFFFF {
                            let u = v - 0x10000
                            out += String(format: "\\u%04X\\u%04x", 0xD800 + (u >> 10), 0xDC00 + (u & 0x3FF))
                        } else {
                            out += String(format: chance(2) ? "\\u%04x" : "\\u%04X", v)
                        }
                    } else {
                        out.unicodeScalars.append(scalar)
                    }
                }
            }
            return out + "\""
        }

        mutating func write(_ value: Value) -> String {
            switch value {
            case .string(let s): return literal(s)
            case .integer(let n, let asString): return asString ? "\"\(n)\"" : String(n)
            case .bool(let b): return b ? "true" : "false"
            case .null: return "null"
            case .array(let items): return "[" + space() + items.map { write($0) }.joined(separator: "," + space()) + space() + "]"
            case .object(let members):
                return "{" + space() + members.map { literal($0.0) + space() + ":" + space() + write($0.1) }.joined(separator: "," + space()) + space() + "}"
            }
        }

        /// Something decant does not read, nested up to `depth`.
        mutating func unknown(depth: Int) -> Value {
            switch random.next() % (depth > 0 ? 6 : 4) {
            case 0: return .string(text())
            case 1: return .integer(Int64(bitPattern: random.next()) >> Int64(random.next() % 64), asString: chance(2))
            case 2: return .bool(chance(2))
            case 3: return .null
            case 4: return .array((0..<Int(random.next() % 4)).map { _ in unknown(depth: depth - 1) })
            default: return .object((0..<Int(random.next() % 4)).map { _ in (text(), unknown(depth: depth - 1)) })
            }
        }

        mutating func int64() -> Value {
            let n = [Int64.max, Int64.min, 0, -1, 1_796_175_426_833_909, Int64(random.next() % 1_000_000)][Int(random.next() % 6)]
            return .integer(n, asString: chance(3) == false)
        }

        /// An object resource: the fields decant reads (each present or not, some null) among unknown ones, in random order.
        mutating func object() -> Value {
            var members: [(String, Value)] = [("name", .string(text()))]
            for key in ["size", "generation", "metageneration"] where !chance(4) { members.append((key, chance(8) ? .null : int64())) }
            for key in ["md5Hash", "crc32c", "timeCreated", "updated", "customTime", "storageClass", "contentType"] where !chance(3) {
                members.append((key, chance(8) ? .null : .string(text())))
            }
            if chance(3) {
                members.append(("metadata", .object((0..<Int(random.next() % 4)).map { i in ("k\(i)" + text(), chance(5) ? .null : .string(text())) })))
            }
            for _ in 0..<Int(random.next() % 4) { members.append(([ "kind", "acl", "selfLink", "x-" + text()][Int(random.next() % 4)], unknown(depth: 3))) }
            for i in members.indices.reversed() {
                members.swapAt(i, Int(random.next() % UInt64(i + 1)))
            }
            // Unknown keys may repeat; a known one must not (the readers differ on which counts).
            var seen = Set<String>()
            return .object(members.filter { Self.known.contains($0.0) ? seen.insert($0.0).inserted : true })
        }

        static let known: Set<String> = ["name", "size", "generation", "metageneration", "md5Hash", "crc32c", "timeCreated", "updated",
                                         "customTime", "storageClass", "contentType", "metadata"]
    }

    /// The object resource `JSONSerialization` reads from `any`, as the scanner should.
    static func reference(_ any: Any?) throws -> GCSObjectJSON? {
        guard let dictionary = any as? [String: Any] else { return nil }
        func int(_ key: String) -> FlexibleInt64? {
            switch dictionary[key] {
            case let s as String: return FlexibleInt64(value: Int64(s))
            case let n as NSNumber: return FlexibleInt64(value: n.int64Value)
            default: return nil
            }
        }
        var object = GCSObjectJSON(name: try #require(dictionary["name"] as? String))
        object.size = int("size")
        object.generation = int("generation")
        object.metageneration = int("metageneration")
        object.md5Hash = dictionary["md5Hash"] as? String
        object.crc32c = dictionary["crc32c"] as? String
        object.timeCreated = dictionary["timeCreated"] as? String
        object.updated = dictionary["updated"] as? String
        object.customTime = dictionary["customTime"] as? String
        object.storageClass = dictionary["storageClass"] as? String
        object.contentType = dictionary["contentType"] as? String
        if let metadata = dictionary["metadata"] as? [String: Any] {
            object.metadata = metadata.mapValues { $0 as? String }
        }
        return object
    }

    @Test(arguments: 0..<4) func generatedAnswersReadAsJSONSerializationReadsThem(round: Int) throws {
        var writer = Writer(random: SplitMix64(seed: 0xD0C5_0000 + UInt64(round)))
        var failures = 0
        for _ in 0..<500 where failures < 5 {
            let items = (0..<Int(writer.random.next() % 4)).map { _ in writer.object() }
            let token: Value = writer.chance(2) ? .string(writer.text()) : .null
            let page = writer.write(.object([("kind", .string("storage#objects")), ("items", .array(items)), ("nextPageToken", token)]))
            let resource = items.first ?? writer.object()
            let rewrite = writer.write(.object([("done", .bool(writer.chance(2))), ("rewriteToken", .string(writer.text())),
                                                ("objectSize", writer.int64()), ("resource", resource)]))
            let data = Data(page.utf8), rewriteData = Data(rewrite.utf8)
            let parsed = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any], "\(page)")
            let expected = try (parsed["items"] as? [Any] ?? []).map { try #require(try Self.reference($0)) }
            let scanned = try GCSAnswerScanner.objectList(data)
            let parsedRewrite = try #require(try JSONSerialization.jsonObject(with: rewriteData) as? [String: Any])
            let scannedRewrite = try GCSAnswerScanner.rewrite(rewriteData)
            let expectedResource = try Self.reference(parsedRewrite["resource"])
            var ok = scanned.items == expected && scanned.nextPageToken == parsed["nextPageToken"] as? String
            ok = ok && scannedRewrite.resource == expectedResource
            ok = ok && scannedRewrite.rewriteToken == parsedRewrite["rewriteToken"] as? String
            ok = ok && scannedRewrite.done == (parsedRewrite["done"] as? Bool)
            // And JSONDecoder, which the scanner replaced, reads the same.
            ok = ok && (try? JSONDecoder().decode(GCSObjectListJSON.self, from: data)) == scanned
            ok = ok && (try? JSONDecoder().decode(GCSRewriteJSON.self, from: rewriteData)) == scannedRewrite
            if !ok {
                failures += 1
                Issue.record("the scanner and JSONSerialization read otherwise: \(page.debugDescription)")
            }
        }
        #expect(failures == 0)
    }
}
