import Foundation

// The test server's own reading of Storage Transfer Service request bodies. It is
// written apart from DecantStorage's Codable types on purpose (JSONSerialization,
// field lists from the reference, its own checks of the rules), so that a field
// the client misnames, a value it encodes the wrong way or a rule it forgets fails
// a test instead of being mirrored by the server.

typealias JSONObject = [String: Any]

/// An answer the server refuses a request with: HTTP status, `google.rpc.Code` name, message.
struct TransferRefusal: Error {
    var http: Int
    var status: String
    var message: String

    static func invalid(_ message: String) -> TransferRefusal { TransferRefusal(http: 400, status: "INVALID_ARGUMENT", message: message) }
    static func precondition(_ message: String) -> TransferRefusal {
        TransferRefusal(http: 400, status: "FAILED_PRECONDITION", message: message)
    }
    static func notFound(_ message: String) -> TransferRefusal { TransferRefusal(http: 404, status: "NOT_FOUND", message: message) }
    /// A field the API knows but this server does not implement: refused, never ignored.
    static func unimplemented(_ what: String) -> TransferRefusal {
        TransferRefusal(http: 501, status: "UNIMPLEMENTED", message: "the STS test server does not implement \(what)")
    }
}

/// Fields of each message: known to the API and implemented here, or known but not
/// implemented (refused with 501). Any other name is refused as unknown (400), as the
/// service refuses an "Invalid JSON payload received. Unknown name".
enum TransferFields {
    static let job: Set = ["name", "description", "projectId", "transferSpec", "schedule", "status",
                           "creationTime", "lastModificationTime", "deletionTime", "latestOperationName"]
    static let jobUnimplemented: Set = ["notificationConfig", "loggingConfig", "replicationSpec", "eventStream"]
    static let spec: Set = ["gcsDataSource", "gcsDataSink", "objectConditions", "transferOptions", "transferManifest"]
    static let specUnimplemented: Set = ["awsS3DataSource", "httpDataSource", "posixDataSource", "azureBlobStorageDataSource",
                                         "awsS3CompatibleDataSource", "hdfsDataSource", "posixDataSink",
                                         "gcsIntermediateDataLocation", "sourceAgentPoolName", "sinkAgentPoolName"]
    static let gcsData: Set = ["bucketName", "path"]
    static let gcsDataUnimplemented: Set = ["managedFolderTransferEnabled"]
    static let conditions: Set = ["includePrefixes", "excludePrefixes"]
    static let conditionsUnimplemented: Set = ["minTimeElapsedSinceLastModification", "maxTimeElapsedSinceLastModification",
                                               "lastModifiedSince", "lastModifiedBefore", "matchGlob"]
    static let options: Set = ["overwriteObjectsAlreadyExistingInSink", "deleteObjectsUniqueInSink",
                               "deleteObjectsFromSourceAfterTransfer", "overwriteWhen", "metadataOptions"]
    static let metadata: Set = ["storageClass", "timeCreated"]
    static let metadataUnimplemented: Set = ["symlink", "mode", "gid", "uid", "acl", "temporaryHold", "kmsKey"]
    static let manifest: Set = ["location"]
    static let schedule: Set = ["scheduleStartDate", "scheduleEndDate", "startTimeOfDay", "endTimeOfDay", "repeatInterval"]
    static let date: Set = ["year", "month", "day"]
    static let timeOfDay: Set = ["hours", "minutes", "seconds", "nanos"]
    static let patch: Set = ["projectId", "transferJob", "updateTransferJobFieldMask"]
    static let patchable: Set = ["description", "transferSpec", "notificationConfig", "loggingConfig", "schedule", "status"]
    static let filter: Set = ["projectId", "jobNames", "operationNames", "transferStatuses"]
    static let filterUnimplemented: Set = ["jobNamePattern", "operationNamePattern", "minCreationTime", "maxCreationTime"]

    static let storageClasses: Set = ["STORAGE_CLASS_UNSPECIFIED", "STORAGE_CLASS_DESTINATION_BUCKET_DEFAULT",
                                      "STORAGE_CLASS_PRESERVE", "STORAGE_CLASS_STANDARD", "STORAGE_CLASS_NEARLINE",
                                      "STORAGE_CLASS_COLDLINE", "STORAGE_CLASS_ARCHIVE"]
    static let timeCreated: Set = ["TIME_CREATED_UNSPECIFIED", "TIME_CREATED_SKIP", "TIME_CREATED_PRESERVE_AS_CUSTOM_TIME"]
    static let overwriteWhen: Set = ["OVERWRITE_WHEN_UNSPECIFIED", "DIFFERENT", "NEVER", "ALWAYS"]
    static let jobStatuses: Set = ["ENABLED", "DISABLED", "DELETED"]
    static let operationStatuses: Set = ["STATUS_UNSPECIFIED", "IN_PROGRESS", "PAUSED", "SUCCESS", "FAILED", "ABORTED",
                                         "QUEUED", "SUSPENDING"]

