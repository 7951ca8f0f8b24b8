import DecantCore
import Foundation

/// `ObjectStore` over the GCS JSON API (or an emulator), without an SDK.
///
/// Retries follow GCS.md §Rates and retries: 408, 429, 5xx, timeouts and resets,
/// with truncated exponential backoff and full jitter, and a mutation only when it
/// is idempotent: by precondition (`ifGenerationMatch`, `ifMetagenerationMatch`) or
/// by nature (a GET, a delete of a named generation or bucket).
///
/// A retried call whose first attempt did succeed can then fail: a copy with
/// `ifGenerationMatch=0` gets 412 because its own first attempt created the
/// target. The store cannot tell that from a real conflict; the caller (the
/// engine) heads the target and compares it with the source. Such errors say
/// "on attempt N" in their detail. A retried delete that gets 404 is reported
/// as done.
public final class GCSStore: ObjectStore {
    public let endpoint: GCSEndpoint
    public let profile: GCSProfile
    /// The project new buckets go to when `createBucket` names none.
    public let project: String?
    let client: GCSClient

    public var capabilities: StoreCapabilities { profile.capabilities }

    /// - Parameters:
    ///   - endpoint: where the API is (`GCSEndpoint.resolve`); an emulator gets no token.
    ///   - profile: the server's known gaps (emulators); `.gcs` for the real service.
    ///   - tokens: bearer tokens (`GoogleCredentials.discover()`); nil sends none.
    ///   - transport: the HTTP client (`HTTPTransports.standard()` unless replaced).
    ///   - retry: backoff and limits (tests inject short delays).
    ///   - observer: told of retries (progress, logs, tests).
    ///   - health: when the endpoint counts as down (one per store unless given).
    public init(endpoint: GCSEndpoint = .production, profile: GCSProfile = .gcs, project: String? = nil,
                tokens: (any TokenProvider)?, transport: any HTTPTransport = HTTPTransports.standard(),
                retry: RetryPolicy = .standard, observer: (@Sendable (GCSEvent) -> Void)? = nil,
                health: EndpointHealth? = nil) {
        self.endpoint = endpoint
        self.profile = profile
        self.project = project
        client = GCSClient(endpoint: endpoint, transport: transport, tokens: endpoint.isEmulator ? nil : tokens,
                           retry: retry, observer: observer,
                           health: health ?? EndpointHealth(endpoint: Redaction.safeURL(endpoint.baseURL)))
    }

    /// Set once the endpoint is judged down: no call is sent from then on.
    public var unavailable: StoreError? { client.health?.unavailable }

    /// The store as a plan's `storage:` section and the environment describe it:
    /// endpoint from `endpoint` (the plan), `DECANT_GCS_ENDPOINT`, `STORAGE_EMULATOR_HOST`
    /// or production; credentials discovered only for a non-emulator endpoint.
    public static func fromEnvironment(endpoint: String? = nil, project: String? = nil, profile: GCSProfile = .gcs,
                                       environment: [String: String] = ProcessInfo.processInfo.environment,
                                       transport: (any HTTPTransport)? = nil,
                                       observer: (@Sendable (GCSEvent) -> Void)? = nil) throws -> GCSStore {
        var resolved = try GCSEndpoint.resolve(explicit: endpoint, environment: environment)
        // A plan that names its emulator (`storage.emulator`) sends it no credential, wherever it runs.
        if profile != .gcs { resolved.isEmulator = true }
        if !resolved.isEmulator, let refusal = CredentialTransport.refusal(sending: "Google credentials", to: resolved.baseURL) {
            throw StoreError.invalid(bucket: nil, object: nil, detail: refusal)
        }
        // One transport (one libcurl thread) for the storage calls and the token calls.
        let transport = transport ?? HTTPTransports.standard(environment: environment)
        let tokens = resolved.isEmulator ? nil : try GoogleCredentials.discover(environment: environment, transport: transport)
        return GCSStore(endpoint: resolved, profile: profile, project: project, tokens: tokens, transport: transport,
                        observer: observer)
    }

    // MARK: - Buckets

    public func getBucket(_ name: String) async throws(StoreError) -> BucketInfo? {
        let call = GCSCall(method: "GET", path: GCSPath.bucket(name), idempotent: true, bucket: name)
        do {
            return try await decode(GCSBucketJSON.self, call).info
        } catch .notFound {
            return nil
        }
    }

