import DecantCore

/// The pictures of `analyze --format markdown`, drawn from the folder table's
/// own values.
enum AnalysisPictures {
    /// Bars for the largest folders; the rest are summed in one bar.
    static let maxBars = 30

    /// The bytes of each temperature (a pie), then the folders by size, each
    /// labelled with its temperature (bars, largest first).
    static func charts(_ a: BucketAnalysis) -> [String] {
        let folders = a.folders.filter { $0.stats.bytes > 0 }
        guard !folders.isEmpty else { return [] }
        var out: [String] = []
        var pie = ["pie title Bytes by temperature"]
        for t in [Temperature.hot, .warm, .cold] {
            let members = folders.filter { $0.temperature == t }
            let bytes = members.reduce(Int64(0)) { $0 + $1.stats.bytes }
            guard bytes > 0 else { continue }
            pie.append("  \"\(t.rawValue): \(members.count) folder\(members.count == 1 ? "" : "s"), \(Format.bytes(bytes))\" : \(bytes)")
        }
        out += Mermaid.block(pie)

        let sorted = folders.sorted { ($0.stats.bytes, $1.path) > ($1.stats.bytes, $0.path) }
        var bars = sorted.prefix(maxBars).map { (name: "\($0.path) (\($0.temperature.rawValue))", bytes: $0.stats.bytes) }
        let rest = sorted.dropFirst(maxBars)
        if !rest.isEmpty {
            bars.append((name: "\(rest.count) other folders", bytes: rest.reduce(Int64(0)) { $0 + $1.stats.bytes }))
        }
        let unit = Mermaid.byteUnit(bars.map(\.bytes).max() ?? 0)
        out += Mermaid.block([
            "xychart-beta",
            "  title \"Folders by size\"",
            "  x-axis [" + bars.map { "\"\(Mermaid.category($0.name))\"" }.joined(separator: ", ") + "]",
            "  y-axis \"\(unit.name)\"",
            "  bar [" + bars.map { Mermaid.number(Double($0.bytes) / unit.size, decimals: 2) }.joined(separator: ", ") + "]",
        ])
        return out
    }
}
