import DecantCore
import Foundation

/// The seed's reasoning (001, "Migration Priority Ranking"), as rules: isolation
/// plus temperature. Cold and isolated data moves first (largest saving, least
/// risk); warm isolated data next; hot pipelines whose every reader is one code
/// file move with their code change; hot data with several consumers or with
/// readers outside the code comes last, or stays.
///
/// | temperature | one consumer at most, read in the code | several consumers, or readers outside the code |
/// | --- | --- | --- |
/// | cold | tier 1 | tier 2 |
/// | warm | tier 2 | tier 3 |
/// | hot  | tier 3 | tier 4 |
struct Prioritizer {
    let thresholds: TemperatureThresholds
    let now: Date

    /// The usage of one folder from its listing and the references to it.
    func usage(path: String, directObjectsOnly: Bool, stats: FolderStats, references: [CodeReference],
               sharedFiles: [SharedFile], useCase: String) -> FolderUsage {
        let temperature = thresholds.temperature(newest: stats.newest, now: now)
        var writers = Set<String>(), readers = Set<String>(), all = Set<String>()
        for r in references {
            all.insert(r.path)
            switch r.direction {
            case .write: writers.insert(r.path)
            case .read: readers.insert(r.path)
            case .both: writers.insert(r.path); readers.insert(r.path)
            case .unknown: break
            }
        }
        let mentions = all.subtracting(writers).subtracting(readers)
        let consumers = all.subtracting(writers).sorted()
        let externalWriter = writers.isEmpty && temperature != .cold
        let externalReader = !writers.isEmpty && consumers.isEmpty && readers.isEmpty
        let isolation: Isolation = all.isEmpty ? .unreferenced : consumers.count <= 1 ? .isolated : .shared
        let inCode = consumers.count <= 1 && !externalReader
        let tier: PriorityTier
        switch temperature {
        case .cold: tier = consumers.count <= 1 ? .coldIsolated : .warmIsolated
        case .warm: tier = inCode ? .warmIsolated : .hot
        case .hot: tier = inCode ? .hot : .deferred
        }

        var reasons = [temperatureReason(temperature, stats)]
        switch isolation {
        case .unreferenced:
            reasons.append("no code names it: manual or legacy data, perfect isolation")
        case .isolated:
            reasons.append(consumers.isEmpty
                ? "isolated: no code file reads it without writing it"
                : "isolated: one consumer (\(consumers[0]))")
        case .shared:
            reasons.append("shared: \(consumers.count) consumers (\(consumers.joined(separator: ", ")))")
        }
        if externalWriter {
            reasons.append("no code file writes it, yet it was written \(age(stats.newest)): an external system or people write it; agree the cut-over with them")
        }
        if externalReader {
            reasons.append("code writes it but no code file reads it: its readers (an external system, people) are outside the code and must be told the new location")
        }
        for shared in sharedFiles {
            reasons.append("\(shared.path) also names \(shared.otherFolders.joined(separator: ", ")): its edit touches those use cases too")
        }
        reasons.append(conclusion(tier, temperature: temperature, consumers: consumers.count, externalReader: externalReader,
                                  externalWriter: externalWriter))
        var usage = FolderUsage(path: path, directObjectsOnly: directObjectsOnly, stats: stats, temperature: temperature,
                                writers: writers.sorted(), readers: readers.sorted(), mentions: mentions.sorted(),
                                references: references, sharedFiles: sharedFiles, isolation: isolation, consumers: consumers,
                                externalWriter: externalWriter, externalReader: externalReader, tier: tier, reasons: reasons,
                                useCase: useCase)
        usage.launchers = Set(references.compactMap(\.launcher)).sorted()
        return usage
    }

    /// Tier first, then hot data an external system writes after the rest ("hot
    /// with external writers last"), then by money (what the move saves over its
    /// first year, net of its one-time cost), then fewer code files before more.
    static func priorityOrder(_ a: FolderUsage, _ b: FolderUsage) -> Bool {
        func external(_ f: FolderUsage) -> Int { f.externalWriter && f.temperature == .hot ? 1 : 0 }
        let ka = (a.tier.rawValue, external(a)), kb = (b.tier.rawValue, external(b))
        if ka != kb { return ka < kb }
        let sa = a.cost?.netSaving12m ?? 0, sb = b.cost?.netSaving12m ?? 0
        if sa != sb { return sa > sb }
        if a.files.count != b.files.count { return a.files.count < b.files.count }
        return a.path < b.path
    }

    private func days(_ date: Date?) -> Int? {
        date.map { Int((now.timeIntervalSince($0) / 86_400).rounded(.down)) }
    }

    private func age(_ date: Date?) -> String {
        guard let d = days(date) else { return "at an unknown time" }
        return d <= 0 ? "today" : d == 1 ? "1 day ago" : "\(d) days ago"
    }

    private func temperatureReason(_ t: Temperature, _ stats: FolderStats) -> String {
        guard stats.newest != nil else { return "cold: no object carries a write time" }
        switch t {
        case .cold: return "cold: last written \(age(stats.newest)), nothing for more than \(thresholds.coldDays) days"
        case .warm: return "warm: last written \(age(stats.newest)), between \(thresholds.hotDays) and \(thresholds.coldDays) days"
        case .hot: return "hot: last written \(age(stats.newest)), within \(thresholds.hotDays) days"
        }
    }

    private func conclusion(_ tier: PriorityTier, temperature: Temperature, consumers: Int, externalReader: Bool,
                            externalWriter: Bool) -> String {
        let entangled = consumers > 1 ? "\(consumers) consumers" : "readers outside the code"
        switch (tier, temperature) {
        case (.coldIsolated, _):
            return "tier 1: cold and isolated, move it first (maximum cost savings, minimal risk)"
        case (.warmIsolated, .cold):
            return "tier 2: cold but shared by \(entangled): move it once its consumers can switch together"
        case (.warmIsolated, _):
            return "tier 2: warm and isolated (good cost benefits, moderate risk)"
        case (.hot, .warm):
            return "tier 3: warm with \(entangled): move it with the hot data"
        case (.hot, _):
            return "tier 3: hot, with one consumer in the code: move it together with its code change"
                + (externalWriter ? ", on a date agreed with whoever writes it" : "")
        case (.deferred, _):
            return "tier 4: hot with \(entangled): lowest priority, consider keeping it in the shared bucket"
        }
    }
}
