import DecantCore
import DecantStorage
import Foundation

/// Everything the server holds.
struct ServerState: Sendable {
    var jobs: [String: JobRecord] = [:]
    var operations: [String: OperationRecord] = [:]
    /// Operation names, oldest first (the order `list` answers in).
    var operationOrder: [String] = []
    /// Jobs created without a name, for the names the server assigns.
    var assignedJobs = 0
}

struct JobRecord: Sendable {
    var name: String
    var projectId: String
    var description: String?
    var status: String
    var spec: SpecRecord
    var schedule: Data?
    var creationTime: Date
    var lastModificationTime: Date
    var deletionTime: Date?
    var latestOperationName: String?
    var operationsStarted = 0

    init(name: String, projectId: String, description: String?, status: String, spec: SpecRecord, schedule: Data?,
         creationTime: Date, lastModificationTime: Date) {
        self.name = name
        self.projectId = projectId
        self.description = description
        self.status = status
        self.spec = spec
        self.schedule = schedule
        self.creationTime = creationTime
        self.lastModificationTime = lastModificationTime
    }

    var json: JSONObject {
        var object: JSONObject = [
            "name": name, "projectId": projectId, "status": status,
            "transferSpec": TransferJSON.object(spec.json) ?? [:],
            "creationTime": RFC3339.format(creationTime), "lastModificationTime": RFC3339.format(lastModificationTime),
        ]
        if let description { object["description"] = description }
        if let schedule { object["schedule"] = TransferJSON.object(schedule) }
        if let deletionTime { object["deletionTime"] = RFC3339.format(deletionTime) }
        if let latestOperationName { object["latestOperationName"] = latestOperationName }
        return object
    }
}

/// One source object an operation will handle: its listing, or a manifest row.
struct PendingObject: Sendable {
    var name: String
    /// Nil for a manifest row naming an object that does not exist.
    var record: ObjectRecord?
}

struct OperationRecord: Sendable {
    var name: String
    var jobName: String
    var projectId: String
    var spec: SpecRecord
    var status = "QUEUED"
    var startTime: Date
    var endTime: Date?
    var counters: [String: Int64] = [:]
    /// Per `google.rpc.Code` name, in the order they first happened.
    var errorCodes: [String] = []
    var errorCounts: [String: Int64] = [:]
    var errorSamples: [String: [(url: String, detail: String)]] = [:]
    /// Listed when the operation leaves QUEUED.
    var pending: [PendingObject] = []
    var handled = 0
    var abortAfter: Int?
    var failures: [String: TransferTestServer.ObjectFailure]
    var failureMessage: String?

    var isFinal: Bool { ["SUCCESS", "FAILED", "ABORTED"].contains(status) }

    mutating func add(_ counter: String, _ value: Int64) { counters[counter, default: 0] += value }

    mutating func fail(_ url: String, code: String, detail: String, bytes: Int64) {
        add("objectsFromSourceFailed", 1)
        add("bytesFromSourceFailed", bytes)
        if errorCounts[code] == nil { errorCodes.append(code) }
        errorCounts[code, default: 0] += 1
        if errorSamples[code, default: []].count < 5 { errorSamples[code, default: []].append((url, detail)) }
    }
}

extension TransferTestServer {
    /// A new QUEUED operation of `job`, which becomes its latest; returns its name.
    @discardableResult
    func startOperation(of job: inout JobRecord, _ state: inout ServerState) -> String {
        job.operationsStarted += 1
        let number = job.operationsStarted
        let id = job.name.dropFirst("transferJobs/".count)
        let name = "transferOperations/transferJobs-\(id)-\(number)"
        let (abortAfter, failures) = faults.withLock { faults in
            defer { faults.abortNextOperationAfter = nil }
            return (faults.abortNextOperationAfter, faults.failingObjects)
        }
        let operation = OperationRecord(name: name, jobName: job.name, projectId: job.projectId, spec: job.spec,
                                        startTime: options.clock.now(), abortAfter: abortAfter, failures: failures)
        state.operations[name] = operation
        state.operationOrder.append(name)
        job.latestOperationName = name
        return name
    }

