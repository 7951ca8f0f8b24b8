/// Folder mentions: a string that is a path alone (`"elementary_reports/{{ ds }}/x.html"`)
/// starting with a folder of the analysed bucket, given under a path keyword
/// (`report_path=`, `"output_uri":`, `prefix:`) of a call or dict that names no
/// bucket. The analysis counts it as a use of that folder; nothing else does.
struct MentionFinder {
    let view: CodeView

    static let pathWords: Set<String> = ["path", "paths", "file", "files", "uri", "uris", "prefix", "prefixes", "dir", "directory",
                                         "folder", "folders", "key", "object", "objects", "blob", "location", "output", "input"]

    func mentions(_ needles: [[UInt8]], besides occurrences: [Occurrence]) -> [Occurrence] {
        let b = view.bytes
        var out: [Occurrence] = []
        let taken = occurrences.compactMap { $0.path }
        for needle in needles {
            for hit in ByteSearch.offsets(of: needle, in: b) {
                guard let s = view.syntax.string(containing: hit), s.contentStart == hit, !view.syntax.isInComment(hit),
                      !taken.contains(where: { $0.contains(hit) }) else { continue }
                let content = s.contentStart..<s.contentEnd
                guard ObjectPath.isPlausible(b.string(content)), underPathKeyword(s) else { continue }
                var o = Occurrence(spelling: .literal(bucket: "", environment: ""), form: .literal, start: hit, bucketRange: hit..<hit,
                                   bucketText: "", path: content)
                o.mention = true
                out.append(o)
            }
        }
        return out
    }

    /// The string is the value of a key or keyword that says path, in a group with no bucket key.
    private func underPathKeyword(_ s: Syntax.StringSpan) -> Bool {
        let b = view.bytes
        if view.language == .yaml {
            guard let key = view.yamlKeys(at: s.contentStart, depth: 1).first else { return false }
            return Words.split(key).contains(where: Self.pathWords.contains)
        }
        guard let g = view.syntax.innermostGroup(containing: s.start) else { return false }
        var group = g
        // A list of paths (`uris=["x/", "y/"]`): the key is the list's.
        if view.syntax.groups[g].kind == UInt8(ascii: "["), let parent = view.syntax.groups[g].parent,
           view.element(of: parent, containing: s.start)?.value.lowerBound == view.syntax.groups[g].open {
            group = parent
        }
        guard let element = view.element(of: group, containing: s.start), let key = element.key,
              Words.split(b.string(key)).contains(where: Self.pathWords.contains) else { return false }
        let namesBucket = view.elements(of: group).contains { e in e.key.map { Words.split(b.string($0)).contains("bucket") } ?? false }
        return !namesBucket
    }
}
