import DecantCore
import CCurl
import Foundation

/// `HTTPTransport` over libcurl's multi interface, driven by one thread of its own
/// that sleeps in `curl_multi_poll` until a socket is ready, a timer is due or a
/// request arrives: no busy waiting while requests are outstanding (FoundationNetworking's
/// URLSession on Linux wakes up thousands of times a second then).
///
/// Keep-alive connections are kept by the multi handle and reused; at most
/// `maxConnectionsPerHost` requests run against one host at once, the others wait
/// in line here (so that their idle timeout only starts once they have a connection).
public final class CurlMultiTransport: HTTPTransport {
    private let loop: CurlLoop
    private let requestTimeout: TimeInterval

    /// - Parameters:
    ///   - maxConnectionsPerHost: connections kept open to one host (GCS calls are
    ///     latency-bound: concurrency decides throughput).
    ///   - requestTimeout: seconds without data before a request times out (a
    ///     request's own `timeout` replaces it).
    ///   - resourceTimeout: seconds a whole request (a large download) may take.
    public init(maxConnectionsPerHost: Int = 64, requestTimeout: TimeInterval = 60, resourceTimeout: TimeInterval = 3600) {
        self.requestTimeout = requestTimeout
        loop = CurlLoop(maxConnectionsPerHost: max(1, maxConnectionsPerHost), resourceTimeout: resourceTimeout)
        let loop = self.loop
        let thread = Thread { loop.run() }
        thread.name = "decant-curl"
        thread.start()
    }

    deinit { loop.shutDown() }

    public func send(_ request: HTTPRequest) async throws(HTTPTransportError) -> HTTPResponse {
        let transfer = CurlTransfer(request: request, idleTimeout: request.timeout ?? requestTimeout)
        let loop = self.loop
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                transfer.continuation = continuation
                loop.submit(transfer)
            }
        } onCancel: {
            loop.cancel(transfer)
        }
        return try result.get()
    }

    /// Maps libcurl's result codes onto what retrying needs to know, as
    /// `URLSessionTransport.classify` does for URLSession's; the message names the
    /// host and path only (a query string could carry a secret).
    static func classify(_ code: CURLcode, url: URL) -> HTTPTransportError {
        let reason = curl_easy_strerror(code).map { String(cString: $0) } ?? "error"
        let detail = "\(Redaction.safeURL(url)): curl error \(code.rawValue) (\(reason))"
        switch code {
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return .cannotConnect(detail)
        case CURLE_GOT_NOTHING, CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_PARTIAL_FILE,
             CURLE_WEIRD_SERVER_REPLY, CURLE_SSL_CONNECT_ERROR, CURLE_HTTP2, CURLE_HTTP2_STREAM:
            return .connectionLost(detail)
        case CURLE_OPERATION_TIMEDOUT:
            return .timedOut(detail)
        default:
            return .other(detail)
        }
    }
}

/// libcurl wants `curl_global_init` once, before any other thread uses it.
private let curlGlobalInit: CURLcode = decant_curl_global_init()

private func monotonicNanoseconds() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

/// One request on its way: what was asked, the response as it arrives, and the
/// continuation of the task waiting for it.
///
/// `@unchecked Sendable`: the sending task fills `continuation` before `submit`
/// hands the transfer to the loop under the loop's lock; from then on every
/// stored property but `cancelRequested` is read and written only on the loop's
/// thread (libcurl calls the callbacks from `curl_multi_perform` there), and
/// `cancelRequested` and `submitted` only under the loop's lock.
final class CurlTransfer: @unchecked Sendable {
    typealias Continuation = CheckedContinuation<Result<HTTPResponse, HTTPTransportError>, Never>

    let request: HTTPRequest
    let idleTimeout: TimeInterval
    /// `scheme://host:port`: the unit of the per-host connection limit.
    let hostKey: String
    var continuation: Continuation?