    /// Refuses unknown and unimplemented fields of `object` (a message at `path`).
    static func check(_ object: JSONObject, _ path: String, known: Set<String>, unimplemented: Set<String> = []) throws(TransferRefusal) {
        for key in object.keys.sorted() {
            if unimplemented.contains(key) { throw .unimplemented("\(path).\(key)") }
            if !known.contains(key) {
                throw .invalid("Invalid JSON payload received. Unknown name \"\(key)\" at '\(path)': Cannot find field.")
            }
        }
    }
}

/// A transfer spec as the server runs it, with the JSON it was given (echoed back).
struct SpecRecord: Sendable {
    var sourceBucket: String
    var sourcePath: String
    var sinkBucket: String
    var sinkPath: String
    var includePrefixes: [String]
    var excludePrefixes: [String]
    /// DIFFERENT, NEVER or ALWAYS, after `overwriteObjectsAlreadyExistingInSink` is applied.
    var overwriteWhen: String
    var storageClass: String?
    var preserveTimeCreated: Bool
    var manifest: (bucket: String, object: String)?
    /// The spec as received, re-serialized with sorted keys.
    var json: Data

    /// Byte-wise prefix tests, as object names are bytes.
    func admits(_ relativeName: String) -> Bool {
        let name = Array(relativeName.utf8)
        let starts = { (prefix: String) -> Bool in name.starts(with: Array(prefix.utf8)) }
        if !includePrefixes.isEmpty, !includePrefixes.contains(where: starts) { return false }
        return !excludePrefixes.contains(where: starts)
    }

    /// Parses and checks a `transferSpec` object.
    static func parse(_ value: Any?) throws(TransferRefusal) -> SpecRecord {
        guard let spec = value as? JSONObject else { throw .invalid("transferSpec is required") }
        try TransferFields.check(spec, "transfer_spec", known: TransferFields.spec, unimplemented: TransferFields.specUnimplemented)
        let (sourceBucket, sourcePath) = try gcsData(spec["gcsDataSource"], "gcs_data_source")
        let (sinkBucket, sinkPath) = try gcsData(spec["gcsDataSink"], "gcs_data_sink")

        var include: [String] = [], exclude: [String] = []
        if let value = spec["objectConditions"] {
            guard let conditions = value as? JSONObject else { throw .invalid("objectConditions is not an object") }
            try TransferFields.check(conditions, "object_conditions", known: TransferFields.conditions,
                                     unimplemented: TransferFields.conditionsUnimplemented)
            include = try strings(conditions["includePrefixes"], "includePrefixes")
            exclude = try strings(conditions["excludePrefixes"], "excludePrefixes")
            try checkPrefixes(include: include, exclude: exclude)
        }

        var overwriteWhen = "DIFFERENT", storageClass: String?, preserve = false
        if let value = spec["transferOptions"] {
            guard let options = value as? JSONObject else { throw .invalid("transferOptions is not an object") }
            try TransferFields.check(options, "transfer_options", known: TransferFields.options)
            let deleteSource = try flag(options["deleteObjectsFromSourceAfterTransfer"], "deleteObjectsFromSourceAfterTransfer")
            let deleteUnique = try flag(options["deleteObjectsUniqueInSink"], "deleteObjectsUniqueInSink")
            if deleteSource && deleteUnique {
                throw .invalid("deleteObjectsUniqueInSink and deleteObjectsFromSourceAfterTransfer are mutually exclusive")
            }
            if deleteSource { throw .unimplemented("deleteObjectsFromSourceAfterTransfer (it never deletes a source)") }
            if deleteUnique { throw .unimplemented("deleteObjectsUniqueInSink") }
            if try flag(options["overwriteObjectsAlreadyExistingInSink"], "overwriteObjectsAlreadyExistingInSink") {
                overwriteWhen = "ALWAYS"
            }
            if let value = options["overwriteWhen"] {
                guard let text = value as? String, TransferFields.overwriteWhen.contains(text) else {
                    throw .invalid("Invalid value at 'transfer_spec.transfer_options.overwrite_when': \(value)")
                }
                if text != "OVERWRITE_WHEN_UNSPECIFIED" { overwriteWhen = text }
            }
            if let value = options["metadataOptions"] {
                guard let metadata = value as? JSONObject else { throw .invalid("metadataOptions is not an object") }
                try TransferFields.check(metadata, "metadata_options", known: TransferFields.metadata,
                                         unimplemented: TransferFields.metadataUnimplemented)
                if let value = metadata["storageClass"] {
                    guard let text = value as? String, TransferFields.storageClasses.contains(text) else {
                        throw .invalid("Invalid value at 'transfer_spec.transfer_options.metadata_options.storage_class': \(value)")
                    }
                    storageClass = text
                }
                if let value = metadata["timeCreated"] {
                    guard let text = value as? String, TransferFields.timeCreated.contains(text) else {
                        throw .invalid("Invalid value at 'transfer_spec.transfer_options.metadata_options.time_created': \(value)")
                    }
                    preserve = text == "TIME_CREATED_PRESERVE_AS_CUSTOM_TIME"
                }
            }
        }

        var manifest: (String, String)?
        if let value = spec["transferManifest"] {
            guard let object = value as? JSONObject else { throw .invalid("transferManifest is not an object") }
            try TransferFields.check(object, "transfer_manifest", known: TransferFields.manifest)
            guard let location = object["location"] as? String, location.hasPrefix("gs://") else {
                throw .invalid("transferManifest.location must be gs://bucket/object")
            }
            let parts = location.dropFirst(5).split(separator: "/", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw .invalid("transferManifest.location must be gs://bucket/object")
            }
            manifest = (parts[0], parts[1])
        }
        return SpecRecord(sourceBucket: sourceBucket, sourcePath: sourcePath, sinkBucket: sinkBucket, sinkPath: sinkPath,
                          includePrefixes: include, excludePrefixes: exclude, overwriteWhen: overwriteWhen,
                          storageClass: storageClass, preserveTimeCreated: preserve, manifest: manifest,
                          json: TransferJSON.data(spec))
    }

