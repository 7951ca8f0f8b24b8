import DecantCore
import Foundation
import Testing
import TestSupport
@testable import DecantStorage

/// The JSON of Storage Transfer Service bodies, against samples written by hand in
/// the shape the public reference documents (not produced by decant's own encoder).
@Suite struct TransferWireTests {
    static func json(_ data: Data) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func aJobEncodesAsTheReferenceShapesIt() throws {
        let job = TransferJob(
            name: "transferJobs/decant-x-m0-0123456789abcdef", description: "decant", projectId: "p",
            transferSpec: TransferSpec(
                gcsDataSource: GCSData(bucketName: "src-bucket", path: "historization/"),
                gcsDataSink: GCSData(bucketName: "dst-bucket", path: "archives/"),
                objectConditions: ObjectConditions(includePrefixes: ["a/", "b/"], excludePrefixes: ["b/tmp/"]),
                transferOptions: TransferOptions(overwriteWhen: .never,
                                                 metadataOptions: MetadataOptions(storageClass: .coldline,
                                                                                  timeCreated: .preserveAsCustomTime)),
                transferManifest: TransferManifest(location: "gs://staging/m.csv")),
            schedule: .runOnce(on: try #require(CalendarDay("2026-12-01"))))
        let object = try Self.json(TransferCoding.encode(job))
        #expect(Set(object.keys) == ["name", "description", "projectId", "transferSpec", "schedule", "status"])
        #expect(object["status"] as? String == "ENABLED")
        let spec = try #require(object["transferSpec"] as? [String: Any])
        #expect((spec["gcsDataSource"] as? [String: String]) == ["bucketName": "src-bucket", "path": "historization/"])
        #expect((spec["objectConditions"] as? [String: [String]]) == ["includePrefixes": ["a/", "b/"], "excludePrefixes": ["b/tmp/"]])
        let options = try #require(spec["transferOptions"] as? [String: Any])
        #expect(options["overwriteWhen"] as? String == "NEVER")
        #expect((options["metadataOptions"] as? [String: String])
                == ["storageClass": "STORAGE_CLASS_COLDLINE", "timeCreated": "TIME_CREATED_PRESERVE_AS_CUSTOM_TIME"])
        #expect(options["deleteObjectsFromSourceAfterTransfer"] == nil)
        #expect((spec["transferManifest"] as? [String: String]) == ["location": "gs://staging/m.csv"])
        let schedule = try #require(object["schedule"] as? [String: [String: Int]])
        #expect(schedule == ["scheduleStartDate": ["year": 2026, "month": 12, "day": 1],
                             "scheduleEndDate": ["year": 2026, "month": 12, "day": 1]])
        #expect(!String(decoding: TransferCoding.encode(job), as: UTF8.self).contains("\\/"))
    }

    /// An operation as `transferOperations.get` answers it: int64 counters as strings,
    /// zero counters and `done: false` left out, `@type` in the metadata.
    @Test func anOperationDecodesFromTheReferenceShape() throws {
        let text = #"""
        {"name": "transferOperations/transferJobs-decant-x-3",
         "metadata": {"@type": "type.googleapis.com/google.storagetransfer.v1.TransferOperation",
           "name": "transferOperations/transferJobs-decant-x-3", "projectId": "p",
           "transferSpec": {"gcsDataSource": {"bucketName": "s"}, "gcsDataSink": {"bucketName": "t", "path": "x/"}},
           "startTime": "2026-12-01T10:00:00.123456789Z", "status": "FAILED",
           "counters": {"objectsFoundFromSource": "12", "bytesFoundFromSource": "9007199254740993",
                        "objectsCopiedToSink": "10", "objectsFromSourceFailed": "2", "bytesFromSourceFailed": 40},
           "errorBreakdowns": [{"errorCode": "PERMISSION_DENIED", "errorCount": "2",
              "errorLogEntries": [{"url": "gs://s/a", "errorDetails": ["denied"]}]}],
           "transferJobName": "transferJobs/decant-x", "someFieldAddedLater": {"x": 1}},
         "done": true,
         "error": {"code": 2, "message": "2 objects failed"}}
        """#
        let operation = try TransferCoding.decode(LongRunningOperation.self, from: Data(text.utf8))
        #expect(operation.isDone)
        let metadata = try #require(operation.metadata)
        #expect(metadata.type == TransferOperation.typeURL)
        #expect(metadata.status == .failed)
        let counters = try #require(metadata.counters)
        #expect(counters.objectsFoundFromSource == 12)
        #expect(counters.bytesFoundFromSource == 9_007_199_254_740_993)  // beyond a double's exact range
        #expect(counters.objectsCopiedToSink == 10)
        #expect(counters.bytesFromSourceFailed == 40)
        #expect(counters.objectsFromSourceSkippedBySync == 0)
        #expect(metadata.errorBreakdowns == [TransferErrorSummary(errorCode: "PERMISSION_DENIED", errorCount: 2,
                                                                  errorLogEntries: [ErrorLogEntry(url: "gs://s/a", errorDetails: ["denied"])])])
        #expect(metadata.transferSpec?.gcsDataSink == GCSData(bucketName: "t", path: "x/"))
        #expect(operation.error?.code == 2)

        let running = #"{"name": "transferOperations/x-1", "metadata": {"status": "QUEUED"}}"#
        let queued = try TransferCoding.decode(LongRunningOperation.self, from: Data(running.utf8))
        #expect(!queued.isDone)
        #expect(queued.metadata?.counters == nil)
    }

    @Test func countersEncodeAsStringsAndLeaveZerosOut() throws {
        var counters = TransferCounters()
        counters.objectsCopiedToSink = 3
        counters.bytesCopiedToSink = 1 << 40
        let object = try Self.json(TransferCoding.encode(counters))
        #expect((object as? [String: String]) == ["objectsCopiedToSink": "3", "bytesCopiedToSink": "1099511627776"])
        #expect(try TransferCoding.decode(TransferCounters.self, from: TransferCoding.encode(counters)) == counters)
    }

    @Test func aValueTheServiceAddsLaterDecodesAsUnspecified() throws {
        let job = try TransferCoding.decode(TransferJob.self, from: Data(#"{"name":"transferJobs/a","status":"PAUSED_FOREVER"}"#.utf8))
        #expect(job.status == .unspecified)
        let status = try TransferCoding.decode([TransferOperationStatus].self, from: Data(#"["SUSPENDING","NEW_ONE"]"#.utf8))
        #expect(status == [.suspending, .unspecified])
        #expect(!TransferOperationStatus.unspecified.isFinal)
    }

    /// proto3 JSON writes 0, 3, 6 or 9 fraction digits, and reads any up to 9.
    @Test(arguments: [("90s", 90, 0, "90s"), ("1.5s", 1, 500_000_000, "1.500s"), ("0.000000001s", 0, 1, "0.000000001s"),
                      ("-2.25s", -2, -250_000_000, "-2.250s"), ("3.000120s", 3, 120_000, "3.000120s")])
    func durationsRoundTrip(_ text: String, _ seconds: Int64, _ nanos: Int32, _ written: String) throws {
        let duration = try #require(ProtoDuration(text))
        #expect(duration == ProtoDuration(seconds: seconds, nanos: nanos))
        #expect(duration.description == written)
        #expect(ProtoDuration(written) == duration)
    }

    @Test func malformedDurationsAreRefused() {
        for text in ["90", "s", "1.s", "1.0000000001s", "x1s", "1,5s"] { #expect(ProtoDuration(text) == nil, "\(text)") }
        let schedule = #"{"scheduleStartDate":{"year":2026,"month":1,"day":2},"repeatInterval":"one day"}"#
        #expect(throws: DecodingError.self) { try TransferCoding.decode(TransferSchedule.self, from: Data(schedule.utf8)) }
    }

    @Test func specsCompareAsTheServiceStoresThem() {
        let asked = TransferSpec(gcsDataSource: GCSData(bucketName: "s", path: ""), gcsDataSink: GCSData(bucketName: "t"),
                                 objectConditions: ObjectConditions(includePrefixes: [], excludePrefixes: nil),
                                 transferOptions: TransferOptions(overwriteWhen: .unspecified,
                                                                  metadataOptions: MetadataOptions()))
        let stored = TransferSpec(gcsDataSource: GCSData(bucketName: "s"), gcsDataSink: GCSData(bucketName: "t"))
        #expect(asked.normalized == stored.normalized)
        var other = stored
        other.transferOptions = TransferOptions(overwriteWhen: .never)
        #expect(other.normalized != stored.normalized)
    }

    @Test func manifestRowsSurviveCommasQuotesAndLineBreaks() throws {
        let rows = [TransferManifestCSV.Row(name: "plain/a.parquet"),
                    TransferManifestCSV.Row(name: "with,comma/b", generation: 1_700_000_000_000_001),
                    TransferManifestCSV.Row(name: "with \"quote\"/c"),
                    TransferManifestCSV.Row(name: "line\nbreak/d", generation: 7),
                    TransferManifestCSV.Row(name: "é/ü")]
        let data = TransferManifestCSV.encode(rows)
        #expect(try TransferManifestCSV.parse(data) == rows)
        #expect(String(decoding: data, as: UTF8.self).hasPrefix("plain/a.parquet\n\"with,comma/b\",1700000000000001\n"))
        #expect(try TransferManifestCSV.parse(Data("a\r\nb,3\r\n\r\n".utf8)) == [.init(name: "a"), .init(name: "b", generation: 3)])
        #expect(throws: TransferManifestCSV.ParseError.badRow(2, "'x/' is a folder, not an object")) {
            try TransferManifestCSV.parse(Data("a\nx/\n".utf8))
        }
        #expect(throws: TransferManifestCSV.ParseError.self) { try TransferManifestCSV.parse(Data("a,notanumber\n".utf8)) }
    }

    /// The official Python `csv` module reads decant's manifest as decant meant it.
    @Test func pythonsCSVReaderAgreesWithTheManifest() async throws {
        let python = try Emulators.requirePython()
        let rows = [TransferManifestCSV.Row(name: "with,comma/b", generation: 5), TransferManifestCSV.Row(name: "q\"uote\nnl"),
                    TransferManifestCSV.Row(name: "plain")]
        let script = """
        import csv, io, json, sys
        print(json.dumps(list(csv.reader(io.StringIO(sys.stdin.read(), newline="")))))
        """
        let output = try await python.run(script, [], stdin: TransferManifestCSV.encode(rows))
        let parsed = try JSONDecoder().decode([[String]].self, from: output)
        #expect(parsed == [["with,comma/b", "5"], ["q\"uote\nnl"], ["plain"]])
    }

    @Test func theEndpointIsHTTPSOrLoopback() throws {
        #expect(try TransferEndpoint.resolve(environment: [:]) == .production)
        let local = try TransferEndpoint.resolve(environment: ["DECANT_TRANSFER_ENDPOINT": "http://127.0.0.1:8123/v1/"])
        #expect(local.baseURL.absoluteString == "http://127.0.0.1:8123")
        #expect(local.isTestServer)
        let proxy = try TransferEndpoint.resolve(explicit: "https://sts.example.com", environment: [:])
        #expect(!proxy.isTestServer)
        #expect(try TransferEndpoint.parse("http://localhost:1").isTestServer)
        for bad in ["http://sts.example.com", "ftp://127.0.0.1", "127.0.0.1:8080", "https://"] {
            #expect(throws: StoreError.self, "\(bad)") { try TransferEndpoint.parse(bad) }
        }
    }

    @Test func aClientFromTheEnvironmentNeedsNoCredentialsForATestServer() throws {
        let environment = ["DECANT_TRANSFER_ENDPOINT": "http://127.0.0.1:9", "GOOGLE_APPLICATION_CREDENTIALS": "/nonexistent"]
        let client = try TransferClient.fromEnvironment(projectId: "p", environment: environment)
        #expect(client.endpoint.isTestServer && client.projectId == "p")
        // Against the real service the credential chain is used, and a broken one says so.
        #expect(throws: AuthError.self) {
            _ = try TransferClient.fromEnvironment(projectId: "p", environment: ["GOOGLE_APPLICATION_CREDENTIALS": "/nonexistent"])
        }
    }

    @Test func thePacerSpacesCallsUnderTheQuota() async {
        let clock = Locked(100.0)
        let slept = Locked<[Double]>([])
        let pacer = TransferPacer(perMinute: 60, now: { clock.current }, sleep: { seconds in
            slept.withLock { $0.append(seconds) }
            clock.withLock { $0 += seconds }
        })
        for _ in 0..<4 { await pacer.acquire() }
        #expect(slept.current == [1, 1, 1])
        clock.withLock { $0 += 10 }  // idle: the next call goes at once
        await pacer.acquire()
        #expect(slept.current == [1, 1, 1])
        // 1,500 reads a minute at most: the standard share spaces reads 0.1 s apart.
        #expect(60 / (TransferQuotas.standard.readsPerMinute ?? 0) == 0.1)
    }

    @Test func pollingBacksOffWhileNothingMovesAndComesBackWhenItDoes() {
        let policy = TransferPollPolicy(initialInterval: 10, maximumInterval: 60, multiplier: 2)
        var wait: Double? = nil
        var waits: [Double] = []
        for progressed in [true, false, false, false, false, true, false] {
            wait = policy.next(after: wait, progressed: progressed)
            waits.append(wait ?? 0)
        }
        #expect(waits == [10, 20, 40, 60, 60, 10, 20])
    }
}