    // Loop thread only.
    var handle: UnsafeMutableRawPointer?
    var headerList: UnsafeMutablePointer<curl_slist>?
    var headers: [String: String] = [:]
    var body = Data()
    var uploadOffset = 0
    var lastActivity: UInt64 = 0
    var finished = false

    // Under the loop's lock.
    var cancelRequested = false
    var submitted = false

    init(request: HTTPRequest, idleTimeout: TimeInterval) {
        self.request = request
        self.idleTimeout = idleTimeout
        let url = request.url
        hostKey = "\(url.scheme ?? "http")://\(url.host ?? ""):\(url.port ?? (url.scheme == "https" ? 443 : 80))"
    }

    func touch() { lastActivity = monotonicNanoseconds() }

    /// A response header line, or the status line that starts a new response
    /// (after a `100 Continue` the headers start over).
    func addHeaderLine(_ line: String) {
        if line.hasPrefix("HTTP/") {
            headers = [:]
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
        let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
        if let earlier = headers[name] {
            headers[name] = earlier + ", " + value
        } else {
            headers[name] = value
        }
    }
}

/// The multi handle and the thread that drives it.
///
/// `@unchecked Sendable`: `inbox`, `cancellations`, `stopping` and `closed` are
/// only touched under `lock`; everything else (the multi handle, the running and
/// waiting transfers, the spare easy handles) only on the loop's own thread,
/// which `run()` is. `curl_multi_wakeup` is the one libcurl call made from other
/// threads, which libcurl allows, and only under `lock` while the multi handle
/// is not yet cleaned up (`closed` false).
final class CurlLoop: @unchecked Sendable {
    private let lock = NSLock()
    private var inbox: [CurlTransfer] = []
    private var cancellations: [CurlTransfer] = []
    private var stopping = false
    private var closed = false
    private let exited = DispatchSemaphore(value: 0)

    private let multi: UnsafeMutableRawPointer?
    private let maxConnectionsPerHost: Int
    private let resourceTimeout: TimeInterval
    private var running: [UnsafeMutableRawPointer: CurlTransfer] = [:]
    private var runningPerHost: [String: Int] = [:]
    private var waiting: [String: [CurlTransfer]] = [:]
    private var spareHandles: [UnsafeMutableRawPointer] = []

