import DecantCore
import DecantStorage
import Foundation

/// A Storage Transfer Service (REST v1) stand-in on 127.0.0.1, for tests: no emulator
/// of STS exists, and Google's own samples mock it.
///
/// **What it follows.** The public API reference as recalled when it was written (no
/// real STS was called to check it): the routes `POST /v1/transferJobs`,
/// `GET /v1/transferJobs/{id}?projectId=`, `PATCH /v1/transferJobs/{id}` (with an
/// `updateTransferJobFieldMask`), `POST /v1/transferJobs/{id}:run`,
/// `GET /v1/transferOperations/{id}` and `GET /v1/transferOperations?filter={json}`;
/// request and answer JSON in the proto3 mapping (camelCase, int64 counters as strings,
/// fields at their default left out, `done` absent while running); job names and
/// object conditions checked by the reference's rules (400 INVALID_ARGUMENT, and an
/// unknown field is refused as the service refuses it); `status` required on create;
/// 409 ALREADY_EXISTS for a taken name (even a DELETED job's); 404 NOT_FOUND for an
/// unknown job or operation; 400 FAILED_PRECONDITION for a `run` while the job has an
/// operation that has not ended, or on a job that is not ENABLED; 429
/// RESOURCE_EXHAUSTED on demand. Operations are named
/// `transferOperations/transferJobs-<job id>-<n>`, start QUEUED, become IN_PROGRESS
/// when the project has fewer than `maxActiveOperations` in progress, and end SUCCESS
/// (nothing failed), FAILED (some object failed) or ABORTED. The copies really happen,
/// on the `ObjectStore` behind the server (LocalStore, or an emulator through GCSStore),
/// one step of `objectsPerStep` objects each time the operation is read (`get`, or a
/// `list` that returns it), so tests see progress over several polls: prefixes and a
/// manifest select the objects, `overwriteWhen` decides over existing targets
/// (NEVER and same-content DIFFERENT count as skipped by sync), `metadataOptions`
/// sets the storage class and `customTime` (from the source's `timeCreated`), and the
/// source is never deleted (the delete options are refused, 501).
///
/// **What it does not prove.** That real STS answers with these exact codes and
/// messages: which code a second `run` gets is the least certain (decant's client
/// recognises that case by reading the job's latest operation, not by the code).
/// Real STS also compares ETags, copies in parallel, may list and copy at once, has a
/// scheduler (here only a run-once schedule for today without a time of day starts,
/// at create; any other schedule is refused, 501), checks the service agent's IAM
/// (here only that both buckets exist), and keeps failed objects' errors in Cloud
/// Logging. Anything the reference has that this server does not implement is
/// refused with 501 UNIMPLEMENTED, never silently ignored.
public final class TransferTestServer: Sendable {
    public struct Options: Sendable {
        /// Objects an operation handles each time it is read while IN_PROGRESS.
        public var objectsPerStep: Int
        /// Operations IN_PROGRESS at once in a project; more stay QUEUED.
        public var maxActiveOperations: Int
        public var clock: any Clock

        public init(objectsPerStep: Int = 2, maxActiveOperations: Int = 200, clock: any Clock = SystemClock()) {
            self.objectsPerStep = objectsPerStep
            self.maxActiveOperations = maxActiveOperations
            self.clock = clock
        }
    }

    /// The calls of the API, for faults.
    public enum Method: String, Sendable, CaseIterable {
        case createJob, getJob, patchJob, runJob, getOperation, listOperations
    }

    /// An object that fails to copy: a `google.rpc.Code` name and a message.
    public struct ObjectFailure: Sendable, Hashable {
        public var code: String
        public var message: String

        public init(code: String = "PERMISSION_DENIED", message: String = "injected: the service agent cannot read it") {
            self.code = code
            self.message = message
        }
    }

    /// Failures on cue.
    public struct Faults: Sendable {
        /// The next N calls of a method answer 429 RESOURCE_EXHAUSTED.
        public var quotaErrors: [Method: Int] = [:]
        /// Source objects (full names in the source bucket) that fail to copy.
        public var failingObjects: [String: ObjectFailure] = [:]
        /// The next operation started aborts once it has handled this many objects.
        public var abortNextOperationAfter: Int?
        /// The next N calls of a method are carried out, then the connection is
        /// dropped instead of answering (the client cannot know they happened).
        public var lostAnswers: [Method: Int] = [:]

