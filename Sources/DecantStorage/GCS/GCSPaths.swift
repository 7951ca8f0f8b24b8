import Foundation

/// URL pieces of the JSON API. Bucket and object names are percent-encoded as
/// one path segment each (an object's '/' becomes %2F).
enum GCSPath {
    static let unreserved: CharacterSet = {
        var set = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        set.insert(charactersIn: "-._~")
        return set
    }()

    static func segment(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
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
