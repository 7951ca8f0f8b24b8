import DecantCore
import CCurl
import Foundation

/// `HTTPTransport` over libcurl's multi interface, driven by one thread of its own
/// that sleeps in `poll` until a socket is ready, a timer is due or a request
/// arrives: no busy waiting while requests are outstanding (FoundationNetworking's
/// URLSession on Linux wakes up thousands of times a second then). The loop runs
/// libcurl through `curl_multi_socket_action`, socket by socket: a ready socket
/// costs the work of its own transfer only, where `curl_multi_perform` would walk
/// (and poll) every running transfer on each wake-up, which at 128 transfers in
/// flight was most of decant's CPU per small copy.
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
/// thread (libcurl calls the callbacks from `curl_multi_socket_action` there), and
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

    /// `idleTimeout` in nanoseconds (at most a day).
    var idleLimit: UInt64 { UInt64(max(0, min(idleTimeout, 86_400)) * 1e9) }

    /// `addHeaderLine` on the bytes libcurl hands over: an ASCII line (all that
    /// HTTP servers send in practice) is split and trimmed here, byte by byte, into
    /// the same name and value; any other goes through `addHeaderLine(_: String)`.
    func addHeaderLine(_ bytes: UnsafeRawBufferPointer) {
        guard !bytes.contains(where: { $0 >= 0x80 }) else {
            addHeaderLine(String(decoding: bytes, as: UTF8.self))
            return
        }
        if bytes.starts(with: "HTTP/".utf8) {
            headers = [:]
            return
        }
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")) else { return }
        // `.whitespaces` around the name; `.whitespacesAndNewlines` around the value.
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
        func isSpaceOrNewline(_ byte: UInt8) -> Bool { (0x09...0x0D).contains(byte) || byte == 0x20 }
        var nameStart = 0, nameEnd = colon
        while nameStart < nameEnd, isSpace(bytes[nameStart]) { nameStart += 1 }
        while nameEnd > nameStart, isSpace(bytes[nameEnd - 1]) { nameEnd -= 1 }
        var valueStart = colon + 1, valueEnd = bytes.count
        while valueStart < valueEnd, isSpaceOrNewline(bytes[valueStart]) { valueStart += 1 }
        while valueEnd > valueStart, isSpaceOrNewline(bytes[valueEnd - 1]) { valueEnd -= 1 }
        let name = String(unsafeUninitializedCapacity: nameEnd - nameStart) { out in
            for i in nameStart..<nameEnd {
                let byte = bytes[i]
                out[i - nameStart] = (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte | 0x20 : byte
            }
            return nameEnd - nameStart
        }
        let value = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[valueStart..<valueEnd]).assumingMemoryBound(to: UInt8.self),
                           as: UTF8.self)
        if let earlier = headers[name] {
            headers[name] = earlier + ", " + value
        } else {
            headers[name] = value
        }
    }

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
/// `@unchecked Sendable`: `inbox`, `cancellations`, `stopping`, `closed` and
/// `wakePending` are only touched under `lock`; everything else (the multi handle,
/// the running and waiting transfers, the spare easy handles, the watched sockets
/// and libcurl's timer) only on the loop's own thread, which `run()` is; libcurl
/// calls the socket and timer callbacks from `curl_multi_socket_action`,
/// `curl_multi_add_handle` and `curl_multi_remove_handle` there. Other threads
/// only write a byte into the wake-up pipe, under `lock` while it is open
/// (`closed` false), and at most one byte until the loop has taken the inbox.
final class CurlLoop: @unchecked Sendable {
    private let lock = NSLock()
    private var inbox: [CurlTransfer] = []
    private var cancellations: [CurlTransfer] = []
    private var stopping = false
    private var closed = false
    private var wakePending = false
    private let exited = DispatchSemaphore(value: 0)
    /// Read and write ends of the pipe that wakes the loop from `poll`.
    private var wakePipe: [Int32] = [-1, -1]