        public init() {}
    }

    private let server: TestHTTPServer
    let store: any ObjectStore
    let options: Options
    private let state = Locked(ServerState())
    let faults = Locked(Faults())
    /// Held while one request is handled (store calls included), so that requests act
    /// one after another; `state` itself is held only for short reads and writes, so
    /// a test reading it never waits on the store.
    private let serial = Locked(())

    public var url: URL { server.url }
    public var endpoint: TransferEndpoint { TransferEndpoint(baseURL: server.url, isTestServer: true) }
    /// Every request received, in order.
    public var requests: [TestHTTPServer.Request] { server.requests.current }

    public init(store: any ObjectStore, options: Options = Options()) throws {
        self.store = store
        self.options = options
        // Weak: the HTTP server's handler must not keep this server alive.
        let box = Locked(WeakServer())
        // Every answer closes its connection: a dropped answer (`lostAnswers`) on a
        // kept-alive connection could make the HTTP client resend the request itself.
        server = try TestHTTPServer(keepAlive: false) { request in
            guard let self = box.current.server else { return .json(503, "{}") }
            return self.handle(request)
        }
        box.withLock { $0.server = self }
    }

    deinit { server.stop() }

    public func stop() { server.stop() }

    private struct WeakServer {
        weak var server: TransferTestServer?
    }

    public func updateFaults(_ change: (inout Faults) -> Void) { faults.withLock(change) }

    /// The names of the jobs the server holds, sorted.
    public var jobNames: [String] { state.current.jobs.keys.sorted() }

    /// The operations of a job, oldest first.
    public func operationNames(ofJob job: String) -> [String] {
        state.current.operationOrder.filter { state.current.operations[$0]?.jobName == job }
    }

    /// An operation's status as the server holds it (no step taken).
    public func status(ofOperation name: String) -> String? { state.current.operations[name]?.status }

    // MARK: - Routing

    private func handle(_ request: TestHTTPServer.Request) -> TestHTTPServer.Reply {
        serial.withLock { _ in
            let (path, query) = Self.split(request.target)
            guard let method = Self.method(request.method, path) else {
                return Self.refusal(.notFound("no route for \(request.method) \(path)"))
            }
            var current = state.current
            var reply: TestHTTPServer.Reply
            do throws(TransferRefusal) {
                try quota(method)
                reply = try route(method, path, query, request.body, &current)
            } catch {
                reply = Self.refusal(error)
            }
            state.withLock { $0 = current }
            let lose = faults.withLock { faults -> Bool in
                guard let left = faults.lostAnswers[method], left > 0 else { return false }
                faults.lostAnswers[method] = left - 1
                return true
            }
            if lose { reply = .drop }
            return reply
        }
    }

    private static let jobs = "/v1/transferJobs", operations = "/v1/transferOperations"

    static func method(_ verb: String, _ path: String) -> Method? {
        switch (verb, path) {
        case ("POST", jobs): return .createJob
        case ("GET", operations): return .listOperations
        case ("POST", _) where path.hasPrefix(jobs + "/") && path.hasSuffix(":run"): return .runJob
        case ("GET", _) where path.hasPrefix(jobs + "/"): return .getJob
        case ("PATCH", _) where path.hasPrefix(jobs + "/"): return .patchJob
        case ("GET", _) where path.hasPrefix(operations + "/"): return .getOperation
        default: return nil
        }
    }

