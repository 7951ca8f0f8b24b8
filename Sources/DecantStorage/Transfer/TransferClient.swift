import DecantCore
import Foundation

/// The subset of Storage Transfer Service REST v1 decant uses, over the same HTTP
/// transport, credential chain (scope cloud-platform) and retry rules as `GCSStore`.
///
/// Retries (GCS.md §Rates and retries, applied to this API): reads and `patch` are
/// idempotent; `create` is too because decant always names its jobs (a retried create
/// whose first attempt succeeded answers 409, which `ensureJob` resolves by reading the
/// job); `run` is not (a second run while the first one's operation is active is an
/// error, and a lost answer is resolved by `start`, which compares the job's
/// `latestOperationName` before and after). A 429 is retried for any call: the quota
/// check refused it before anything was done. Reads and creates are paced under the
/// project's quotas (`TransferQuotas`).
public struct TransferClient: Sendable {
    public let endpoint: TransferEndpoint
    /// Every call names it (`projectId` in queries, bodies and list filters).
    public let projectId: String
    private let client: GCSClient
    private let reads: TransferPacer
    private let creates: TransferPacer

    /// - Parameters:
    ///   - tokens: bearer tokens (`GoogleCredentials.discover()`); not used for a test server.
    ///   - quotas: how fast reads and creates may go (`.unlimited` for a local test server).
    ///   - observer: told of retries.
    public init(endpoint: TransferEndpoint = .production, projectId: String, tokens: (any TokenProvider)?,
                transport: any HTTPTransport = HTTPTransports.standard(maxConnectionsPerHost: 8),
                retry: RetryPolicy = .standard, quotas: TransferQuotas = .standard,
                observer: (@Sendable (GCSEvent) -> Void)? = nil) {
        self.endpoint = endpoint
        self.projectId = projectId
        client = GCSClient(endpoint: GCSEndpoint(baseURL: endpoint.baseURL, isEmulator: endpoint.isTestServer),
                           transport: transport, tokens: endpoint.isTestServer ? nil : tokens, retry: retry,
                           observer: observer, health: nil)
        reads = TransferPacer(perMinute: quotas.readsPerMinute, now: quotas.now, sleep: quotas.sleep)
        creates = TransferPacer(perMinute: quotas.createsPerMinute, now: quotas.now, sleep: quotas.sleep)
    }

    /// The client for `projectId` as the environment describes it: the endpoint from
    /// `endpoint` or `DECANT_TRANSFER_ENDPOINT` (else production), credentials from the
    /// usual chain unless the endpoint is a local test server.
    public static func fromEnvironment(projectId: String, endpoint: String? = nil,
                                       environment: [String: String] = ProcessInfo.processInfo.environment,
                                       transport: (any HTTPTransport)? = nil) throws -> TransferClient {
        let resolved = try TransferEndpoint.resolve(explicit: endpoint, environment: environment)
        let transport = transport ?? HTTPTransports.standard(maxConnectionsPerHost: 8, environment: environment)
        let tokens = resolved.isTestServer ? nil : try GoogleCredentials.discover(environment: environment, transport: transport)
        return TransferClient(endpoint: resolved, projectId: projectId, tokens: tokens, transport: transport)
    }

    // MARK: - transferJobs

    /// `transferJobs.create`. The job is checked first (`TransferJobRules`): an invalid
    /// one throws `invalidTransferJob` without a request. A taken name throws
    /// `transferJobExists` (`ensureJob` turns that into the existing job).
    public func createJob(_ job: TransferJob) async throws(StoreError) -> TransferJob {
        var job = job
        job.projectId = projectId  // the client's project, like every other call
        let problems = TransferJobRules.problems(in: job)
        guard problems.isEmpty else { throw .invalidTransferJob(job: job.name, problems: problems) }
        let name = job.name ?? ""
        await creates.acquire()
        do {
            return try await send(TransferJob.self, "transferJobs.create", method: "POST", path: "/v1/transferJobs",
                                  body: TransferCoding.encode(job), idempotent: true, about: name)
        } catch .conflict {
            throw .transferJobExists(job: name)
        } catch .invalid(_, _, let detail) {
            throw .invalidTransferJob(job: name, problems: [detail])
        }
    }

    /// `transferJobs.get`; `transferNotFound` when there is no such job in the project.
    public func getJob(_ name: String) async throws(StoreError) -> TransferJob {
        await reads.acquire()
        return try await send(TransferJob.self, "transferJobs.get", method: "GET", path: try path(name),
                              query: [("projectId", projectId)], idempotent: true, about: name)
    }

    /// The fields `transferJobs.patch` may change.
    public enum JobField: String, Sendable, CaseIterable {
        case description, transferSpec, schedule, status
    }