    /// One step of a read operation: QUEUED → IN_PROGRESS (listing the source) when
    /// the project has room, or `objectsPerStep` objects handled, and the end.
    func advance(_ name: String, _ state: inout ServerState) {
        guard var operation = state.operations[name], !operation.isFinal else { return }
        defer { state.operations[name] = operation }
        if operation.status == "QUEUED" {
            let running = state.operations.values.filter { $0.projectId == operation.projectId && $0.status == "IN_PROGRESS" }
            guard running.count < options.maxActiveOperations else { return }
            operation.status = "IN_PROGRESS"
            list(&operation)
            return
        }
        for _ in 0..<max(options.objectsPerStep, 1) {
            guard operation.handled < operation.pending.count else { break }
            if let limit = operation.abortAfter, operation.handled >= limit {
                operation.status = "ABORTED"
                operation.failureMessage = "the operation was aborted (injected)"
                operation.endTime = options.clock.now()
                return
            }
            copy(operation.pending[operation.handled], &operation)
            operation.handled += 1
        }
        if operation.handled >= operation.pending.count {
            let failed = operation.counters["objectsFromSourceFailed", default: 0]
            operation.status = failed > 0 ? "FAILED" : "SUCCESS"
            if failed > 0 { operation.failureMessage = "\(failed) objects failed to transfer" }
            operation.endTime = options.clock.now()
        }
    }