    init(maxConnectionsPerHost: Int, resourceTimeout: TimeInterval) {
        _ = curlGlobalInit
        self.maxConnectionsPerHost = maxConnectionsPerHost
        self.resourceTimeout = resourceTimeout
        multi = curl_multi_init()
        if let multi {
            _ = decant_curl_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, maxConnectionsPerHost)
            // decant talks to one storage host and one token host: a few hosts' worth.
            let total = maxConnectionsPerHost * 4
            _ = decant_curl_multi_setopt_long(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, total)
            // Keep every connection of a full-width burst open for the next one.
            _ = decant_curl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, total)
        }
    }

    private func locked<T>(_ body: () -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body()
    }

    /// Hands a transfer to the loop (any thread).
    func submit(_ transfer: CurlTransfer) {
        let accepted = locked { () -> Bool in
            guard !closed, !stopping else { return false }
            transfer.submitted = true
            inbox.append(transfer)
            wakeUp()
            return true
        }
        if !accepted {
            transfer.continuation?.resume(returning: .failure(.other("\(Redaction.safeURL(transfer.request.url)): the HTTP transport is shut down")))
            transfer.continuation = nil
        }
    }

    /// Asks the loop to stop a transfer (any thread); it fails as cancelled.
    func cancel(_ transfer: CurlTransfer) {
        locked {
            transfer.cancelRequested = true
            // A task cancelled before it sent runs this before `submit`: the loop
            // then finds the flag when the transfer arrives and fails it there, once
            // its continuation is set. Stopping it now would leave that task waiting.
            guard !closed, transfer.submitted else { return }
            cancellations.append(transfer)
            wakeUp()
        }
    }

    /// Stops the loop and waits for it to fail what is left and free libcurl's handles.
    func shutDown() {
        let running = locked { () -> Bool in
            guard !closed else { return false }
            stopping = true
            wakeUp()
            return true
        }
        if running { exited.wait() }
    }

    /// Under `lock`.
    private func wakeUp() {
        if let multi { _ = curl_multi_wakeup(multi) }
    }

    // MARK: - The loop's thread

    func run() {
        guard let multi else {
            locked { closed = true }
            failEverything(HTTPTransportError.other)
            exited.signal()
            return
        }
        while true {
            let (arrived, cancelled, shouldStop) = locked { () -> ([CurlTransfer], [CurlTransfer], Bool) in
                // A transfer cancelled before the loop saw it is failed rather than started.
                let arrived = inbox.filter { !$0.cancelRequested }
                let cancelled = inbox.filter(\.cancelRequested) + cancellations
                inbox.removeAll()
                cancellations.removeAll()
                return (arrived, cancelled, stopping)
            }
            if shouldStop { break }
            for transfer in arrived {
                waiting[transfer.hostKey, default: []].append(transfer)
                admit(transfer.hostKey)
            }
            for transfer in cancelled { stop(transfer, .other("\(Redaction.safeURL(transfer.request.url)): cancelled")) }

            var stillRunning: Int32 = 0
            _ = curl_multi_perform(multi, &stillRunning)
            collectFinished(multi)
            let wait = expireIdle()
            _ = curl_multi_poll(multi, nil, 0, wait, nil)
        }
        locked { closed = true }
        failEverything { .other("\($0): the HTTP transport shut down") }
        for handle in spareHandles { curl_easy_cleanup(handle) }
        spareHandles.removeAll()
        curl_multi_cleanup(multi)
        exited.signal()
    }

    /// Starts waiting transfers of a host while it has connections to spare.
    private func admit(_ hostKey: String) {
        while runningPerHost[hostKey, default: 0] < maxConnectionsPerHost, var queue = waiting[hostKey], !queue.isEmpty {
            let transfer = queue.removeFirst()
            waiting[hostKey] = queue.isEmpty ? nil : queue
            start(transfer)
        }
    }

    private func start(_ transfer: CurlTransfer) {
        guard let multi, let handle = spareHandles.popLast() ?? curl_easy_init() else {
            finish(transfer, .failure(.other("\(Redaction.safeURL(transfer.request.url)): cannot create a libcurl handle")))
            return
        }
        transfer.handle = handle
        let configured = configure(handle, for: transfer)
        guard configured == CURLE_OK, curl_multi_add_handle(multi, handle) == CURLM_OK else {
            release(transfer)
            finish(transfer, .failure(.other("\(Redaction.safeURL(transfer.request.url)): cannot set up the request (curl error \(configured.rawValue))")))
            return
        }
        transfer.touch()
        running[handle] = transfer
        runningPerHost[transfer.hostKey, default: 0] += 1
    }

    private func configure(_ handle: UnsafeMutableRawPointer, for transfer: CurlTransfer) -> CURLcode {
        let request = transfer.request
        let me = Unmanaged.passUnretained(transfer).toOpaque()
        var results: [CURLcode] = []
        func long(_ option: CURLoption, _ value: Int) { results.append(decant_curl_setopt_long(handle, option, value)) }
        func string(_ option: CURLoption, _ value: String) {
            results.append(value.withCString { decant_curl_setopt_string(handle, option, $0) })  // libcurl copies strings
        }

        string(CURLOPT_URL, request.url.absoluteString)
        string(CURLOPT_PROTOCOLS_STR, "http,https")
        long(CURLOPT_NOSIGNAL, 1)
        long(CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_1_1))
        long(CURLOPT_TCP_KEEPALIVE, 1)
        long(CURLOPT_TIMEOUT_MS, Int(min(resourceTimeout, 86_400 * 30) * 1000))
        long(CURLOPT_CONNECTTIMEOUT_MS, max(1, Int(min(transfer.idleTimeout, 86_400) * 1000)))

        results.append(decant_curl_setopt_ptr(handle, CURLOPT_WRITEDATA, me))
        results.append(decant_curl_setopt_data_callback(handle, CURLOPT_WRITEFUNCTION) { buffer, size, count, me in
            guard let me else { return 0 }
            let transfer = Unmanaged<CurlTransfer>.fromOpaque(me).takeUnretainedValue()
            let length = size * count
            if let buffer, length > 0 {
                transfer.body.append(UnsafeRawPointer(buffer).assumingMemoryBound(to: UInt8.self), count: length)
            }
            transfer.touch()
            return length
        })
        results.append(decant_curl_setopt_ptr(handle, CURLOPT_HEADERDATA, me))
        results.append(decant_curl_setopt_data_callback(handle, CURLOPT_HEADERFUNCTION) { buffer, size, count, me in
            guard let me else { return 0 }
            let transfer = Unmanaged<CurlTransfer>.fromOpaque(me).takeUnretainedValue()
            let length = size * count
            if let buffer, length > 0 {
                let bytes = UnsafeRawBufferPointer(start: buffer, count: length)
                transfer.addHeaderLine(String(decoding: bytes, as: UTF8.self))
            }
            transfer.touch()
            return length
        })

        let method = request.method.uppercased()
        var headerLines: [String] = []
        if request.body != nil || ["POST", "PUT", "PATCH"].contains(method) {
            // A body (maybe empty: Content-Length 0) through the read callback,
            // which libcurl can rewind when it resends on a fresh connection.
            long(CURLOPT_POST, 1)
            results.append(decant_curl_setopt_off_t(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body?.count ?? 0)))
            results.append(decant_curl_setopt_ptr(handle, CURLOPT_READDATA, me))
            results.append(decant_curl_setopt_data_callback(handle, CURLOPT_READFUNCTION) { buffer, size, count, me in
                guard let me, let buffer else { return 0 }
                let transfer = Unmanaged<CurlTransfer>.fromOpaque(me).takeUnretainedValue()
                guard let body = transfer.request.body else { return 0 }
                let length = min(size * count, body.count - transfer.uploadOffset)
                guard length > 0 else { return 0 }
                let start = body.startIndex + transfer.uploadOffset
                body.copyBytes(to: UnsafeMutableRawPointer(buffer).assumingMemoryBound(to: UInt8.self), from: start..<(start + length))
                transfer.uploadOffset += length
                transfer.touch()
                return length
            })
            results.append(decant_curl_setopt_ptr(handle, CURLOPT_SEEKDATA, me))
            results.append(decant_curl_setopt_seek_callback(handle) { me, offset, origin in
                guard let me, origin == SEEK_SET else { return Int32(CURL_SEEKFUNC_CANTSEEK) }
                let transfer = Unmanaged<CurlTransfer>.fromOpaque(me).takeUnretainedValue()
                guard offset >= 0, offset <= transfer.request.body?.count ?? 0 else { return Int32(CURL_SEEKFUNC_FAIL) }
                transfer.uploadOffset = Int(offset)
                return Int32(CURL_SEEKFUNC_OK)
            })
            if method != "POST" { string(CURLOPT_CUSTOMREQUEST, method) }
            // No `Expect: 100-continue` round trip before large bodies, and no
            // form content type unless the caller says so.
            headerLines.append("Expect:")
            if !request.headers.keys.contains(where: { $0.lowercased() == "content-type" }) { headerLines.append("Content-Type:") }
        } else if method == "HEAD" {
            long(CURLOPT_NOBODY, 1)
        } else {
            long(CURLOPT_HTTPGET, 1)
            if method != "GET" { string(CURLOPT_CUSTOMREQUEST, method) }
        }

        for (name, value) in request.headers {
            // libcurl computes the length itself.
            if name.lowercased() == "content-length" { continue }
            headerLines.append(value.isEmpty ? "\(name);" : "\(name): \(value)")
        }
        var list: UnsafeMutablePointer<curl_slist>?
        for line in headerLines { list = curl_slist_append(list, line) }
        transfer.headerList = list
        if let list { results.append(decant_curl_setopt_slist(handle, CURLOPT_HTTPHEADER, list)) }

        return results.first { $0 != CURLE_OK } ?? CURLE_OK
    }

    private func collectFinished(_ multi: UnsafeMutableRawPointer) {
        var left: Int32 = 0
        while let message = curl_multi_info_read(multi, &left) {
            guard decant_curl_msg_is_done(message) != 0, let handle = message.pointee.easy_handle,
                  let transfer = running[handle] else { continue }
            let code = decant_curl_msg_result(message)
            var result: Result<HTTPResponse, HTTPTransportError>
            if code == CURLE_OK {
                var status = 0
                _ = decant_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
                result = .success(HTTPResponse(status: status, headers: transfer.headers, body: transfer.body))
            } else {
                result = .failure(CurlMultiTransport.classify(code, url: transfer.request.url))
            }
            stop(transfer, nil)
            finish(transfer, result)
        }
    }

    /// Fails running transfers that went `idleTimeout` without data; the
    /// milliseconds until the next one would (what `curl_multi_poll` may sleep).
    private func expireIdle() -> Int32 {
        guard !running.isEmpty else { return 3_600_000 }
        let now = monotonicNanoseconds()
        var next = UInt64(3_600_000) * 1_000_000
        for transfer in Array(running.values) {
            let limit = UInt64(max(0, min(transfer.idleTimeout, 86_400)) * 1e9)
            let idle = now &- transfer.lastActivity
            if idle >= limit {
                stop(transfer, .timedOut("\(Redaction.safeURL(transfer.request.url)): no data for \(transfer.idleTimeout) s"))
            } else {
                next = min(next, limit - idle)
            }
        }
        return Int32(min(3_600_000, next / 1_000_000 + 1))
    }

    /// Takes a transfer out of the loop, running or waiting; with an error, fails it.
    private func stop(_ transfer: CurlTransfer, _ error: HTTPTransportError?) {
        guard !transfer.finished else { return }
        if transfer.handle != nil {
            release(transfer)
            admit(transfer.hostKey)
        } else if var queue = waiting[transfer.hostKey], let index = queue.firstIndex(where: { $0 === transfer }) {
            queue.remove(at: index)
            waiting[transfer.hostKey] = queue.isEmpty ? nil : queue
        }
        if let error { finish(transfer, .failure(error)) }
    }

    /// Detaches a transfer from its easy handle, which is kept for the next request.
    private func release(_ transfer: CurlTransfer) {
        guard let handle = transfer.handle else { return }
        if running.removeValue(forKey: handle) != nil {
            if let multi { _ = curl_multi_remove_handle(multi, handle) }
            runningPerHost[transfer.hostKey, default: 1] -= 1
        }
        curl_easy_reset(handle)
        if spareHandles.count < maxConnectionsPerHost * 4 {
            spareHandles.append(handle)
        } else {
            curl_easy_cleanup(handle)
        }
        transfer.handle = nil
        curl_slist_free_all(transfer.headerList)
        transfer.headerList = nil
    }

    private func finish(_ transfer: CurlTransfer, _ result: Result<HTTPResponse, HTTPTransportError>) {
        guard !transfer.finished else { return }
        transfer.finished = true
        transfer.body = Data()
        transfer.continuation?.resume(returning: result)
        transfer.continuation = nil
    }

    private func failEverything(_ error: (String) -> HTTPTransportError) {
        let leftover = locked { () -> [CurlTransfer] in
            defer { inbox.removeAll() }
            return inbox
        }
        let all = Array(running.values) + waiting.values.flatMap { $0 } + leftover
        for transfer in all {
            release(transfer)
            finish(transfer, .failure(error(Redaction.safeURL(transfer.request.url))))
        }
        waiting.removeAll()
    }
}
