import DecantCore
import Foundation
import Testing
import TestSupport
@testable import DecantStorage

/// What `GCSStore` sends: URLs, query parameters, bodies; and how it reads answers.
@Suite struct GCSRequestTests {
    @Test func endpointResolution() throws {
        #expect(try GCSEndpoint.resolve(environment: [:]) == .production)
        let emulator = try GCSEndpoint.resolve(environment: ["STORAGE_EMULATOR_HOST": "localhost:4443"])
        #expect(emulator.baseURL.absoluteString == "http://localhost:4443")
        #expect(emulator.isEmulator)
        let withScheme = try GCSEndpoint.resolve(environment: ["STORAGE_EMULATOR_HOST": "http://10.0.0.1:9000/"])
        #expect(withScheme.baseURL.absoluteString == "http://10.0.0.1:9000")
        #expect(withScheme.isEmulator)
        let decant = try GCSEndpoint.resolve(environment: ["DECANT_GCS_ENDPOINT": "https://private.example/storage/v1",
                                                           "STORAGE_EMULATOR_HOST": "localhost:1"])
        #expect(decant.baseURL.absoluteString == "https://private.example")
        #expect(!decant.isEmulator)
        let plan = try GCSEndpoint.resolve(explicit: "http://127.0.0.1:8080", environment: ["DECANT_GCS_ENDPOINT": "x:1"])
        #expect(plan.baseURL.absoluteString == "http://127.0.0.1:8080")
        #expect(plan.isEmulator)
        #expect(throws: StoreError.self) { try GCSEndpoint.resolve(explicit: "ftp://host", environment: [:]) }
    }

    @Test func objectNamesAreOnePathSegment() throws {
        let base = try #require(URL(string: "http://127.0.0.1:1"))
        let url = try #require(GCSPath.url(base: base, path: GCSPath.object("b", "a/b c?#%é"), query: [("prefix", "x/&y")]))
        #expect(url.absoluteString == "http://127.0.0.1:1/storage/v1/b/b/o/a%2Fb%20c%3F%23%25%C3%A9?prefix=x%2F%26y")
        let rewrite = GCSPath.rewrite(CopyRequest(sourceBucket: "s", sourceName: "d/1", targetBucket: "t", targetName: "e/2"))
        #expect(rewrite == "/storage/v1/b/s/o/d%2F1/rewriteTo/b/t/o/e%2F2")
    }

    /// The byte-level encoder writes what Foundation's `addingPercentEncoding` did
    /// with the unreserved set, for every byte value and for mixed text.
    @Test func segmentsEncodeAsFoundationDid() {
        var unreserved = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        unreserved.insert(charactersIn: "-._~")
        var samples = (0..<128).map { String(UnicodeScalar(UInt8($0))) }
        samples += ["", "events/0001/part-0000001.bin", "a b+c&d=e?f#g%h", "é/ü/日本語", "🙂 x", "\u{7F}\u{80}\u{FFFF}",
                    "already%2Fencoded", String(repeating: "x/", count: 300)]
        for text in samples {
            #expect(GCSPath.segment(text) == text.addingPercentEncoding(withAllowedCharacters: unreserved), "\(Array(text.utf8))")
        }
    }

