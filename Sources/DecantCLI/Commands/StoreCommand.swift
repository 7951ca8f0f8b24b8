import DecantCore
import DecantStorage
import Foundation

/// `decant store ls|import`: look into the environment's store, or seed it from
/// a local folder (the quickstart and tests fill the embedded store this way).
enum StoreCommand {
    static let command = Command(CommandSpec(
        name: "store", summary: "List objects in the environment's store, or import a local folder into it.",
        usage: "ls gs://BUCKET[/PREFIX] --env ENV | import DIR gs://BUCKET[/PREFIX] --env ENV [--create-bucket]",
        options: Workspace.options + [
            .flag("create-bucket", help: "import: create the bucket when it does not exist."),
            OptionSpec("location", value: "LOCATION", help: "import --create-bucket: the new bucket's location."),
            .flag("overwrite", help: "import: replace objects that exist (otherwise they are skipped)."),
        ],
        positionals: [PositionalSpec("SUBCOMMAND", help: "ls or import."),
                      PositionalSpec("ARGS", optional: true, variadic: true, help: "ls: a gs:// location; import: a folder and a gs:// location.")],
        discussion: "With --now, the local store stamps imported objects with that time (to give a demo realistic ages).",
        examples: [
            .init("List a folder of the environment's store", "decant store ls gs://data-bucket-dev/historization/ --env dev"),
            .init("Fill the local store from a folder (demos, tests)", "decant store import ./export gs://data-bucket-dev --env dev --create-bucket"),
        ]
    )) { arguments, context in
        let workspace = try Workspace(arguments, context)
        let (plan, _) = try workspace.loadPlan()
        let store = try workspace.store(for: plan)
        let rest = Array(arguments.positionals.dropFirst())
        switch arguments.positionals[0] {
        case "ls":
            guard rest.count == 1, let location = BucketPath(parsing: rest[0]) else { throw CommandError("usage: decant store ls gs://BUCKET[/PREFIX] --env ENV") }
            return try await list(store, location, context.console)
        case "import":
            guard rest.count == 2, let location = BucketPath(parsing: rest[1]) else {
                throw CommandError("usage: decant store import DIR gs://BUCKET[/PREFIX] --env ENV")
            }
            return try await importFolder(context.resolve(rest[0]), into: location, store: store, arguments: arguments,
                                          console: context.console)
        case let other:
            throw CommandError("unknown store subcommand '\(other)'; use ls or import")
        }
    }

    static func list(_ store: any ObjectStore, _ location: BucketPath, _ console: any Console) async throws -> Int32 {
        var total = Tally()
        // A prefix without the trailing slash the parser adds lists a single name too.
        for try await page in store.listObjects(location.bucket, ListOptions(prefix: location.prefix)) {
            var lines = ""
            for object in page.objects {
                total.add(object.size)
                let time = object.timeCreated.map(RFC3339.format) ?? "-"
                lines += "\(String(object.size).padding(toLength: 12, withPad: " ", startingAt: 0)) \(time)  gs://\(location.bucket)/\(object.name)\n"
            }
            console.out(lines)
        }
        console.out("\(total.objects) object(s), \(ByteFormat.string(total.bytes))\n")
        return ExitCode.success
    }

    static func importFolder(_ folder: String, into location: BucketPath, store: any ObjectStore, arguments: ParsedArguments,
                             console: any Console) async throws -> Int32 {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CommandError("\(folder) is not a folder")
        }
        if try await store.getBucket(location.bucket) == nil {
            guard arguments.flag("create-bucket") else {
                throw CommandError("bucket \(location.bucket) does not exist; pass --create-bucket to create it")
            }
            _ = try await store.createBucket(location.bucket, project: nil,
                                             settings: BucketSettings(location: arguments.value("location")?.uppercased()))
        }
        let base = URL(fileURLWithPath: folder).standardizedFileURL
        guard let walker = FileManager.default.enumerator(at: base, includingPropertiesForKeys: [.isRegularFileKey]) else {
            throw CommandError("cannot read \(folder)")
        }
        var files: [String] = []
        for case let url as URL in walker where (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
            files.append(String(url.standardizedFileURL.path.dropFirst(base.path.count + 1)))
        }
        files.sort()
        var imported = Tally(), skipped = 0
        let overwrite = arguments.flag("overwrite")
        if let local = store as? LocalStore, !overwrite {
            // The embedded store takes batches in one transaction each.
            for start in stride(from: 0, to: files.count, by: 2000) {
                let batch = try files[start..<min(start + 2000, files.count)].map { relative in
                    (name: location.prefix + relative, data: try Data(contentsOf: base.appendingPathComponent(relative)))
                }
                for (entry, record) in zip(batch, try await local.importObjects(location.bucket, batch)) {
                    if record == nil { skipped += 1 } else { imported.add(Int64(entry.data.count)) }
                }
            }
            files = []
        }
        for relative in files {
            let data = try Data(contentsOf: base.appendingPathComponent(relative))
            do {
                _ = try await store.upload(location.bucket, location.prefix + relative, data: data,
                                           ifGenerationMatch: overwrite ? nil : 0, contentType: nil, metadata: nil)
                imported.add(Int64(data.count))
            } catch StoreError.preconditionFailed {
                skipped += 1
            }
        }
        console.out("Imported \(imported.objects) object(s) (\(ByteFormat.string(imported.bytes))) into gs://\(location.bucket)/\(location.prefix)"
                    + (skipped > 0 ? "; \(skipped) already there, skipped" : "") + "\n")
        return ExitCode.success
    }
}