    public func createBucket(_ name: String, project: String?, settings: BucketSettings) async throws(StoreError) -> BucketInfo {
        var query: [(String, String)] = []
        if let project = project ?? self.project { query.append(("project", project)) }
        // Not retried: a retry after a lost success would answer 409 for our own bucket.
        let call = GCSCall(method: "POST", path: GCSPath.buckets(), query: query,
                           body: GCSBucketJSON.insertBody(name: name, settings: settings).data,
                           contentType: "application/json", idempotent: false, bucket: name)
        return try await decode(GCSBucketJSON.self, call).info
    }

    public func patchBucket(_ name: String, _ patch: BucketPatch, ifMetagenerationMatch: Int64?) async throws(StoreError) -> BucketInfo {
        var query: [(String, String)] = []
        if let expected = ifMetagenerationMatch { query.append(("ifMetagenerationMatch", String(expected))) }
        let call = GCSCall(method: "PATCH", path: GCSPath.bucket(name), query: query,
                           body: GCSBucketJSON.patchBody(patch).data, contentType: "application/json",
                           idempotent: ifMetagenerationMatch != nil, bucket: name)
        return try await decode(GCSBucketJSON.self, call).info
    }

    public func deleteBucket(_ name: String) async throws(StoreError) {
        let call = GCSCall(method: "DELETE", path: GCSPath.bucket(name), idempotent: true, bucket: name,
                           doneOnRetry: [404])
        do {
            _ = try await client.execute(call)
        } catch .preconditionFailed(let bucket, let object, let detail) {
            // fake-gcs-server answers 412 where GCS answers 409 for a non-empty bucket.
            throw .conflict(bucket: bucket, object: object, detail: detail)
        }
    }

    // MARK: - Objects

    public func listObjects(_ bucket: String, _ options: ListOptions) -> ObjectPages {
        let lister = GCSLister(client: client, bucket: bucket, options: options, capabilities: capabilities)
        return ObjectPages {
            let cursor = GCSListCursor()
            return { () async throws(StoreError) -> ObjectPage? in try await cursor.next(lister) }
        }
    }

    public func headObject(_ bucket: String, _ name: String, generation: Int64?) async throws(StoreError) -> ObjectRecord? {
        var query: [(String, String)] = []
        if let generation { query.append(("generation", String(generation))) }
        query.append(("fields", GCSObjectJSON.fields))
        let call = GCSCall(method: "GET", path: GCSPath.object(bucket, name), query: query, idempotent: true,
                           bucket: bucket, object: name)
        do {
            let record = try await answer(call, GCSAnswerScanner.object).record
            // Some emulators ignore `generation` and answer with the live one.
            if let generation, record.generation != generation { return nil }
            return record
        } catch .notFound {
            return nil
        }
    }

    public func copyObject(_ request: CopyRequest) async throws(StoreError) -> ObjectRecord {
        if let problem = ObjectName.problem(request.targetName) {
            throw .invalid(bucket: request.targetBucket, object: request.targetName, detail: "object name \(problem)")
        }
        var destination: [(String, JSONValue)] = []
        if let storageClass = request.storageClass { destination.append(("storageClass", .string(storageClass.rawValue))) }
        if let customTime = request.customTime { destination.append(("customTime", .string(RFC3339.format(customTime)))) }
        if let metadata = request.metadata {
            destination.append(("metadata", .object(metadata.keys.sorted().map { ($0, .string(metadata[$0] ?? "")) })))
        }
        var base: [(String, String)] = []
        if let target = request.ifTargetGenerationMatch { base.append(("ifGenerationMatch", String(target))) }
        if let source = request.sourceGeneration { base.append(("ifSourceGenerationMatch", String(source))) }
        if let chunk = request.maxBytesPerCall { base.append(("maxBytesRewrittenPerCall", String(chunk))) }
        base.append(("fields", GCSRewriteJSON.fields))
        var token: String?
        for _ in 0..<100_000 {
            var query = base
            if let token { query.append(("rewriteToken", token)) }
            let call = GCSCall(method: "POST", path: GCSPath.rewrite(request), query: query,
                               body: JSONValue.object(destination).data, contentType: "application/json",
                               idempotent: request.ifTargetGenerationMatch != nil, bucket: request.targetBucket,
                               object: request.targetName, missing: (request.sourceBucket, request.sourceName))
            let answer = try await answer(call, GCSAnswerScanner.rewrite)
            if answer.done == true {
                guard let resource = answer.resource else {
                    throw .transient(bucket: request.targetBucket, object: request.targetName,
                                     detail: "rewrite finished without the new object")
                }
                return resource.record
            }
            guard let next = answer.rewriteToken, !next.isEmpty else {
                throw .transient(bucket: request.targetBucket, object: request.targetName,
                                 detail: "rewrite not done and no rewriteToken to continue with")
            }
            token = next
        }
        throw .transient(bucket: request.targetBucket, object: request.targetName, detail: "rewrite never finished")
    }

