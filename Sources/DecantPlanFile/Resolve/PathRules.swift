import DecantCore

/// How plan files write places in buckets.
enum PathRules {
    /// A subfolder of a rename (`tracking/`), relative to the migration's source or
    /// target prefix. A missing trailing `/` is added (`tracking` means the folder,
    /// never a name prefix such as `tracking_old/`); a leading `/`, `.`/`..`
    /// segments, `//`, a URL or an empty folder are errors.
    static func relativeFolder(_ text: String) -> Result<String, Problem> {
        if text.isEmpty || text == "/" { return .failure(.empty) }
        if text.contains("://") { return .failure(.url) }
        if text.hasPrefix("/") { return .failure(.absolute) }
        let folder = text.hasSuffix("/") ? text : text + "/"
        if let problem = ObjectName.problem(folder) { return .failure(.objectName(problem)) }
        return .success(folder)
    }

    enum Problem: Error, Equatable, CustomStringConvertible {
        case empty, url, absolute
        case objectName(String)

        var description: String {
            switch self {
            case .empty: return "is empty: a rename maps one subfolder to another"
            case .url: return "is a URL: a rename maps a subfolder of the source prefix to a subfolder of the target prefix"
            case .absolute: return "starts with `/`: subfolders are relative to the source (or target) prefix"
            case .objectName(let problem): return problem
            }
        }
    }
}
