#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import DecantSQLite
import Foundation

/// Where a local bucket keeps things: objects as files at their names, and the
/// store's own files under `.decant/` (hidden from listings; object names whose
/// first segment is `.decant` are refused).
struct BucketLayout: Sendable {
    let root: String
    let name: String

    var directory: String { root + "/" + name }
    var control: String { directory + "/" + BucketLayout.controlName }
    var index: String { control + "/index.db" }
    var temp: String { control + "/tmp" }
    var pending: String { control + "/pending" }
    var blobs: String { control + "/blobs" }

    static let controlName = ".decant"

    func objectPath(_ object: String) -> String { directory + "/" + object }

    /// The file holding an object's bytes.
    func path(of object: StoredObject) -> String {
        object.blob.map { directory + "/" + $0 } ?? objectPath(object.name)
    }

    func relative(_ path: String) -> String {
        path.hasPrefix(directory + "/") ? String(path.dropFirst(directory.count + 1)) : path
    }

    func absolute(_ relative: String) -> String { directory + "/" + relative }

    /// A fresh temporary file name inside the bucket (same file system, so rename is atomic).
    func newTemporaryPath() -> String { temp + "/" + UUID().uuidString }
}

/// Store-wide folders beside the buckets: `.decant-staging/` (buckets being
/// created, moved into place by one rename) and `.decant-trash/` (buckets being
/// removed, moved out by one rename). Bucket names cannot start with '.'.
enum StoreLayout {
    static func staging(_ root: String) -> String { root + "/.decant-staging" }
    static func trash(_ root: String) -> String { root + "/.decant-trash" }
}

extension StoreError {
    static func file(_ error: FileError, bucket: String, object: String?) -> StoreError {
        switch error.code {
        case EACCES, EPERM, EROFS:
            return .permissionDenied(bucket: bucket, object: object, detail: error.message)
        default:
            return .transient(bucket: bucket, object: object, detail: error.message)
        }
    }

    static func index(_ error: any Error, bucket: String, object: String?) -> StoreError {
        if let store = error as? StoreError { return store }
        if let file = error as? FileError { return .file(file, bucket: bucket, object: object) }
        let text = (error as? SQLiteError)?.errorDescription ?? String(describing: error)
        return .transient(bucket: bucket, object: object, detail: "local index: \(text)")
    }
}
