import Foundation

/// URL pieces of the JSON API. Bucket and object names are percent-encoded as
/// one path segment each (an object's '/' becomes %2F).
enum GCSPath {
    /// `text` percent-encoded as one path segment or query part: every UTF-8 byte
    /// but the unreserved ones (`A-Z a-z 0-9 - . _ ~`) as `%XX`, as
    /// `addingPercentEncoding(withAllowedCharacters:)` with that set writes it, on the
    /// bytes (Foundation's version cost more than the rest of a copy's URL).
    static func segment(_ text: String) -> String {
        let utf8 = text.utf8
        guard !utf8.allSatisfy(isUnreserved) else { return text }
        let hex: StaticString = "0123456789ABCDEF"
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count * 3)
        for byte in utf8 {
            if isUnreserved(byte) {
                out.append(byte)
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(hex.utf8Start[Int(byte >> 4)])
                out.append(hex.utf8Start[Int(byte & 0x0F)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    static func buckets() -> String { "/storage/v1/b" }
    static func bucket(_ bucket: String) -> String { "/storage/v1/b/" + segment(bucket) }
    static func objects(_ name: String) -> String { bucket(name) + "/o" }
    static func object(_ bucketName: String, _ name: String) -> String { objects(bucketName) + "/" + segment(name) }
    static func upload(_ bucket: String) -> String { "/upload/storage/v1/b/" + segment(bucket) + "/o" }

    static func rewrite(_ request: CopyRequest) -> String {
        object(request.sourceBucket, request.sourceName) + "/rewriteTo/b/" + segment(request.targetBucket) + "/o/"
            + segment(request.targetName)
    }

    static func url(base: URL, path: String, query: [(String, String)]) -> URL? {
        var text = base.absoluteString
        while text.hasSuffix("/") { text.removeLast() }
        text += path
        if !query.isEmpty {
            text += "?" + query.map { segment($0.0) + "=" + segment($0.1) }.joined(separator: "&")
        }
        return URL(string: text)
    }
}

/// A `multipart/related` upload body: the object's metadata as JSON, then its bytes.
enum MultipartUpload {
    static func body(metadata: JSONValue, data: Data, contentType: String) -> (body: Data, contentType: String) {
        let boundary = "decant-" + UUID().uuidString
        var body = Data()
        body.append(Data("--\(boundary)\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n".utf8))
        body.append(metadata.data)
        body.append(Data("\r\n--\(boundary)\r\nContent-Type: \(contentType)\r\n\r\n".utf8))
        body.append(data)
        body.append(Data("\r\n--\(boundary)--\r\n".utf8))
        return (body, "multipart/related; boundary=\(boundary)")
    }
}
