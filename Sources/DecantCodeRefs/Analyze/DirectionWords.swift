import DecantCore

/// The vocabulary that tells a write from a read, applied to the words of a
/// name (a called function, a keyword argument, a dict key, a variable).
///
/// Rules, in order:
/// 1. `X to Y` names (`BigQueryToGCSOperator`, `GCSToBigQueryOperator`,
///    `LocalFilesystemToGCSOperator`): storage after `to` is a write, before it
///    a read; a name starting with `to` (`to_parquet`, `to_csv`) writes.
/// 2. Otherwise a name with only write words (export, upload, write, put,
///    save, dump, destination, dst, output, extract, sink, push, compose, delete,
///    remove, clean(up), purge, create, generate, render, publish) is a write, one with only read words (import, load, download, read, source,
///    src, input, list, exists, sensor, fetch, pull, lib/library, prefix, glob)
///    a read; both or neither decide nothing.
enum DirectionWords {
    static let storage: Set<String> = ["gcs", "gs", "storage", "bucket", "buckets", "blob", "blobs", "uri", "uris", "cloudstorage"]
    static let write: Set<String> = [
        "export", "exports", "exporter", "upload", "uploads", "write", "writes", "writer", "put", "save", "dump",
        "destination", "destinations", "dest", "dst", "output", "outputs", "extract", "sink", "push", "compose",
        // Deleting, cleaning up, creating, generating and rendering change what is there.
        "delete", "deletes", "remove", "removes", "rm", "clean", "cleans", "cleanup", "purge", "create", "creates",
        "generate", "generates", "render", "renders", "publish", "publishes",
    ]
    static let read: Set<String> = [
        "import", "imports", "importer", "load", "loads", "download", "downloads", "read", "reads", "reader",
        "source", "sources", "src", "input", "inputs", "list", "ls", "exists", "exist", "existence", "sensor",
        "fetch", "pull", "lib", "library", "libraries", "prefix", "prefixes", "glob",
        // An external table reads its files (`BigQueryCreateExternalTableOperator` creates a table, not objects).
        "external",
    ]
    /// Read words that only say "this is listed" and yield to the called name.
    static let weakRead: Set<String> = ["prefix", "prefixes", "glob", "list"]

    static func decide(_ words: [String]) -> CodeReference.Direction? {
        if let t = words.firstIndex(of: "to"), words.count > 1 {
            if t == 0 { return .write }
            if words[(t + 1)...].contains(where: storage.contains) && !words[..<t].contains(where: storage.contains) { return .write }
            if words[..<t].contains(where: storage.contains) && !words[(t + 1)...].contains(where: storage.contains) { return .read }
        }
        let w = words.contains(where: write.contains)
        let r = words.contains(where: read.contains)
        if w && !r { return .write }
        if r && !w { return .read }
        return nil
    }

    /// True when the words decide only through a weak read word.
    static func isWeak(_ words: [String]) -> Bool {
        !words.contains { write.contains($0) || (read.contains($0) && !weakRead.contains($0)) }
    }
}