    private static func gcsData(_ value: Any?, _ path: String) throws(TransferRefusal) -> (String, String) {
        guard let data = value as? JSONObject else {
            throw .unimplemented("transfers other than gcsDataSource to gcsDataSink (\(path) is missing)")
        }
        try TransferFields.check(data, path, known: TransferFields.gcsData, unimplemented: TransferFields.gcsDataUnimplemented)
        guard let bucket = data["bucketName"] as? String, !bucket.isEmpty else { throw .invalid("\(path).bucket_name is required") }
        let folder = data["path"] as? String ?? ""
        if !folder.isEmpty, !folder.hasSuffix("/") { throw .invalid("\(path).path must be empty or end with '/': '\(folder)'") }
        if folder.hasPrefix("/") { throw .invalid("\(path).path must not begin with '/': '\(folder)'") }
        return (bucket, folder)
    }

    private static func strings(_ value: Any?, _ field: String) throws(TransferRefusal) -> [String] {
        guard let value else { return [] }
        guard let list = value as? [String] else { throw .invalid("\(field) must be a list of strings") }
        return list
    }

    private static func flag(_ value: Any?, _ field: String) throws(TransferRefusal) -> Bool {
        guard let value else { return false }
        guard let flag = value as? Bool else { throw .invalid("\(field) must be a boolean") }
        return flag
    }

    /// The reference's rules for include and exclude prefixes, pair by pair.
    static func checkPrefixes(include: [String], exclude: [String]) throws(TransferRefusal) {
        for (field, list) in [("includePrefixes", include), ("excludePrefixes", exclude)] {
            if list.count > 1000 { throw .invalid("\(field) has \(list.count) entries; the maximum is 1000") }
            let bytes = list.map { Array($0.utf8) }
            for (i, prefix) in bytes.enumerated() {
                if prefix.isEmpty { throw .invalid("\(field)[\(i)] is empty") }
                if prefix.count > 1024 { throw .invalid("\(field)[\(i)] is longer than 1024 bytes") }
                if prefix.first == UInt8(ascii: "/") { throw .invalid("\(field)[\(i)] must not start with '/'") }
                if prefix.contains(10) || prefix.contains(13) { throw .invalid("\(field)[\(i)] contains a line break") }
                for (j, other) in bytes.enumerated() where j != i && other.starts(with: prefix) {
                    throw .invalid("\(field)[\(i)] '\(list[i])' is a prefix of \(field)[\(j)] '\(list[j])'")
                }
            }
        }
        guard !include.isEmpty else { return }
        for (i, prefix) in exclude.enumerated() where !include.contains(where: { prefix.utf8.starts(with: $0.utf8) }) {
            throw .invalid("excludePrefixes[\(i)] '\(prefix)' does not start with an include prefix")
        }
    }
}

enum TransferJSON {
    static func data(_ object: Any) -> Data {
        (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
    }

    static func object(_ data: Data) -> JSONObject? {
        (try? JSONSerialization.jsonObject(with: data)) as? JSONObject
    }

    /// A job name the reference allows: `transferJobs/`, then `[A-Za-z0-9-._~]*` ending
    /// in a letter or digit, not starting with OPI, at most 128 characters.
    static func isValidJobName(_ name: String) -> Bool {
        guard name.count <= 128 else { return false }
        return name.range(of: #"^transferJobs/(?!OPI)[A-Za-z0-9._~-]*[A-Za-z0-9]$"#, options: .regularExpression) != nil
    }
}