    /// `transferJobs.patch`: sets `fields` of the job to their values in `update`
    /// (a new transfer spec for the next run, or `status: DELETED` once done).
    public func patchJob(_ name: String, _ update: TransferJob, fields: [JobField]) async throws(StoreError) -> TransferJob {
        if fields.contains(.transferSpec) {
            let problems = update.transferSpec.map(TransferJobRules.specProblems) ?? ["the job has no transferSpec"]
            guard problems.isEmpty else { throw .invalidTransferJob(job: name, problems: problems) }
        }
        var job = update
        job.name = name
        job.projectId = projectId
        let body = PatchBody(projectId: projectId, transferJob: job,
                             updateTransferJobFieldMask: fields.map(\.rawValue).joined(separator: ","))
        do {
            return try await send(TransferJob.self, "transferJobs.patch", method: "PATCH", path: try path(name),
                                  body: TransferCoding.encode(body), idempotent: true, about: name)
        } catch .invalid(_, _, let detail) {
            throw .invalidTransferJob(job: name, problems: [detail])
        }
    }

    /// `transferJobs.run`: starts an operation. While one is still active the
    /// service refuses; that refusal is recognised by reading the job and its latest
    /// operation, whatever its wording, and thrown as `transferOperationActive`.
    public func runJob(_ name: String) async throws(StoreError) -> LongRunningOperation {
        let body = TransferCoding.encode(["projectId": projectId])
        do {
            return try await send(LongRunningOperation.self, "transferJobs.run", method: "POST",
                                  path: try path(name) + ":run", body: body, idempotent: false, about: name)
        } catch {
            switch error {
            case .invalid, .conflict, .preconditionFailed:
                if let active = try? await activeOperation(of: name) {
                    throw .transferOperationActive(job: name, operation: active)
                }
            default: break
            }
            throw error
        }
    }

    // MARK: - transferOperations

    /// `transferOperations.get`.
    public func getOperation(_ name: String) async throws(StoreError) -> LongRunningOperation {
        await reads.acquire()
        return try await send(LongRunningOperation.self, "transferOperations.get", method: "GET", path: try path(name),
                              idempotent: true, about: name)
    }

    /// `transferOperations.list` with a filter, every page (one read per page).
    public func listOperations(jobNames: [String]? = nil, operationNames: [String]? = nil,
                               statuses: [TransferOperationStatus]? = nil,
                               pageSize: Int = 256) async throws(StoreError) -> [LongRunningOperation] {
        let filter = OperationFilter(projectId: projectId, jobNames: jobNames, operationNames: operationNames,
                                     transferStatuses: statuses)
        let filterText = String(decoding: TransferCoding.encode(filter), as: UTF8.self)
        var operations: [LongRunningOperation] = []
        var token: String?
        repeat {
            var query = [("filter", filterText), ("pageSize", String(pageSize))]
            if let token { query.append(("pageToken", token)) }
            await reads.acquire()
            let page = try await send(OperationPage.self, "transferOperations.list", method: "GET",
                                      path: "/v1/transferOperations", query: query, idempotent: true,
                                      about: "transferOperations")
            operations += page.operations ?? []
            token = page.nextPageToken?.nonEmpty
        } while token != nil
        return operations
    }

    // MARK: - What the engine calls

    /// The outcome of `ensureJob`.
    public struct JobLookup: Hashable, Sendable {
        public var job: TransferJob
        /// Made by this call; otherwise found (made by an earlier, maybe killed, apply).
        public var created: Bool
        /// The job asks for the transfer the caller wanted (same normalized spec) and
        /// is not DELETED. When false, the caller patches the spec or reports the job.
        public var matchesRequest: Bool
    }

    /// Creates `job`, or finds it when its name is taken (a resumed apply: the job and
    /// its `latestOperationName` come back instead of a second job).
    public func ensureJob(_ job: TransferJob) async throws(StoreError) -> JobLookup {
        do {
            let created = try await createJob(job)
            return JobLookup(job: created, created: true, matchesRequest: true)
        } catch .transferJobExists(let name) {
            let found = try await getJob(name)
            let same = found.transferSpec?.normalized == job.transferSpec?.normalized && found.status != .deleted
            return JobLookup(job: found, created: false, matchesRequest: same)
        }
    }

    /// An operation `start` began, or found running.
    public struct Started: Hashable, Sendable {
        public var operation: LongRunningOperation
        /// Not begun by this call: already running, or begun by an attempt whose answer was lost.
        public var attached: Bool
    }