    /// The objects the operation will handle: under the source path, within the
    /// prefixes, and (with a manifest) only those it lists.
    private func list(_ operation: inout OperationRecord) {
        let spec = operation.spec
        let store = store
        let listing = Blocking.run { () async throws(StoreError) -> [ObjectRecord] in
            try await store.listObjects(spec.sourceBucket, ListOptions(prefix: spec.sourcePath)).all()
        }
        guard case .success(let objects) = listing else {
            operation.status = "FAILED"
            operation.failureMessage = "cannot list gs://\(spec.sourceBucket)/\(spec.sourcePath)"
            operation.endTime = options.clock.now()
            return
        }
        var selected = objects.filter { spec.admits(String($0.name.dropFirst(spec.sourcePath.count))) }
            .map { PendingObject(name: $0.name, record: $0) }
        if let manifest = spec.manifest {
            let read = Blocking.run { () async throws(StoreError) -> Data in
                try await store.download(manifest.bucket, manifest.object, generation: nil).0
            }
            guard case .success(let data) = read, let rows = try? TransferManifestCSV.parse(data) else {
                operation.status = "FAILED"
                operation.failureMessage = "cannot read the manifest gs://\(manifest.bucket)/\(manifest.object)"
                operation.endTime = options.clock.now()
                return
            }
            let byName = Dictionary(selected.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
            selected = rows.filter { spec.admits($0.name) }.map { row in
                let name = spec.sourcePath + row.name
                guard let found = byName[name]?.record, row.generation == nil || row.generation == found.generation else {
                    return PendingObject(name: name, record: nil)
                }
                return PendingObject(name: name, record: found)
            }
        }
        for object in selected {
            guard let record = object.record else { continue }
            operation.add("objectsFoundFromSource", 1)
            operation.add("bytesFoundFromSource", record.size)
        }
        operation.pending = selected
    }

    /// Copies one object as the options say, or counts it skipped or failed.
    private func copy(_ object: PendingObject, _ operation: inout OperationRecord) {
        let spec = operation.spec
        let url = "gs://\(spec.sourceBucket)/\(object.name)"
        guard let source = object.record else {
            operation.fail(url, code: "NOT_FOUND", detail: "the manifest lists an object that does not exist", bytes: 0)
            return
        }
        if let failure = operation.failures[object.name] {
            operation.fail(url, code: failure.code, detail: failure.message, bytes: source.size)
            return
        }
        let target = spec.sinkPath + String(object.name.dropFirst(spec.sourcePath.count))
        let store = store
        let existing: ObjectRecord?
        switch Blocking.run({ () async throws(StoreError) -> ObjectRecord? in
            try await store.headObject(spec.sinkBucket, target, generation: nil)
        }) {
        case .success(let record): existing = record
        case .failure(let error):
            operation.fail(url, code: Self.code(error), detail: error.localizedDescription, bytes: source.size)
            return
        }
        if let existing {
            let same = existing.hasSameContent(as: source)
            if spec.overwriteWhen == "NEVER" || (spec.overwriteWhen == "DIFFERENT" && same) {
                operation.add("objectsFromSourceSkippedBySync", 1)
                operation.add("bytesFromSourceSkippedBySync", source.size)
                return
            }
        }
        let request = CopyRequest(sourceBucket: spec.sourceBucket, sourceName: object.name,
                                  sourceGeneration: source.generation, targetBucket: spec.sinkBucket, targetName: target,
                                  ifTargetGenerationMatch: existing?.generation ?? 0,
                                  storageClass: Self.storageClass(spec.storageClass, source: source),
                                  customTime: spec.preserveTimeCreated ? source.timeCreated : nil)
        switch Blocking.run({ () async throws(StoreError) -> ObjectRecord in try await store.copyObject(request) }) {
        case .success:
            operation.add("objectsCopiedToSink", 1)
            operation.add("bytesCopiedToSink", source.size)
        case .failure(let error):
            operation.fail(url, code: Self.code(error), detail: error.localizedDescription, bytes: source.size)
        }
    }

    static func storageClass(_ option: String?, source: ObjectRecord) -> StorageClass? {
        switch option {
        case "STORAGE_CLASS_PRESERVE": return source.storageClass
        case "STORAGE_CLASS_STANDARD": return .standard
        case "STORAGE_CLASS_NEARLINE": return .nearline
        case "STORAGE_CLASS_COLDLINE": return .coldline
        case "STORAGE_CLASS_ARCHIVE": return .archive
        default: return nil  // the destination bucket's default
        }
    }

    static func code(_ error: StoreError) -> String {
        switch error {
        case .notFound, .transferNotFound: return "NOT_FOUND"
        case .preconditionFailed: return "FAILED_PRECONDITION"
        case .permissionDenied: return "PERMISSION_DENIED"
        case .rateLimited: return "RESOURCE_EXHAUSTED"
        case .transient, .unavailable: return "UNAVAILABLE"
        case .conflict, .transferJobExists, .transferOperationActive: return "ABORTED"
        case .invalid, .invalidTransferJob: return "INVALID_ARGUMENT"
        }
    }

    /// A `google.longrunning.Operation` with `TransferOperation` metadata, in proto3
    /// JSON: counters at 0 and `done: false` left out.
    static func operationJSON(_ operation: OperationRecord) -> JSONObject {
        var metadata: JSONObject = [
            "@type": "type.googleapis.com/google.storagetransfer.v1.TransferOperation",
            "name": operation.name, "projectId": operation.projectId, "transferJobName": operation.jobName,
            "transferSpec": TransferJSON.object(operation.spec.json) ?? [:], "status": operation.status,
            "startTime": RFC3339.format(operation.startTime),
        ]
        let counters = operation.counters.filter { $0.value != 0 }.mapValues { String($0) }
        if !counters.isEmpty { metadata["counters"] = counters }
        if let endTime = operation.endTime { metadata["endTime"] = RFC3339.format(endTime) }
        if !operation.errorCodes.isEmpty {
            metadata["errorBreakdowns"] = operation.errorCodes.map { code -> JSONObject in
                [
                    "errorCode": code, "errorCount": String(operation.errorCounts[code] ?? 0),
                    "errorLogEntries": (operation.errorSamples[code] ?? []).map { ["url": $0.url, "errorDetails": [$0.detail]] },
                ]
            }
        }
        var object: JSONObject = ["name": operation.name, "metadata": metadata]
        if operation.isFinal {
            object["done"] = true
            if operation.status == "SUCCESS" {
                object["response"] = ["@type": "type.googleapis.com/google.protobuf.Empty"]
            } else {
                // ABORTED: 10; FAILED: 2 (UNKNOWN), as a failed operation carries no finer code.
                object["error"] = ["code": operation.status == "ABORTED" ? 10 : 2,
                                   "message": operation.failureMessage ?? operation.status] as JSONObject
            }
        }
        return object
    }
}
