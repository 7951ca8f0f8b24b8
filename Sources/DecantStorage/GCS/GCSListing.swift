import DecantCore
import Foundation

/// Fetches listing pages, and filters on the client what the server ignores
/// (offsets and `matchGlob` on emulators).
struct GCSLister: Sendable {
    static let fields = "items(name,size,generation,metageneration,md5Hash,crc32c,timeCreated,updated,customTime,storageClass),prefixes,nextPageToken"

    var client: GCSClient
    var bucket: String
    var options: ListOptions
    var capabilities: StoreCapabilities

    func page(token: String?) async throws(StoreError) -> (ObjectPage, String?) {
        var query: [(String, String)] = [("maxResults", String(min(max(options.pageSize, 1), 1000)))]
        if !options.prefix.isEmpty { query.append(("prefix", options.prefix)) }
        if let delimiter = options.delimiter { query.append(("delimiter", delimiter)) }
        if let start = options.startOffset { query.append(("startOffset", start)) }
        if let end = options.endOffset { query.append(("endOffset", end)) }
        if let glob = options.glob { query.append(("matchGlob", glob)) }
        if let token { query.append(("pageToken", token)) }
        query.append(("fields", GCSLister.fields))
        let call = GCSCall(method: "GET", path: GCSPath.objects(bucket), query: query, idempotent: true, bucket: bucket)
        let response = try await client.execute(call)
        let list: GCSObjectListJSON
        do {
            list = try GCSAnswerScanner.objectList(response.body)
        } catch {
            throw .transient(bucket: bucket, object: nil, detail: "unreadable listing (\(response.body.count) bytes)")
        }
        let filter = try clientFilter()
        let objects = (list.items ?? []).lazy.filter(filter).map(\.record)
        let next = list.nextPageToken.flatMap { $0.isEmpty ? nil : $0 }
        return (ObjectPage(objects: Array(objects), prefixes: list.prefixes ?? []), next)
    }

    private func clientFilter() throws(StoreError) -> @Sendable (GCSObjectJSON) -> Bool {
        let glob: Glob?
        if let pattern = options.glob, !capabilities.matchGlob {
            do {
                glob = try Glob(pattern)
            } catch {
                throw .invalid(bucket: bucket, object: nil, detail: "matchGlob '\(pattern)': \(error)")
            }
        } else {
            glob = nil
        }
        let start = capabilities.offsets ? nil : options.startOffset
        let end = capabilities.offsets ? nil : options.endOffset
        return { item in
            if let start, ByteOrder.less(item.name, start) { return false }
            if let end, !ByteOrder.less(item.name, end) { return false }
            return glob?.matches(item.name) ?? true
        }
    }
}

/// The page token of one iteration over a GCS listing.
actor GCSListCursor {
    private var token: String?
    private var finished = false

    func next(_ lister: GCSLister) async throws(StoreError) -> ObjectPage? {
        if finished { return nil }
        let (page, next) = try await lister.page(token: token)
        token = next
        if next == nil { finished = true }
        return page
    }
}