    public func deleteObject(_ bucket: String, _ name: String, ifGenerationMatch: Int64?) async throws(StoreError) {
        var query: [(String, String)] = []
        if let generation = ifGenerationMatch { query.append(("ifGenerationMatch", String(generation))) }
        let call = GCSCall(method: "DELETE", path: GCSPath.object(bucket, name), query: query,
                           idempotent: ifGenerationMatch != nil, bucket: bucket, object: name, doneOnRetry: [404])
        _ = try await client.execute(call)
    }

    public func upload(_ bucket: String, _ name: String, data: Data, ifGenerationMatch: Int64?, contentType: String?,
                       metadata: [String: String]?) async throws(StoreError) -> ObjectRecord {
        if let problem = ObjectName.problem(name) {
            throw .invalid(bucket: bucket, object: name, detail: "object name \(problem)")
        }
        let mediaType = contentType ?? "application/octet-stream"
        var query: [(String, String)] = []
        let body: Data
        let bodyType: String
        if let metadata {
            var resource: [(String, JSONValue)] = [("name", .string(name)), ("contentType", .string(mediaType))]
            resource.append(("metadata", .object(metadata.keys.sorted().map { ($0, .string(metadata[$0] ?? "")) })))
            (body, bodyType) = MultipartUpload.body(metadata: .object(resource), data: data, contentType: mediaType)
            query.append(("uploadType", "multipart"))
        } else {
            (body, bodyType) = (data, mediaType)
            query += [("uploadType", "media"), ("name", name)]
        }
        if let generation = ifGenerationMatch { query.append(("ifGenerationMatch", String(generation))) }
        query.append(("fields", GCSObjectJSON.fields))
        let call = GCSCall(method: "POST", path: GCSPath.upload(bucket), query: query, body: body, contentType: bodyType,
                           idempotent: ifGenerationMatch != nil, bucket: bucket, object: name)
        return try await answer(call, GCSAnswerScanner.object).record
    }

    /// Reads the metadata, then the bytes of that very generation, and checks them
    /// against its crc32c (an object replaced in between fails as transient).
    public func download(_ bucket: String, _ name: String, generation: Int64?) async throws(StoreError) -> (Data, ObjectRecord) {
        guard let record = try await headObject(bucket, name, generation: generation) else {
            throw .notFound(bucket: bucket, object: name)
        }
        var query = [("alt", "media")]
        if record.generation != 0 { query.append(("generation", String(record.generation))) }
        let call = GCSCall(method: "GET", path: GCSPath.object(bucket, name), query: query, idempotent: true,
                           bucket: bucket, object: name)
        let data = try await client.execute(call).body
        if Int64(data.count) != record.size
            || (record.crc32c.flatMap(CRC32C.decode).map { $0 != CRC32C.checksum(data) } ?? false) {
            throw .transient(bucket: bucket, object: name, detail: "the object changed during the download")
        }
        return (data, record)
    }

    // MARK: - Helpers

    func decode<T: Decodable>(_ type: T.Type, _ call: GCSCall) async throws(StoreError) -> T {
        try await answer(call) { body in try JSONDecoder().decode(T.self, from: body) }
    }

    /// The answer to `call`, read by `read` (`GCSAnswerScanner` for the answers on a
    /// copy's hot path); an answer it cannot read is a transient failure.
    func answer<T>(_ call: GCSCall, _ read: (Data) throws -> T) async throws(StoreError) -> T {
        let response = try await client.execute(call)
        do {
            return try read(response.body)
        } catch {
            throw .transient(bucket: call.bucket, object: call.object,
                             detail: "unreadable answer to \(call.method) (\(response.body.count) bytes)")
        }
    }
}