    private func route(_ method: Method, _ path: String, _ query: [String: String], _ body: Data,
                       _ state: inout ServerState) throws(TransferRefusal) -> TestHTTPServer.Reply {
        let job = "transferJobs/" + path.dropFirst(Self.jobs.count + 1)
        switch method {
        case .createJob: return try createJob(body: body, &state)
        case .listOperations: return try listOperations(query: query, &state)
        case .runJob: return try runJob(String(job.dropLast(":run".count)), body: body, &state)
        case .getJob: return try getJob(job, query: query, state)
        case .patchJob: return try patchJob(job, body: body, &state)
        case .getOperation:
            let name = "transferOperations/" + path.dropFirst(Self.operations.count + 1)
            guard state.operations[name] != nil else { throw .notFound("Operation \(name) not found.") }
            advance(name, &state)
            return Self.json(200, state.operations[name].map(Self.operationJSON) ?? [:])
        }
    }

    private func quota(_ method: Method) throws(TransferRefusal) {
        let refused = faults.withLock { faults -> Bool in
            guard let left = faults.quotaErrors[method], left > 0 else { return false }
            faults.quotaErrors[method] = left - 1
            return true
        }
        if refused {
            throw TransferRefusal(http: 429, status: "RESOURCE_EXHAUSTED",
                                  message: "Quota exceeded for quota metric 'storagetransfer.googleapis.com/\(method.rawValue)' (injected)")
        }
    }

    // MARK: - transferJobs

    private func createJob(body: Data, _ state: inout ServerState) throws(TransferRefusal) -> TestHTTPServer.Reply {
        guard let object = TransferJSON.object(body) else { throw .invalid("the body is not a JSON object") }
        try TransferFields.check(object, "transfer_job", known: TransferFields.job, unimplemented: TransferFields.jobUnimplemented)
        guard let project = object["projectId"] as? String, !project.isEmpty else { throw .invalid("projectId is required") }
        let name: String
        if let given = object["name"] as? String, !given.isEmpty {
            guard TransferJSON.isValidJobName(given) else { throw .invalid("Invalid job name: \(given)") }
            name = given
        } else {
            state.assignedJobs += 1
            name = "transferJobs/\(9_000_000_000_000_000_000 as UInt64 + UInt64(state.assignedJobs))"
        }
        guard let status = object["status"] as? String else {
            throw .invalid("status must be specified when creating a transfer job")
        }
        guard status == "ENABLED" || status == "DISABLED" else { throw .invalid("a job cannot be created \(status)") }
        if state.jobs[name] != nil {
            throw TransferRefusal(http: 409, status: "ALREADY_EXISTS", message: "Transfer job \(name) already exists.")
        }
        let spec = try SpecRecord.parse(object["transferSpec"])
        try checkBuckets(spec)
        let schedule = try object["schedule"].map(checkSchedule)
        let now = options.clock.now()
        var job = JobRecord(name: name, projectId: project, description: object["description"] as? String, status: status,
                            spec: spec, schedule: schedule.map { TransferJSON.data($0.object) }, creationTime: now,
                            lastModificationTime: now)
        if status == "ENABLED", schedule?.startsNow == true { startOperation(of: &job, &state) }
        state.jobs[name] = job
        return Self.json(200, job.json)
    }

    private func getJob(_ name: String, query: [String: String], _ state: ServerState) throws(TransferRefusal) -> TestHTTPServer.Reply {
        guard let project = query["projectId"], !project.isEmpty else { throw .invalid("projectId is required") }
        guard let job = state.jobs[name], job.projectId == project else { throw .notFound("Transfer job \(name) not found.") }
        return Self.json(200, job.json)
    }

