import DecantCore

/// Use-case names for dedicated buckets (`{use-case}-bucket-{env}`, the seed's
/// convention): the folder's last segment in lowercase with dashes
/// (`QPI_historical/` → `qpi-historical`), its full path when two folders would
/// share a name, cut so that the bucket name fits GCS's 63 characters.
enum UseCaseNames {
    /// Leaves room for `-bucket-` and an environment name of up to ten characters.
    static let maxLength = 63 - "-bucket-".count - 10

    static func make(_ folders: [String]) -> [String: String] {
        var short: [String: String] = [:]
        for folder in folders {
            let last = folder.split(separator: "/").last.map(String.init) ?? folder
            short[folder] = slug(last)
        }
        var counts: [String: Int] = [:]
        for name in short.values { counts[name, default: 0] += 1 }
        var out: [String: String] = [:]
        for folder in folders {
            let name = short[folder] ?? "folder"
            out[folder] = counts[name, default: 0] > 1 ? slug(folder) : name
        }
        return out
    }

    static func slug(_ text: String) -> String {
        var out = ""
        for c in text.lowercased().unicodeScalars {
            let keep = ("a"..."z").contains(c) || ("0"..."9").contains(c)
            if keep { out.unicodeScalars.append(c) } else if !out.hasSuffix("-"), !out.isEmpty { out += "-" }
        }
        while out.hasSuffix("-") { out.removeLast() }
        if out.count > maxLength { out = String(out.prefix(maxLength)); while out.hasSuffix("-") { out.removeLast() } }
        if out.hasPrefix("goog") || out.contains("google") { out = "data-" + out.replacingOccurrences(of: "google", with: "ggl") }
        return out.isEmpty ? "folder" : out
    }
}