    @Test func bucketBodiesCarryEverySetting() {
        let settings = BucketSettings(
            location: "EUROPE-WEST1", storageClass: .standard, labels: ["use_case": "historization"], versioning: false,
            uniformAccess: true, publicAccessPrevention: "enforced", retentionPeriodSeconds: 3600,
            softDeleteSeconds: 0, autoclass: true,
            lifecycle: [LifecycleRule(action: .setStorageClass(.coldline), condition: .init(age: 0, matchesPrefix: ["a/"]))])
        #expect(GCSBucketJSON.insertBody(name: "archive-bucket-dev", settings: settings).serialized == """
            {"name":"archive-bucket-dev","location":"EUROPE-WEST1","storageClass":"STANDARD",\
            "labels":{"use_case":"historization"},"versioning":{"enabled":false},\
            "iamConfiguration":{"uniformBucketLevelAccess":{"enabled":true},"publicAccessPrevention":"enforced"},\
            "retentionPolicy":{"retentionPeriod":"3600"},"softDeletePolicy":{"retentionDurationSeconds":"0"},\
            "autoclass":{"enabled":true},"lifecycle":{"rule":[{"action":{"type":"SetStorageClass","storageClass":"COLDLINE"},\
            "condition":{"age":0,"matchesPrefix":["a/"]}}]}}
            """)
        let patch = BucketPatch(labels: ["gone": String?.none, "kept": "v"], lifecycle: [])
        #expect(GCSBucketJSON.patchBody(patch).serialized == #"{"labels":{"gone":null,"kept":"v"},"lifecycle":{"rule":[]}}"#)
    }

    @Test func bucketsAreReadFromGCSJSON() throws {
        let json = """
            {"kind":"storage#bucket","name":"archive-bucket-dev","location":"EUROPE-WEST1","storageClass":"NEARLINE",
             "metageneration":"4","timeCreated":"2025-01-31T10:00:00.123Z","projectNumber":"123",
             "labels":{"a":"b","dropped":null},"versioning":{"enabled":true},
             "iamConfiguration":{"uniformBucketLevelAccess":{"enabled":true,"lockedTime":"2025-04-01T00:00:00Z"},
                                 "publicAccessPrevention":"inherited"},
             "retentionPolicy":{"retentionPeriod":"86400"},"softDeletePolicy":{"retentionDurationSeconds":"604800"},
             "autoclass":{"enabled":false},
             "lifecycle":{"rule":[{"action":{"type":"Delete"},"condition":{"age":30,"createdBefore":"2025-01-01","isLive":true}},
                                  {"action":{"type":"SomethingNew"},"condition":{"age":1}}]}}
            """
        let info = try JSONDecoder().decode(GCSBucketJSON.self, from: Data(json.utf8)).info
        #expect(info.metageneration == 4)
        #expect(info.settings == BucketSettings(
            location: "EUROPE-WEST1", storageClass: .nearline, labels: ["a": "b"], versioning: true, uniformAccess: true,
            publicAccessPrevention: "inherited", retentionPeriodSeconds: 86_400, softDeleteSeconds: 604_800,
            autoclass: false, lifecycle: [LifecycleRule(action: .delete, condition: .init(
                age: 30, createdBefore: CalendarDay("2025-01-01"), isLive: true))]))
        #expect(info.timeCreated.map(Timestamp.micros) == 1_738_317_600_123_000)
    }

    /// Each setting is written and read at the same place of the resource (`gcsPath`).
    @Test func everySettingReadsBackFromTheBodyItWrites() throws {
        let settings = BucketSettings(
            location: "EUROPE-WEST1", storageClass: .archive, labels: ["a": "b"], versioning: true, uniformAccess: false,
            publicAccessPrevention: "inherited", retentionPeriodSeconds: 60, softDeleteSeconds: 0, autoclass: true,
            lifecycle: [LifecycleRule(action: .delete, condition: .init(age: 3))])
        for field in BucketSettings.Field.allCases { #expect(settings.isSet(field), "\(field)") }
        let body = GCSBucketJSON.insertBody(name: "b", settings: settings).data
        #expect(try JSONDecoder().decode(GCSBucketJSON.self, from: body).info.settings == settings)
        let bare = try JSONDecoder().decode(GCSBucketJSON.self, from: GCSBucketJSON.insertBody(name: "b", settings: BucketSettings()).data)
        #expect(bare.info.settings == BucketSettings(versioning: false), "GCS leaves versioning out until it was enabled")
    }

    @Test func rewriteLoopsOnItsTokenWithTheSameChunkSize() async throws {
        let calls = Locked(0)
        let server = try TestHTTPServer { request in
            let n = calls.withLock { $0 += 1; return $0 }
            if n < 3 {
                return .json(200, #"{"done":false,"rewriteToken":"tok\#(n)","totalBytesRewritten":"\#(n)"}"#)
            }
            return .json(200, #"{"done":true,"resource":{"name":"b","size":"3","generation":"9","crc32c":"AAAAAA=="}}"#)
        }
        defer { server.stop() }
        let store = GCSStore(endpoint: GCSEndpoint(baseURL: server.url, isEmulator: true), tokens: nil)
        let copy = try await store.copyObject(CopyRequest(sourceBucket: "s", sourceName: "a", sourceGeneration: 5,
                                                          targetBucket: "t", targetName: "b", storageClass: .archive,
                                                          maxBytesPerCall: 1 << 20))
        #expect(copy.generation == 9)
        let requests = server.requests.current
        #expect(requests.count == 3)
        #expect(requests.allSatisfy { $0.target.contains("maxBytesRewrittenPerCall=1048576") })
        #expect(requests.allSatisfy { $0.target.contains("ifGenerationMatch=0") && $0.target.contains("ifSourceGenerationMatch=5") })
        #expect(!requests[0].target.contains("rewriteToken="))
        // Only what copyObject reads: not the ACLs, links and etags of the new object.
        #expect(requests.allSatisfy { $0.target.contains("&fields=done%2CrewriteToken%2Cresource%28name%2Csize%2Cgeneration%2C") })
        #expect(requests[1].target.contains("rewriteToken=tok1"))
        #expect(requests[2].target.contains("rewriteToken=tok2"))
        #expect(requests.allSatisfy { $0.bodyText == #"{"storageClass":"ARCHIVE"}"# })
    }

    @Test func listingsFollowPageTokensAndFilterWhatEmulatorsIgnore() async throws {
        let server = try TestHTTPServer { request in
            if request.target.contains("pageToken=p2") {
                return .json(200, #"{"items":[{"name":"b/2.csv","size":"1","generation":"2"},{"name":"c/3.csv","size":"1","generation":"3"}]}"#)
            }
            return .json(200, #"{"items":[{"name":"a/1.csv","size":"1","generation":"1"},{"name":"a/x.txt","size":"1","generation":"1"}],"prefixes":["a/"],"nextPageToken":"p2"}"#)
        }
        defer { server.stop() }
        let store = GCSStore(endpoint: GCSEndpoint(baseURL: server.url, isEmulator: true), profile: .gcpStorageEmulator,
                             tokens: nil)
        let options = ListOptions(startOffset: "a/1.csv", endOffset: "c", glob: "**/*.csv", pageSize: 5000)
        var names: [String] = []
        var prefixes: [String] = []
        for try await page in store.listObjects("bkt", options) {
            names += page.objects.map(\.name)
            prefixes += page.prefixes
        }
        #expect(names == ["a/1.csv", "b/2.csv"])
        #expect(prefixes == ["a/"])
        let first = try #require(server.requests.current.first)
        #expect(first.target.contains("maxResults=1000"))
        #expect(first.target.contains("fields=items%28name%2Csize%2Cgeneration%2Cmetageneration%2Cmd5Hash%2Ccrc32c%2CtimeCreated%2Cupdated%2CcustomTime%2CstorageClass%29%2Cprefixes%2CnextPageToken"))
        #expect(first.target.contains("matchGlob=%2A%2A%2F%2A.csv"))
    }

    @Test func uploadsWithMetadataAreMultipart() async throws {
        let server = try TestHTTPServer { _ in .json(200, #"{"name":"o","size":"2","generation":"1"}"#) }
        defer { server.stop() }
        let store = GCSStore(endpoint: GCSEndpoint(baseURL: server.url, isEmulator: true), tokens: nil)
        _ = try await store.upload("b", "dir/o", data: Data("hi".utf8), ifGenerationMatch: 0, contentType: "text/plain",
                                   metadata: ["k": "v"])
        _ = try await store.upload("b", "dir/o", data: Data("hi".utf8), ifGenerationMatch: nil, contentType: nil,
                                   metadata: nil)
        let (multipart, media) = (server.requests.current[0], server.requests.current[1])
        let fields = "&fields=name%2Csize%2Cgeneration%2Cmetageneration%2Cmd5Hash%2Ccrc32c%2CtimeCreated%2Cupdated%2CcustomTime%2CstorageClass%2CcontentType%2Cmetadata"
        #expect(multipart.target == "/upload/storage/v1/b/b/o?uploadType=multipart&ifGenerationMatch=0" + fields)
        #expect(multipart.headers["content-type"]?.hasPrefix("multipart/related; boundary=") == true)
        #expect(multipart.bodyText.contains(#"{"name":"dir/o","contentType":"text/plain","metadata":{"k":"v"}}"#))
        #expect(multipart.bodyText.contains("Content-Type: text/plain\r\n\r\nhi\r\n"))
        #expect(media.target == "/upload/storage/v1/b/b/o?uploadType=media&name=dir%2Fo" + fields)
        #expect(media.headers["content-type"] == "application/octet-stream")
        #expect(media.bodyText == "hi")
    }
}