    private func patchJob(_ name: String, body: Data, _ state: inout ServerState) throws(TransferRefusal) -> TestHTTPServer.Reply {
        guard let object = TransferJSON.object(body) else { throw .invalid("the body is not a JSON object") }
        try TransferFields.check(object, "update_transfer_job_request", known: TransferFields.patch)
        guard let project = object["projectId"] as? String, !project.isEmpty else { throw .invalid("projectId is required") }
        guard var job = state.jobs[name], job.projectId == project else { throw .notFound("Transfer job \(name) not found.") }
        guard let update = object["transferJob"] as? JSONObject else { throw .invalid("transferJob is required") }
        try TransferFields.check(update, "transfer_job", known: TransferFields.job, unimplemented: TransferFields.jobUnimplemented)
        if job.status == "DELETED" { throw .precondition("Transfer job \(name) is deleted.") }
        let mask = (object["updateTransferJobFieldMask"] as? String ?? "").split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        for field in mask where !TransferFields.patchable.contains(field) {
            throw .invalid("updateTransferJobFieldMask names '\(field)', which cannot be updated")
        }
        for field in mask {
            switch field {
            case "description": job.description = update["description"] as? String
            case "transferSpec":
                let spec = try SpecRecord.parse(update["transferSpec"])
                try checkBuckets(spec)
                job.spec = spec
            case "schedule": job.schedule = try update["schedule"].map { value throws(TransferRefusal) in
                TransferJSON.data(try checkSchedule(value).object)
            }
            case "status":
                guard let status = update["status"] as? String, TransferFields.jobStatuses.contains(status) else {
                    throw .invalid("Invalid value at 'transfer_job.status'")
                }
                job.status = status
                if status == "DELETED" { job.deletionTime = options.clock.now() }
            default: throw .unimplemented("updating \(field)")
            }
        }
        job.lastModificationTime = options.clock.now()
        state.jobs[name] = job
        return Self.json(200, job.json)
    }

    private func runJob(_ name: String, body: Data, _ state: inout ServerState) throws(TransferRefusal) -> TestHTTPServer.Reply {
        guard let object = TransferJSON.object(body) else { throw .invalid("the body is not a JSON object") }
        try TransferFields.check(object, "run_transfer_job_request", known: ["projectId"])
        guard let project = object["projectId"] as? String, !project.isEmpty else { throw .invalid("projectId is required") }
        guard var job = state.jobs[name], job.projectId == project else { throw .notFound("Transfer job \(name) not found.") }
        guard job.status == "ENABLED" else { throw .precondition("Transfer job \(name) is \(job.status), not ENABLED.") }
        if let latest = job.latestOperationName, let operation = state.operations[latest], !operation.isFinal {
            throw .precondition("Transfer job \(name) already has an active operation: \(latest).")
        }
        let operation = startOperation(of: &job, &state)
        state.jobs[name] = job
        return Self.json(200, state.operations[operation].map(Self.operationJSON) ?? [:])
    }

    /// Both buckets must exist (real STS also checks the service agent's access to them).
    private func checkBuckets(_ spec: SpecRecord) throws(TransferRefusal) {
        for bucket in [spec.sourceBucket, spec.sinkBucket] {
            let store = store
            let found = Blocking.run { () async throws(StoreError) -> Bool in try await store.getBucket(bucket) != nil }
            switch found {
            case .success(true): continue
            case .success(false): throw .precondition("Bucket \(bucket) does not exist or the service agent cannot access it.")
            case .failure(let error): throw TransferRefusal(http: 503, status: "UNAVAILABLE", message: "\(error)")
            }
        }
    }

    /// A run-once schedule for today without a time of day (it starts at create);
    /// any other schedule is refused (this server has no scheduler).
    private func checkSchedule(_ value: Any) throws(TransferRefusal) -> (object: JSONObject, startsNow: Bool) {
        guard let schedule = value as? JSONObject else { throw .invalid("schedule is not an object") }
        try TransferFields.check(schedule, "schedule", known: TransferFields.schedule)
        func day(_ key: String) throws(TransferRefusal) -> CalendarDay? {
            guard let value = schedule[key] else { return nil }
            guard let date = value as? JSONObject else { throw .invalid("\(key) is not a google.type.Date") }
            try TransferFields.check(date, key, known: TransferFields.date)
            guard let year = date["year"] as? Int, let month = date["month"] as? Int, let day = date["day"] as? Int,
                  let result = CalendarDay(year: year, month: month, day: day) else {
                throw .invalid("\(key) is not a valid date")
            }
            return result
        }
        guard let start = try day("scheduleStartDate") else { throw .invalid("schedule.scheduleStartDate is required") }
        let end = try day("scheduleEndDate")
        if let end, end < start { throw .invalid("scheduleEndDate is before scheduleStartDate") }
        let today = CalendarDay(options.clock.now())
        guard end == start, start == today, schedule["startTimeOfDay"] == nil, schedule["repeatInterval"] == nil else {
            throw .unimplemented("schedules other than run-once today without a time of day")
        }
        return (schedule, true)
    }