    /// Runs the job, or attaches to the operation it is already running. When the
    /// answer to `run` is lost, the job's `latestOperationName` before and after tells
    /// whether the run took.
    public func start(_ job: String) async throws(StoreError) -> Started {
        let before = try await getJob(job).latestOperationName
        do {
            return Started(operation: try await runJob(job), attached: false)
        } catch .transferOperationActive(_, let operation) {
            return Started(operation: try await getOperation(operation), attached: true)
        } catch {
            guard case .transient = error, let after = try await getJob(job).latestOperationName, after != before else {
                throw error
            }
            return Started(operation: try await getOperation(after), attached: true)
        }
    }

    /// Polls the operation until it ends (SUCCESS, FAILED or ABORTED) and returns it
    /// as it ended; `progress` sees every poll. Stops with `transient` when the task
    /// is cancelled (the operation goes on: watch it again later).
    public func waitUntilDone(_ operation: String, poll: TransferPollPolicy = .standard,
                              progress: (@Sendable (LongRunningOperation) -> Void)? = nil)
    async throws(StoreError) -> LongRunningOperation {
        var wait: Double?
        var lastCounters: TransferCounters?
        while true {
            let current = try await getOperation(operation)
            progress?(current)
            if current.isDone { return current }
            let counters = current.metadata?.counters ?? TransferCounters()
            wait = poll.next(after: wait, progressed: counters != lastCounters)
            lastCounters = counters
            await poll.sleep(wait ?? poll.initialInterval)
            if Task.isCancelled {
                throw .transient(bucket: nil, object: nil, detail: "stopped watching \(operation): the task was cancelled")
            }
        }
    }

    /// The name of the job's latest operation when it is still running, else nil.
    public func activeOperation(of job: String) async throws(StoreError) -> String? {
        guard let latest = try await getJob(job).latestOperationName else { return nil }
        return try await getOperation(latest).isDone ? nil : latest
    }

    // MARK: - Calls

    private struct PatchBody: Encodable {
        var projectId: String
        var transferJob: TransferJob
        var updateTransferJobFieldMask: String
    }

    private struct OperationFilter: Encodable {
        var projectId: String
        var jobNames: [String]?
        var operationNames: [String]?
        var transferStatuses: [TransferOperationStatus]?
    }

    private struct OperationPage: Decodable {
        var operations: [LongRunningOperation]?
        var nextPageToken: String?
    }

    /// `/v1/transferJobs/<id>` for `transferJobs/<id>` (and operations alike).
    private func path(_ name: String) throws(StoreError) -> String {
        let parts = name.split(separator: "/", maxSplits: 1).map(String.init)
        guard parts.count == 2, ["transferJobs", "transferOperations"].contains(parts[0]), !parts[1].isEmpty else {
            throw .invalid(bucket: nil, object: nil, detail: "'\(name)' is not a transferJobs/… or transferOperations/… name")
        }
        return "/v1/\(parts[0])/" + GCSPath.segment(parts[1])
    }

    /// One call: sent with auth and retries by the shared client, its answer decoded;
    /// errors say which call and which job or operation they are about.
    private func send<T: Decodable>(_ type: T.Type, _ what: String, method: String, path: String,
                                    query: [(String, String)] = [], body: Data? = nil, idempotent: Bool,
                                    about name: String) async throws(StoreError) -> T {
        let call = GCSCall(method: method, path: path, query: query, body: body,
                           contentType: body == nil ? nil : "application/json", idempotent: idempotent)
        let response: HTTPResponse
        do {
            response = try await client.execute(call)
        } catch {
            throw Self.relabel(error, call: what, name: name)
        }
        do {
            return try TransferCoding.decode(T.self, from: response.body)
        } catch {
            throw .transient(bucket: nil, object: nil,
                             detail: "Storage Transfer Service \(what) \(name): unreadable answer (\(response.body.count) bytes)")
        }
    }

    /// The shared client's errors speak of buckets; these speak of jobs and operations.
    private static func relabel(_ error: StoreError, call: String, name: String) -> StoreError {
        let prefix = "Storage Transfer Service \(call) \(name): "
        switch error {
        case .notFound: return .transferNotFound(name: name)
        case let .preconditionFailed(_, _, detail): return .preconditionFailed(bucket: "", object: nil, detail: prefix + detail)
        case let .conflict(_, _, detail): return .conflict(bucket: "", object: nil, detail: prefix + detail)
        case let .rateLimited(_, _, detail): return .rateLimited(bucket: nil, object: nil, detail: prefix + detail)
        case let .transient(_, _, detail): return .transient(bucket: nil, object: nil, detail: prefix + detail)
        case let .permissionDenied(_, _, detail): return .permissionDenied(bucket: nil, object: nil, detail: prefix + detail)
        case let .invalid(_, _, detail): return .invalid(bucket: nil, object: nil, detail: prefix + detail)
        case .transferNotFound, .transferJobExists, .transferOperationActive, .invalidTransferJob, .unavailable: return error
        }
    }
}
