import DecantCore
import Foundation
import Testing
import TestSupport
@testable import DecantStorage

/// The STS client against the test server, which copies on a real store: the
/// embedded LocalStore and fake-gcs-server (through GCSStore).
@Suite struct TransferClientTests {
    static let stores: [StoreKind] = [.local, .fakeGCS]

    static let layout = [
        "historization/a/1.parquet": "one", "historization/a/2.parquet": "two two",
        "historization/b/3.parquet": "three", "historization/b/tmp/4.parquet": "temporary",
        "historization/c/5.parquet": "not included", "other/6.parquet": "outside the source path",
    ]

    @Test(arguments: stores)
    func createRunAndPollCopyWhatTheCountersSay(_ kind: StoreKind) async throws {
        let fixture = try await TransferFixture.make(kind)
        defer { fixture.tearDown() }
        let sources = try await fixture.seed(Self.layout)
        let job = fixture.job(include: ["a/", "b/"], exclude: ["b/tmp/"])

        let created = try await fixture.client.createJob(job)
        #expect(created.name == job.name)
        #expect(created.status == .enabled)
        #expect(created.creationTime != nil)
        #expect(created.transferSpec?.normalized == job.transferSpec?.normalized)
        let operation = try await fixture.client.runJob(try #require(job.name))
        #expect(operation.name == "transferOperations/transferJobs-\(job.name?.dropFirst(13) ?? "")-1")
        #expect(operation.metadata?.status == .queued)
        #expect(!operation.isDone)
        #expect(try await fixture.client.getJob(try #require(job.name)).latestOperationName == operation.name)

        let (done, seen) = try await fixture.finish(operation.name)
        #expect(done.metadata?.status == .success)
        #expect(done.done == true)
        #expect(done.metadata?.endTime != nil)
        #expect(seen.filter { $0 == .inProgress }.count >= 2, "progress over several polls: \(seen)")
        let expected = ["a/1.parquet", "a/2.parquet", "b/3.parquet"]
        let copied = try await fixture.list(fixture.target)
        #expect(copied.keys.sorted() == expected.map { "archives/" + $0 })
        for name in expected {
            let source = try #require(sources["historization/" + name]), copy = try #require(copied["archives/" + name])
            #expect(copy.hasSameContent(as: source), "\(name)")
        }
        let counters = try #require(done.metadata?.counters)
        #expect(counters.objectsFoundFromSource == 3)
        #expect(counters.objectsCopiedToSink == Int64(copied.count))
        #expect(counters.bytesCopiedToSink == copied.values.reduce(0) { $0 + $1.size })
        #expect(counters.bytesFoundFromSource == counters.bytesCopiedToSink)
        #expect(counters.objectsFromSourceFailed == 0)
        #expect(counters.objectsDeletedFromSource == 0)
        // The source is never touched.
        let identity = { (records: [String: ObjectRecord]) in records.mapValues { [String($0.generation), $0.crc32c ?? ""] } }
        #expect(identity(try await fixture.list(fixture.source)) == identity(sources))

        if kind == .fakeGCS {
            // The official client reads the same target independently.
            let python = try Emulators.requirePython()
            let listed = try await python.list(endpoint: try #require(fixture.harness.endpoint), bucket: fixture.target)
            #expect(listed.map(\.name) == expected.map { "archives/" + $0 })
            #expect(listed.map(\.crc32c) == expected.map { sources["historization/" + $0]?.crc32c })
        }
    }

    @Test(arguments: stores)
    func aSecondRunWhileTheFirstIsActiveIsTheDocumentedError(_ kind: StoreKind) async throws {
        let fixture = try await TransferFixture.make(kind)
        defer { fixture.tearDown() }
        try await fixture.seed(Self.layout)
        let job = try await fixture.client.createJob(fixture.job())
        let name = try #require(job.name)
        let first = try await fixture.client.runJob(name)
        await #expect(throws: StoreError.transferOperationActive(job: name, operation: first.name)) {
            _ = try await fixture.client.runJob(name)
        }
        #expect(fixture.server.operationNames(ofJob: name) == [first.name])
        // Once it ended, the job runs again: a second operation, copying nothing new.
        let (ended, _) = try await fixture.finish(first.name)
        #expect(ended.metadata?.status == .success)
        let second = try await fixture.client.runJob(name)
        #expect(second.name.hasSuffix("-2"))
        let (again, _) = try await fixture.finish(second.name)
        #expect(again.metadata?.counters?.objectsCopiedToSink == 0)
        #expect(again.metadata?.counters?.objectsFromSourceSkippedBySync == 5)
    }

    /// An apply killed after creating and running its job: the next one, with a fresh
    /// client, makes the same name, finds the job and its running operation, and
    /// watches that operation instead of starting another.
    @Test(arguments: stores)
    func aResumedApplyFindsItsJobAndItsOperation(_ kind: StoreKind) async throws {
        let fixture = try await TransferFixture.make(kind, objectsPerStep: 1)
        defer { fixture.tearDown() }
        try await fixture.seed(Self.layout)
        let wanted = fixture.job()
        let first = try await fixture.client.ensureJob(wanted)
        #expect(first.created && first.matchesRequest)
        let started = try await fixture.client.start(try #require(wanted.name))
        #expect(!started.attached)
        _ = try await fixture.client.getOperation(started.operation.name)  // QUEUED → IN_PROGRESS
        _ = try await fixture.client.getOperation(started.operation.name)  // one object copied

        let resumed = TransferFixture.client(fixture.server)
        let again = wanted  // rebuilt from the same lineage, migration and mapping
        let found = try await resumed.ensureJob(again)
        #expect(!found.created)
        #expect(found.matchesRequest)
        #expect(found.job.latestOperationName == started.operation.name)
        let attached = try await resumed.start(try #require(again.name))
        #expect(attached.attached)
        #expect(attached.operation.name == started.operation.name)
        #expect(fixture.server.jobNames == [wanted.name])
        #expect(fixture.server.operationNames(ofJob: try #require(wanted.name)) == [started.operation.name])
        let (done, _) = try await fixture.finish(started.operation.name, with: resumed)
        #expect(done.metadata?.status == .success)
        #expect(done.metadata?.counters?.objectsCopiedToSink == 5)

        // The same name asking for another transfer is found, and said not to match.
        var changed = wanted
        changed.transferSpec?.transferOptions = TransferOptions(overwriteWhen: .always)
        let mismatch = try await resumed.ensureJob(changed)
        #expect(!mismatch.created && !mismatch.matchesRequest)
        let patched = try await resumed.patchJob(try #require(changed.name), changed, fields: [.transferSpec])
        #expect(patched.transferSpec?.normalized == changed.transferSpec?.normalized)
        #expect(try await resumed.ensureJob(changed).matchesRequest)
    }

    @Test func aRunWhoseAnswerIsLostIsFoundThroughTheJob() async throws {
        let fixture = try await TransferFixture.make(.local)
        defer { fixture.tearDown() }
        try await fixture.seed(Self.layout)
        let job = try await fixture.client.createJob(fixture.job())
        let name = try #require(job.name)
        fixture.server.updateFaults { $0.lostAnswers[.runJob] = 1 }
        let started = try await fixture.client.start(name)
        #expect(started.attached)
        #expect(started.operation.name.hasSuffix("-1"))
        // `run` is not idempotent: it was sent once, and not retried.
        #expect(fixture.server.requests.filter { $0.target.hasSuffix(":run") }.count == 1)
        #expect(fixture.server.operationNames(ofJob: name).count == 1)
        // A create whose answer is lost is retried (its name makes it idempotent) and
        // the 409 of the retry resolves to the job it made.
        fixture.server.updateFaults { $0.lostAnswers[.createJob] = 1 }
        let other = fixture.job("other")
        let lookup = try await fixture.client.ensureJob(other)
        #expect(!lookup.created && lookup.matchesRequest)
        #expect(fixture.server.jobNames.count == 2)
    }

    /// Bad object conditions never reach the service; and the service refuses them too.
    @Test(arguments: TransferRulesTests.badConditions.indices)
    func invalidConditionsAreRefusedBeforeAnyRequestAndByTheServer(_ index: Int) async throws {
        let bad = TransferRulesTests.badConditions[index]
        let fixture = try await TransferFixture.make(.local)
        defer { fixture.tearDown() }
        let job = fixture.job(include: bad.include, exclude: bad.exclude)
        await #expect { _ = try await fixture.client.createJob(job) } throws: { error in
            guard case StoreError.invalidTransferJob(let name, let problems) = error else { return false }
            return name == job.name && problems.contains { $0.contains(bad.problem) }
        }
        #expect(fixture.server.requests.isEmpty)

        let request = HTTPRequest(method: "POST", url: fixture.server.url.appendingPathComponent("v1/transferJobs"),
                                  headers: ["Content-Type": "application/json"], body: TransferCoding.encode(job))
        let response = try await HTTPTransports.standard(maxConnectionsPerHost: 1).send(request)
        #expect(response.status == 400)
        #expect(String(decoding: response.body, as: UTF8.self).contains("INVALID_ARGUMENT"))
        #expect(fixture.server.jobNames.isEmpty)
    }

    @Test func theServerRefusesWhatTheReferenceRefuses() async throws {
        let fixture = try await TransferFixture.make(.local)
        defer { fixture.tearDown() }
        let transport = HTTPTransports.standard(maxConnectionsPerHost: 1)
        func post(_ body: [String: Any]) async throws -> (Int, String) {
            let data = try JSONSerialization.data(withJSONObject: body)
            let response = try await transport.send(HTTPRequest(method: "POST", url: fixture.server.url.appendingPathComponent("v1/transferJobs"),
                                                                body: data))
            return (response.status, String(decoding: response.body, as: UTF8.self))
        }
        let spec: [String: Any] = ["gcsDataSource": ["bucketName": fixture.source], "gcsDataSink": ["bucketName": fixture.target]]
        let valid: [String: Any] = ["name": "transferJobs/t1", "projectId": "p", "status": "ENABLED", "transferSpec": spec]
        var noStatus = valid
        noStatus["status"] = nil
        #expect(try await post(noStatus).0 == 400)
        var unknownField = valid
        unknownField["transferSpecs"] = spec
        let (status, body) = try await post(unknownField)
        #expect(status == 400 && body.contains("Unknown name"))
        var badName = valid
        badName["name"] = "transferJobs/OPIx"
        #expect(try await post(badName).0 == 400)
        var deleting = valid
        deleting["transferSpec"] = spec.merging(["transferOptions": ["deleteObjectsFromSourceAfterTransfer": true]]) { $1 }
        #expect(try await post(deleting).0 == 501)  // never deletes a source
        var both = valid
        both["transferSpec"] = spec.merging(["transferOptions": ["deleteObjectsFromSourceAfterTransfer": true,
                                                                 "deleteObjectsUniqueInSink": true]]) { $1 }
        #expect(try await post(both).0 == 400)
        var missingBucket = valid
        missingBucket["transferSpec"] = ["gcsDataSource": ["bucketName": "no-such-bucket-x"], "gcsDataSink": ["bucketName": fixture.target]]
        #expect(try await post(missingBucket).0 == 400)
        var timeCondition = valid
        timeCondition["transferSpec"] = spec.merging(["objectConditions": ["lastModifiedSince": "2026-01-01T00:00:00Z"]]) { $1 }
        #expect(try await post(timeCondition).0 == 501)  // known, not implemented: refused, not ignored
        #expect(try await post(valid).0 == 200)
        #expect(try await post(valid).0 == 409)
        #expect(fixture.server.jobNames == ["transferJobs/t1"])
    }

    @Test func unknownJobsAndOperationsAreNotFoundAndTakenNamesExist() async throws {
        let fixture = try await TransferFixture.make(.local)
        defer { fixture.tearDown() }
        let client = fixture.client
        await #expect(throws: StoreError.transferNotFound(name: "transferJobs/nope")) { _ = try await client.getJob("transferJobs/nope") }
        await #expect(throws: StoreError.transferNotFound(name: "transferJobs/nope")) { _ = try await client.runJob("transferJobs/nope") }
        await #expect(throws: StoreError.transferNotFound(name: "transferOperations/transferJobs-nope-1")) {
            _ = try await client.getOperation("transferOperations/transferJobs-nope-1")
        }
        let job = fixture.job()
        _ = try await client.createJob(job)
        await #expect(throws: StoreError.transferJobExists(job: try #require(job.name))) { _ = try await client.createJob(job) }
        // Another project does not see the job.
        let stranger = TransferClient(endpoint: fixture.server.endpoint, projectId: "someone-else", tokens: nil,
                                      retry: StoreHarness.fastRetry, quotas: .unlimited)
        await #expect(throws: StoreError.transferNotFound(name: try #require(job.name))) { _ = try await stranger.getJob(try #require(job.name)) }
        // A disabled or deleted job does not run.
        let name = try #require(job.name)
        _ = try await client.patchJob(name, TransferJob(status: .deleted), fields: [.status])
        await #expect(throws: StoreError.self) { _ = try await client.runJob(name) }
        let deleted = try await client.ensureJob(job)
        #expect(!deleted.created && !deleted.matchesRequest && deleted.job.status == .deleted && deleted.job.deletionTime != nil)
    }

    @Test(arguments: stores)
    func quotaErrorsAreRetriedForEveryCall(_ kind: StoreKind) async throws {
        let fixture = try await TransferFixture.make(kind)
        defer { fixture.tearDown() }
        try await fixture.seed(Self.layout)
        fixture.server.updateFaults {
            $0.quotaErrors = [.createJob: 2, .getJob: 1, .runJob: 2, .getOperation: 3, .listOperations: 1, .patchJob: 1]
        }
        let job = fixture.job()
        let name = try #require(job.name)
        _ = try await fixture.client.createJob(job)
        _ = try await fixture.client.getJob(name)
        _ = try await fixture.client.patchJob(name, TransferJob(description: "patched"), fields: [.description])
        let operation = try await fixture.client.runJob(name)
        let (done, _) = try await fixture.finish(operation.name)
        #expect(done.metadata?.status == .success)
        let listed = try await fixture.client.listOperations(jobNames: [name])
        #expect(listed.map(\.name) == [operation.name])
        let retried = fixture.events.current.filter {
            if case .retrying(_, _, _, _, .rateLimited) = $0 { return true }
            return false
        }
        #expect(retried.count == 10)
        #expect(fixture.server.operationNames(ofJob: name).count == 1)  // the refused runs did nothing
        #expect(try await fixture.list(fixture.target).count == 5)
    }

    @Test(arguments: stores)
    func injectedObjectFailuresShowInCountersAndErrorBreakdowns(_ kind: StoreKind) async throws {
        let fixture = try await TransferFixture.make(kind, objectsPerStep: 3)
        defer { fixture.tearDown() }
        let sources = try await fixture.seed(Self.layout)
        let denied = ["historization/a/2.parquet", "historization/c/5.parquet"]
        fixture.server.updateFaults { faults in
            for name in denied { faults.failingObjects[name] = .init() }
            faults.failingObjects["historization/b/3.parquet"] = .init(code: "NOT_FOUND", message: "injected: gone")
        }
        let job = fixture.job()
        let done = try await fixture.createRunAndFinish(job)
        let metadata = try #require(done.metadata)
        #expect(metadata.status == .failed)
        #expect(done.error != nil)
        let counters = try #require(metadata.counters)
        #expect(counters.objectsFoundFromSource == 5)
        #expect(counters.objectsFromSourceFailed == 3)
        #expect(counters.bytesFromSourceFailed == (denied + ["historization/b/3.parquet"]).reduce(0) { $0 + (sources[$1]?.size ?? 0) })
        #expect(counters.objectsCopiedToSink == 2)
        let breakdowns = try #require(metadata.errorBreakdowns)
        #expect(breakdowns.map(\.errorCode) == ["PERMISSION_DENIED", "NOT_FOUND"])
        #expect(breakdowns.map(\.errorCount) == [2, 1])
        #expect(breakdowns[0].errorLogEntries?.map(\.url) == denied.map { "gs://\(fixture.source)/\($0)" })
        // What failed is not in the target; the rest is.
        #expect(try await fixture.list(fixture.target).keys.sorted() == ["archives/a/1.parquet", "archives/b/tmp/4.parquet"])
    }

    @Test(arguments: stores)
    func anAbortedOperationEndsAbortedAndARerunFinishesTheRest(_ kind: StoreKind) async throws {
        let fixture = try await TransferFixture.make(kind, objectsPerStep: 1)
        defer { fixture.tearDown() }
        try await fixture.seed(Self.layout)
        let job = fixture.job()
        let name = try #require(job.name)
        _ = try await fixture.client.createJob(job)
        fixture.server.updateFaults { $0.abortNextOperationAfter = 2 }
        let (aborted, _) = try await fixture.finish(try await fixture.client.runJob(name).name)
        #expect(aborted.metadata?.status == .aborted)
        #expect(aborted.isDone && aborted.error?.code == 10)
        #expect(aborted.metadata?.counters?.objectsCopiedToSink == 2)
        #expect(try await fixture.list(fixture.target).count == 2)
        let (rerun, _) = try await fixture.finish(try await fixture.client.runJob(name).name)
        #expect(rerun.metadata?.status == .success)
        #expect(rerun.metadata?.counters?.objectsFromSourceSkippedBySync == 2)
        #expect(rerun.metadata?.counters?.objectsCopiedToSink == 3)
    }

    @Test(arguments: [OverwriteWhen.never, .different, .always], stores)
    func overwriteWhenDecidesOverExistingTargets(_ mode: OverwriteWhen, _ kind: StoreKind) async throws {
        let fixture = try await TransferFixture.make(kind, objectsPerStep: 5)
        defer { fixture.tearDown() }
        try await fixture.seed(["historization/same": "same bytes", "historization/changed": "new bytes", "historization/new": "n"])
        let before = try await fixture.seed(["archives/same": "same bytes", "archives/changed": "old"], bucket: fixture.target)
        let job = fixture.job(options: TransferOptions(overwriteWhen: mode))
        let done = try await fixture.createRunAndFinish(job)
        let counters = try #require(done.metadata?.counters)
        let after = try await fixture.list(fixture.target)
        #expect(after.count == 3)
        switch mode {
        case .never:
            #expect(counters.objectsCopiedToSink == 1 && counters.objectsFromSourceSkippedBySync == 2)
            #expect(after["archives/changed"]?.crc32c == before["archives/changed"]?.crc32c)
        case .different:
            #expect(counters.objectsCopiedToSink == 2 && counters.objectsFromSourceSkippedBySync == 1)
            #expect(after["archives/changed"]?.size == 9)
            #expect(after["archives/same"]?.generation == before["archives/same"]?.generation)
        default:
            #expect(counters.objectsCopiedToSink == 3 && counters.objectsFromSourceSkippedBySync == 0)
            #expect(after["archives/same"]?.generation != before["archives/same"]?.generation)
        }
    }

    @Test func storageClassAndTimeCreatedAreSetOnTheCopies() async throws {
        // fake-gcs-server drops storageClass and customTime on copies: LocalStore keeps them.
        let fixture = try await TransferFixture.make(.local, objectsPerStep: 5)
        defer { fixture.tearDown() }
        let sources = try await fixture.seed(["historization/x": "x", "historization/y": "yy"])
        let job = fixture.job(options: TransferOptions(metadataOptions: MetadataOptions(storageClass: .coldline,
                                                                                         timeCreated: .preserveAsCustomTime)))
        _ = try await fixture.createRunAndFinish(job)
        let copies = try await fixture.list(fixture.target)
        for (name, source) in sources {
            let copy = try #require(copies["archives/" + name.dropFirst("historization/".count)])
            #expect(copy.storageClass == .coldline)
            let created = try #require(source.timeCreated), custom = try #require(copy.customTime)
            #expect(abs(custom.timeIntervalSince(created)) < 0.001)
        }
    }

    @Test(arguments: stores)
    func aManifestSelectsTheObjectsAndAMissingOneFails(_ kind: StoreKind) async throws {
        let fixture = try await TransferFixture.make(kind, objectsPerStep: 10)
        defer { fixture.tearDown() }
        let sources = try await fixture.seed(Self.layout.merging(["historization/d/with,comma.parquet": "c"]) { $1 })
        let staging = try await fixture.harness.bucket()
        let rows = [TransferManifestCSV.Row(name: "a/1.parquet"),
                    TransferManifestCSV.Row(name: "d/with,comma.parquet", generation: sources["historization/d/with,comma.parquet"]?.generation),
                    TransferManifestCSV.Row(name: "c/5.parquet"),  // outside the include prefixes: not taken
                    TransferManifestCSV.Row(name: "a/missing.parquet")]
        _ = try await fixture.harness.store.upload(staging, "manifests/m.csv", data: TransferManifestCSV.encode(rows),
                                                    ifGenerationMatch: 0, contentType: "text/csv", metadata: nil)
        let job = fixture.job(include: ["a/", "d/"], manifest: "gs://\(staging)/manifests/m.csv")
        let done = try await fixture.createRunAndFinish(job)
        #expect(try await fixture.list(fixture.target).keys.sorted() == ["archives/a/1.parquet", "archives/d/with,comma.parquet"])
        #expect(done.metadata?.status == .failed)
        #expect(done.metadata?.errorBreakdowns?.first?.errorCode == "NOT_FOUND")
        #expect(done.metadata?.counters?.objectsFromSourceFailed == 1)
    }

    @Test func listingFiltersByJobAndAFullProjectQueues() async throws {
        let fixture = try await TransferFixture.make(.local, objectsPerStep: 10, maxActiveOperations: 1)
        defer { fixture.tearDown() }
        try await fixture.seed(Self.layout)
        let first = fixture.job("first", sinkPath: "one/"), second = fixture.job("second", sinkPath: "two/")
        let names = try [#require(first.name), #require(second.name)]
        for job in [first, second] { _ = try await fixture.client.createJob(job) }
        let runs = [try await fixture.client.runJob(names[0]), try await fixture.client.runJob(names[1])]
        // One poll of both: the first takes the project's only slot, the second waits.
        var listed = try await fixture.client.listOperations(jobNames: names, pageSize: 1)
        #expect(listed.map(\.name) == runs.map(\.name))
        #expect(listed.map { $0.metadata?.status } == [.inProgress, .queued])
        listed = try await fixture.client.listOperations(jobNames: [names[0]])
        #expect(listed.map(\.name) == [runs[0].name])
        #expect(listed.first?.metadata?.status == .success)
        let running = try await fixture.client.listOperations(jobNames: names, statuses: [.queued, .inProgress])
        #expect(running.map(\.name) == [runs[1].name])
        let (done, _) = try await fixture.finish(runs[1].name)
        #expect(done.metadata?.status == .success)
        #expect(try await fixture.client.listOperations(operationNames: [runs[1].name]).count == 1)
    }

    @Test func aRunOnceScheduleForTodayStartsAtCreate() async throws {
        let fixture = try await TransferFixture.make(.local, objectsPerStep: 10)
        defer { fixture.tearDown() }
        try await fixture.seed(Self.layout)
        var job = fixture.job()
        job.schedule = .runOnce(on: CalendarDay(Date()))
        let created = try await fixture.client.createJob(job)
        let operation = try #require(created.latestOperationName)
        let name = try #require(job.name)
        await #expect(throws: StoreError.transferOperationActive(job: name, operation: operation)) {
            _ = try await fixture.client.runJob(name)
        }
        let (done, _) = try await fixture.finish(operation)
        #expect(done.metadata?.status == .success)
        #expect(done.metadata?.counters?.objectsCopiedToSink == 5)
    }

    @Test func tokensGoOnlyToTheRealServiceNeverToATestServer() async throws {
        let fixture = try await TransferFixture.make(.local)
        defer { fixture.tearDown() }
        let tokens = StaticTokenProvider(token: "ya29.transfer-secret")
        for (isTestServer, expected) in [(true, nil), (false, "Bearer ya29.transfer-secret")] as [(Bool, String?)] {
            let client = TransferClient(endpoint: TransferEndpoint(baseURL: fixture.server.url, isTestServer: isTestServer),
                                        projectId: "p", tokens: tokens, retry: .none, quotas: .unlimited)
            _ = try? await client.getJob("transferJobs/x")
            #expect(fixture.server.requests.last?.headers["authorization"] == expected)
        }
    }

    @Test(arguments: stores)
    func oddObjectNamesAreCopiedExactly(_ kind: StoreKind) async throws {
        let fixture = try await TransferFixture.make(kind, objectsPerStep: 10)
        defer { fixture.tearDown() }
        let names = ["with space #1.csv", "percent%25 plus+.csv", "question?mark&amp.csv", "caf\u{E9}/\u{00FC}ber.csv",
                     "cafe\u{301}/decomposed.csv", "quote\"comma,.csv"]
        try await fixture.seed(Dictionary(uniqueKeysWithValues: names.map { ("historization/" + $0, $0) }))
        // The precomposed prefix takes one folder and not its decomposed twin.
        let job = fixture.job(include: ["caf\u{E9}/", "with", "percent", "question", "quote"])
        let done = try await fixture.createRunAndFinish(job)
        #expect(done.metadata?.status == .success)
        let expected = names.filter { $0 != "cafe\u{301}/decomposed.csv" }.map { "archives/" + $0 }
        let copied = try await fixture.list(fixture.target)
        #expect(Set(copied.keys.map { Array($0.utf8) }) == Set(expected.map { Array($0.utf8) }))
        for name in expected {
            let (data, _) = try await fixture.harness.store.download(fixture.target, name, generation: nil)
            #expect(String(decoding: data, as: UTF8.self) == String(name.dropFirst("archives/".count)))
        }
    }

    @Test func aJobAtTheLimitsIsTakenByBothSides() async throws {
        let fixture = try await TransferFixture.make(.local, objectsPerStep: 10)
        defer { fixture.tearDown() }
        try await fixture.seed(["historization/p0999/x": "last", "historization/p1000/y": "beyond"])
        let prefixes = (0..<1000).map { String(format: "p%04d/", $0) }
        let exclude = (0..<1000).map { String(format: "p%04d/tmp/", $0) }
        let done = try await fixture.createRunAndFinish(fixture.job(include: prefixes, exclude: exclude))
        #expect(done.metadata?.counters?.objectsCopiedToSink == 1)
        #expect(try await fixture.list(fixture.target).keys.sorted() == ["archives/p0999/x"])
    }

    @Test func anUnreadableOrAbsentServiceIsATransientError() async throws {
        let garbage = try TestHTTPServer(keepAlive: false) { _ in .json(200, "<html>not json</html>") }
        defer { garbage.stop() }
        let client = TransferClient(endpoint: TransferEndpoint(baseURL: garbage.url, isTestServer: true), projectId: "p",
                                    tokens: nil, retry: StoreHarness.fastRetry, quotas: .unlimited)
        await #expect { _ = try await client.getOperation("transferOperations/x-1") } throws: { error in
            guard case StoreError.transient(_, _, let detail) = error else { return false }
            return detail.contains("transferOperations.get transferOperations/x-1: unreadable answer")
        }
        let gone = try TestHTTPServer { _ in .drop }
        gone.stop()
        let absent = TransferClient(endpoint: TransferEndpoint(baseURL: gone.url, isTestServer: true), projectId: "p",
                                    tokens: nil, retry: StoreHarness.fastRetry, quotas: .unlimited)
        await #expect { _ = try await absent.waitUntilDone("transferOperations/x-1", poll: TransferFixture.eagerPolling) } throws: { error in
            (error as? StoreError)?.isRetryable == true
        }
        await #expect(throws: StoreError.self) { _ = try await absent.getJob("not-a-job-name") }
    }
}