    // MARK: - transferOperations.list

    private func listOperations(query: [String: String], _ state: inout ServerState) throws(TransferRefusal) -> TestHTTPServer.Reply {
        guard let text = query["filter"], let filter = TransferJSON.object(Data(text.utf8)) else {
            throw .invalid("filter is required and must be a JSON object")
        }
        try TransferFields.check(filter, "filter", known: TransferFields.filter, unimplemented: TransferFields.filterUnimplemented)
        guard let project = filter["projectId"] as? String, !project.isEmpty else { throw .invalid("filter.projectId is required") }
        let jobs = (filter["jobNames"] as? [String]).map { Set($0.map { $0.hasPrefix("transferJobs/") ? $0 : "transferJobs/" + $0 }) }
        let names = (filter["operationNames"] as? [String]).map {
            Set($0.map { $0.hasPrefix("transferOperations/") ? $0 : "transferOperations/" + $0 })
        }
        let statuses = (filter["transferStatuses"] as? [String]).map(Set.init)
        for status in statuses ?? [] where !TransferFields.operationStatuses.contains(status) {
            throw .invalid("filter.transferStatuses has an unknown status '\(status)'")
        }
        let pageSize = min(max(Int(query["pageSize"] ?? "") ?? 256, 1), 256)
        let offset = Int(query["pageToken"] ?? "") ?? 0
        let matching = { (operation: OperationRecord) -> Bool in
            operation.projectId == project && (jobs?.contains(operation.jobName) ?? true)
                && (names?.contains(operation.name) ?? true)
        }
        // A first page is a poll: the operations it covers take a step.
        if offset == 0 {
            for name in state.operationOrder where state.operations[name].map(matching) == true { advance(name, &state) }
        }
        let selected = state.operationOrder.compactMap { state.operations[$0] }.filter {
            matching($0) && (statuses?.contains($0.status) ?? true)
        }
        let page = selected.dropFirst(offset).prefix(pageSize)
        var answer: JSONObject = [:]
        if !page.isEmpty { answer["operations"] = page.map(Self.operationJSON) }
        if offset + page.count < selected.count { answer["nextPageToken"] = String(offset + page.count) }
        return Self.json(200, answer)
    }

    // MARK: - Replies

    static func json(_ status: Int, _ object: JSONObject) -> TestHTTPServer.Reply {
        .respond(status: status, headers: ["Content-Type": "application/json; charset=UTF-8"], body: TransferJSON.data(object))
    }

    static func refusal(_ refusal: TransferRefusal) -> TestHTTPServer.Reply {
        json(refusal.http, ["error": ["code": refusal.http, "message": refusal.message, "status": refusal.status] as JSONObject])
    }

    /// Path (percent-decoded) and query parameters of a request target.
    static func split(_ target: String) -> (path: String, query: [String: String]) {
        let parts = target.split(separator: "?", maxSplits: 1).map(String.init)
        let path = parts.first.flatMap { $0.removingPercentEncoding } ?? ""
        var query: [String: String] = [:]
        for pair in (parts.count > 1 ? parts[1] : "").split(separator: "&") {
            let field = pair.split(separator: "=", maxSplits: 1).map(String.init)
            let decode = { (text: String) in text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? text }
            query[decode(field[0])] = field.count > 1 ? decode(field[1]) : ""
        }
        return (path, query)
    }
}

/// Runs async store calls from the server's request threads (plain threads, not the
/// cooperative pool, so blocking them while a task runs is safe).
enum Blocking {
    static func run<T: Sendable>(_ body: @escaping @Sendable () async throws(StoreError) -> T) -> Result<T, StoreError> {
        let result = Locked<Result<T, StoreError>?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task {
            let outcome: Result<T, StoreError>
            do throws(StoreError) {
                outcome = .success(try await body())
            } catch {
                outcome = .failure(error)
            }
            result.withLock { $0 = outcome }
            done.signal()
        }
        done.wait()
        return result.current ?? .failure(.transient(bucket: nil, object: nil, detail: "the store call gave no result"))
    }
}