    /// The sockets libcurl asked to watch, and the wake-up pipe.
    private var waiter: SocketWaiter?
    /// When libcurl wants `curl_multi_socket_action(CURL_SOCKET_TIMEOUT)` (monotonic ns).
    private var timerDue: UInt64?
    /// No running transfer can go idle for too long before this (monotonic ns).
    private var nextIdleCheck: UInt64 = .max

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
        var ends: [Int32] = [-1, -1]
        if pipe(&ends) == 0 {
            for end in ends {
                _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
                _ = fcntl(end, F_SETFD, FD_CLOEXEC)
            }
            wakePipe = ends
            waiter = SocketWaiter(wakeFD: ends[0])
            multi = waiter == nil ? nil : curl_multi_init()
        } else {
            multi = nil
        }
        if let multi {
            _ = decant_curl_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, maxConnectionsPerHost)
            // decant talks to one storage host and one token host: a few hosts' worth.
            let total = maxConnectionsPerHost * 4
            _ = decant_curl_multi_setopt_long(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, total)
            // Keep every connection of a full-width burst open for the next one.
            _ = decant_curl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, total)
            // Unretained: the loop outlives its multi handle, which `run()` cleans up.
            let me = Unmanaged.passUnretained(self).toOpaque()
            _ = decant_curl_multi_setopt_ptr(multi, CURLMOPT_SOCKETDATA, me)
            _ = decant_curl_multi_socket_callback(multi) { _, socket, what, me, _ in
                guard let me else { return 0 }
                Unmanaged<CurlLoop>.fromOpaque(me).takeUnretainedValue().watch(socket, what)
                return 0
            }
            _ = decant_curl_multi_setopt_ptr(multi, CURLMOPT_TIMERDATA, me)
            _ = decant_curl_multi_timer_callback(multi) { _, milliseconds, me in
                guard let me else { return 0 }
                let loop = Unmanaged<CurlLoop>.fromOpaque(me).takeUnretainedValue()
                loop.timerDue = milliseconds < 0 ? nil : monotonicNanoseconds() + UInt64(milliseconds) * 1_000_000
                return 0
            }
        }
    }

    deinit {
        waiter = nil
        for end in wakePipe where end >= 0 { close(end) }
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

    /// Under `lock`: one byte in the pipe until the loop takes the inbox.
    private func wakeUp() {
        guard !wakePending, !closed else { return }
        wakePending = true
        var byte: UInt8 = 1
        _ = write(wakePipe[1], &byte, 1)
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
                wakePending = false
                // A transfer cancelled before the loop saw it is failed rather than started.
                let arrived = inbox.filter { !$0.cancelRequested }
                let cancelled = inbox.filter(\.cancelRequested) + cancellations
                inbox.removeAll(keepingCapacity: true)
                cancellations.removeAll()
                return (arrived, cancelled, stopping)
            }
            if shouldStop { break }
            for transfer in arrived {
                waiting[transfer.hostKey, default: []].append(transfer)
                admit(transfer.hostKey)
            }
            for transfer in cancelled { stop(transfer, .other("\(Redaction.safeURL(transfer.request.url)): cancelled")) }

            if let due = timerDue, monotonicNanoseconds() >= due {
                timerDue = nil
                var stillRunning: Int32 = 0
                _ = curl_multi_socket_action(multi, CURL_SOCKET_TIMEOUT, 0, &stillRunning)
            }
            collectFinished(multi)
            var wait = expireIdle()
            if let due = timerDue {
                let now = monotonicNanoseconds()
                wait = min(wait, due <= now ? 0 : Int32(min(3_600_000, (due - now + 999_999) / 1_000_000)))
            }
            waiter?.wait(milliseconds: wait) { socket, mask in
                var stillRunning: Int32 = 0
                _ = curl_multi_socket_action(multi, socket, mask, &stillRunning)
            }
            collectFinished(multi)
        }
        locked { closed = true }
        failEverything { .other("\($0): the HTTP transport shut down") }
        for handle in spareHandles { curl_easy_cleanup(handle) }
        spareHandles.removeAll()
        curl_multi_cleanup(multi)
        exited.signal()
    }

    /// libcurl's socket callback: watch `socket` for `what` (`CURL_POLL_*`).
    private func watch(_ socket: Int32, _ what: Int32) {
        switch what {
        case CURL_POLL_IN: waiter?.watch(socket, readable: true, writable: false)
        case CURL_POLL_OUT: waiter?.watch(socket, readable: false, writable: true)
        case CURL_POLL_INOUT: waiter?.watch(socket, readable: true, writable: true)
        default: waiter?.unwatch(socket)  // CURL_POLL_REMOVE
        }
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
        nextIdleCheck = min(nextIdleCheck, transfer.lastActivity &+ transfer.idleLimit)
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
                transfer.addHeaderLine(UnsafeRawBufferPointer(start: buffer, count: length))
            }
            transfer.touch()
            return length
        })

        let method = request.method.uppercased()
        var headerLines: [String] = []
        if request.body != nil || ["POST", "PUT", "PATCH"].contains(method) {
            long(CURLOPT_POST, 1)
            results.append(decant_curl_setopt_off_t(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body?.count ?? 0)))
            if (request.body?.count ?? 0) <= CurlLoop.copiedBodyLimit {
                // A small body (maybe empty: Content-Length 0; a rewrite's `{}`) is
                // copied into libcurl, which sends it with the headers and can send it
                // again on a fresh connection: no read callback, no upload buffer.
                let bytes = [UInt8](request.body ?? Data()) + [0]
                results.append(bytes.withUnsafeBytes { decant_curl_setopt_ptr(handle, CURLOPT_COPYPOSTFIELDS, $0.baseAddress) })
            } else {
                setUpBodyReading(handle, me, &results)
            }
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

    /// Bodies larger than this go through the read callback rather than a copy.
    static let copiedBodyLimit = 64 << 10

    /// A body through the read callback, which libcurl can rewind when it resends
    /// on a fresh connection.
    private func setUpBodyReading(_ handle: UnsafeMutableRawPointer, _ me: UnsafeMutableRawPointer, _ results: inout [CURLcode]) {
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
                result = .success(HTTPResponse(status: status, lowercasedHeaders: transfer.headers, body: transfer.body))
            } else {
                result = .failure(CurlMultiTransport.classify(code, url: transfer.request.url))
            }
            stop(transfer, nil)
            finish(transfer, result)
        }
    }

    /// Fails running transfers that went `idleTimeout` without data; the
    /// milliseconds until the next one could (what `poll` may sleep). The running
    /// transfers are looked at only once the earliest of them could be due: data
    /// only ever moves a transfer's deadline later.
    private func expireIdle() -> Int32 {
        guard !running.isEmpty else {
            nextIdleCheck = .max
            return 3_600_000
        }
        var now = monotonicNanoseconds()
        if now >= nextIdleCheck {
            // `stop` admits waiting transfers, whose `start` lowers it to their own deadline.
            nextIdleCheck = .max
            var next = UInt64.max
            for transfer in Array(running.values) {
                let idle = now &- transfer.lastActivity
                if idle >= transfer.idleLimit {
                    stop(transfer, .timedOut("\(Redaction.safeURL(transfer.request.url)): no data for \(transfer.idleTimeout) s"))
                } else {
                    next = min(next, transfer.lastActivity &+ transfer.idleLimit)
                }
            }
            nextIdleCheck = min(next, nextIdleCheck)
            now = monotonicNanoseconds()
        }
        guard nextIdleCheck != .max else { return 3_600_000 }
        let left = nextIdleCheck > now ? nextIdleCheck - now : 0
        return Int32(min(3_600_000, left / 1_000_000 + 1))
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

/// Waits for the sockets libcurl watches and for the loop's wake-up pipe: epoll on
/// Linux (the cost of a wait does not grow with the connections open), `poll`
/// elsewhere. Used on the loop's thread only.
private final class SocketWaiter {
    private let wakeFD: Int32
    /// What each socket is watched for: bit 0 readable, bit 1 writable.
    private var sockets: [Int32: Int32] = [:]
    #if os(Linux)
    private let epoll: Int32
    private var readyFDs = [Int32](repeating: 0, count: 256)
    private var readyMasks = [Int32](repeating: 0, count: 256)
    /// Sockets libcurl no longer watches that may still be in the epoll set.
    private var parked = Set<Int32>()
    #else
    private var pollSet: [pollfd] = []
    private var pollSetStale = true
    #endif

    init?(wakeFD: Int32) {
        self.wakeFD = wakeFD
        #if os(Linux)
        epoll = decant_epoll_create()
        guard epoll >= 0 else { return nil }
        guard decant_epoll_control(epoll, EPOLL_CTL_ADD, wakeFD, 1, 0) == 0 else {
            close(epoll)
            return nil
        }
        #endif
    }

    deinit {
        #if os(Linux)
        close(epoll)
        #endif
    }

    func watch(_ socket: Int32, readable: Bool, writable: Bool) {
        let want: Int32 = (readable ? 1 : 0) | (writable ? 2 : 0)
        let had = sockets.updateValue(want, forKey: socket)
        guard had != want else { return }
        #if os(Linux)
        let readable: Int32 = readable ? 1 : 0, writable: Int32 = writable ? 1 : 0
        // A parked socket (libcurl stopped watching it: a kept-alive connection
        // between two requests) is still in the epoll set, unless it was closed
        // since, which takes it out: then MOD fails and ADD puts the new one in.
        if had == nil && !parked.contains(socket) {
            if decant_epoll_control(epoll, EPOLL_CTL_ADD, socket, readable, writable) != 0 {
                _ = decant_epoll_control(epoll, EPOLL_CTL_MOD, socket, readable, writable)
            }
        } else if decant_epoll_control(epoll, EPOLL_CTL_MOD, socket, readable, writable) != 0 {
            _ = decant_epoll_control(epoll, EPOLL_CTL_ADD, socket, readable, writable)
        }
        parked.remove(socket)
        #else
        pollSetStale = true
        #endif
    }

    func unwatch(_ socket: Int32) {
        guard sockets.removeValue(forKey: socket) != nil else { return }
        #if os(Linux)
        // Left in the epoll set (most come back with the next request on their
        // connection); taken out when it reports anything while parked.
        parked.insert(socket)
        #else
        pollSetStale = true
        #endif
    }

    /// Sleeps up to `milliseconds` until something is ready; hands each ready socket
    /// to `ready` with what it is ready for (`CURL_CSELECT_*`; 0 lets libcurl look
    /// itself, as after an error or hang-up) and empties the wake-up pipe.
    func wait(milliseconds: Int32, _ ready: (Int32, Int32) -> Void) {
        #if os(Linux)
        let count = readyFDs.withUnsafeMutableBufferPointer { fds in
            readyMasks.withUnsafeMutableBufferPointer { masks in
                decant_epoll_wait(epoll, fds.baseAddress, masks.baseAddress, Int32(fds.count), milliseconds)
            }
        }
        guard count > 0 else { return }
        for index in 0..<Int(count) {
            let fd = readyFDs[index]
            if fd == wakeFD {
                drainWakePipe()
            } else if sockets[fd] != nil {
                ready(fd, readyMasks[index])
            } else {
                // Parked and ready (the server closed an idle connection): out of the set.
                _ = decant_epoll_control(epoll, EPOLL_CTL_DEL, fd, 0, 0)
                parked.remove(fd)
            }
        }
        #else
        if pollSetStale {
            pollSet.removeAll(keepingCapacity: true)
            pollSet.append(pollfd(fd: wakeFD, events: Int16(POLLIN), revents: 0))
            for (socket, want) in sockets {
                let events = (want & 1 != 0 ? Int16(POLLIN) : 0) | (want & 2 != 0 ? Int16(POLLOUT) : 0)
                pollSet.append(pollfd(fd: socket, events: events, revents: 0))
            }
            pollSetStale = false
        }
        let count = poll(&pollSet, nfds_t(pollSet.count), milliseconds)
        guard count > 0 else { return }
        let entries = pollSet
        for entry in entries where entry.revents != 0 {
            if entry.fd == wakeFD {
                drainWakePipe()
                continue
            }
            var mask: Int32 = 0
            if entry.revents & Int16(POLLIN | POLLPRI) != 0 { mask |= CURL_CSELECT_IN }
            if entry.revents & Int16(POLLOUT) != 0 { mask |= CURL_CSELECT_OUT }
            ready(entry.fd, mask)
        }
        #endif
    }

    private func drainWakePipe() {
        var bytes = (UInt64(0), UInt64(0))
        while withUnsafeMutableBytes(of: &bytes, { read(wakeFD, $0.baseAddress, $0.count) }) > 0 {}
    }
}
