import DecantCore
import DecantStorage

/// What stays behind: folders of a source bucket that no migration covers, with
/// their object counts and bytes. Folders that contain a migration's source are
/// walked level by level; the others are counted whole.
struct LeftoverFinder {
    let store: any ObjectStore

    func find(bucket: String, sources: [String]) async throws(StoreError) -> [LeftoverReport.Entry] {
        if sources.contains("") { return [] }
        var entries: [LeftoverReport.Entry] = []
        try await walk(bucket: bucket, prefix: "", sources: sources, into: &entries)
        return entries
    }

    private func walk(bucket: String, prefix: String, sources: [String], into entries: inout [LeftoverReport.Entry]) async throws(StoreError) {
        var loose = Tally()
        var children: [String] = []
        for try await page in store.listObjects(bucket, ListOptions(prefix: prefix, delimiter: "/")) {
            for object in page.objects where !sources.contains(where: { ByteOrder.hasPrefix(object.name, $0) }) {
                loose.add(object.size)
            }
            children += page.prefixes
        }
        if !loose.isZero { entries.append(.init(bucket: bucket, prefix: prefix + "*", tally: loose)) }
        for child in children.sorted(by: ByteOrder.less) {
            if sources.contains(where: { ByteOrder.hasPrefix(child, $0) }) { continue }
            if sources.contains(where: { ByteOrder.hasPrefix($0, child) }) {
                try await walk(bucket: bucket, prefix: child, sources: sources, into: &entries)
                continue
            }
            var tally = Tally()
            for try await page in store.listObjects(bucket, ListOptions(prefix: child)) {
                for object in page.objects { tally.add(object.size) }
            }
            if !tally.isZero { entries.append(.init(bucket: bucket, prefix: child, tally: tally)) }
        }
    }
}
