import DecantCore
import Foundation

/// `decant analyze`: the report the seed's analysis was written by hand as
/// (000 and 001): every subfolder with its PUSH and PULL files, the priority
/// tiers with their reasons, and a phased roadmap.
public struct AnalysisMarkdownRenderer: Sendable {
    /// The Mermaid charts of the folders (bytes by temperature, folders by size).
    public var pictures: Bool

    public init(pictures: Bool = true) { self.pictures = pictures }

    private func escape(_ s: String) -> String { s.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "`", with: "'") }

    /// How decant followed the bucket to a reference, in words.
    static func how(_ r: CodeReference) -> String {
        switch r.via ?? .literal {
        case .literal: return r.form == .templated ? "templated" : "literal"
        case .constant: return "constant"
        case .imported: return "constant via import"
        case .local: return "local variable"
        case .parameter: return "parameter"
        case .launcher: return "launcher" + (r.launcher.map { " \($0)" } ?? "")
        case .mention: return "mention"
        }
    }

    public func render(_ a: BucketAnalysis) -> String {
        var out: [String] = []
        out.append("# Bucket Subfolders Analysis by Use Case: `\(a.bucket)`")
        out.append("")
        var meta = "Environment `\(a.environment)` · analysed at \(Format.time(a.now)) · "
            + "hot: written within \(a.thresholds.hotDays) days, cold: nothing written for more than \(a.thresholds.coldDays) days"
        if a.depth > 1 { meta += " · depth \(a.depth)" }
        out.append(meta)
        if let code = a.code {
            out.append("")
            out.append("Code: `\(code.root)`, \(Format.count(code.filesScanned)) files scanned for "
                       + code.sourceRefs.map { "`\($0)`" }.joined(separator: ", ") + ".")
        } else {
            out.append("")
            out.append("No code was scanned (pass `--code DIR` or give the plan a `code:` section): writers and readers are unknown.")
        }

        out.append("")
        out.append("## All Subfolders Found in `\(a.bucket)`")
        out.append("")
        out.append("| Subfolder | Objects | Size | Oldest write | Newest write | Temperature | PUSH | PULL | Consumers | Tier |")
        out.append("|---|---:|---:|---|---|---|---:|---:|---:|---:|")
        for f in a.folders.sorted(by: { $0.path < $1.path }) {
            out.append("| `\(f.path)`\(f.directObjectsOnly ? " (objects directly in it)" : "") | \(Format.count(f.stats.objects)) | "
                       + "\(Format.bytes(f.stats.bytes)) | \(day(f.stats.oldest)) | \(day(f.stats.newest)) | \(f.temperature.rawValue) | "
                       + "\(f.writers.count) | \(f.readers.count) | \(f.consumers.count) | \(f.tier.rawValue) |")
        }
        if a.rootObjects.objects > 0 {
            out.append("")
            out.append("The bucket root itself holds \(Format.count(a.rootObjects.objects)) object(s) (\(Format.bytes(a.rootObjects.bytes))), in no folder.")
        }
        if pictures { out += AnalysisPictures.charts(a) }
        if !a.containers.isEmpty {
            out.append("")
            out.append("Split into their subfolders (each one a use case of its own): "
                       + a.containers.map { "`\($0)`" }.joined(separator: ", ") + ".")
        }

        for f in a.folders {
            out.append("")
            out.append("---")
            out.append("")
            out.append("### **Use Case: \(f.useCase)**")
            out.append("**Subfolder**: `/\(f.path)`\(f.directObjectsOnly ? " (the objects directly in it)" : "")")
            out.append("- **Objects**: \(Format.count(f.stats.objects)) (\(Format.bytes(f.stats.bytes))), written "
                       + "\(day(f.stats.oldest)) to \(day(f.stats.newest)): **\(f.temperature.rawValue)**")
            for file in f.files {
                let role = f.writers.contains(file) && f.readers.contains(file) ? "BOTH"
                    : f.writers.contains(file) ? "PUSH" : f.readers.contains(file) ? "PULL" : "MENTIONS"
                out.append("- **\(role)**: `\(file)`")
                for r in f.references where r.path == file {
                    out.append("  - `\(r.location)` (\(r.direction.rawValue), \(Self.how(r))): `\(code(r.objectPath))`"
                               + (isOtherBucket(r, a) ? " in `\(r.bucketText)`" : "")
                               + (r.through.map { ", through \(escape($0))" } ?? "")
                               + (r.note.map { "; ⚠️ \(escape($0))" } ?? ""))
                }
            }
            if f.files.isEmpty { out.append("- **PUSH / PULL**: no code names it") }
            if !f.launchers.isEmpty {
                out.append("- **Launchers**: " + f.launchers.map { "`\($0)`" }.joined(separator: ", ") + " (run a job script with the bucket)")
            }
            out.append("- **Isolation**: \(f.isolation.rawValue), \(f.consumers.count) consumer(s)"
                       + (f.sharedFiles.isEmpty ? "" : ", \(f.sharedFiles.count) shared file(s)"))
            out.append("- **Priority**: \(f.tier.title)")
            for reason in f.reasons { out.append("  - \(reason)") }
            if let line = costLine(f) { out.append("- **Cost**: " + line) }
        }

        out.append("")
        out.append("---")
        out.append("")
        out.append("## Subfolders No Code Mentions")
        out.append("")
        let unreferenced = a.unreferenced
        if a.code == nil {
            out.append("No code was scanned.")
        } else if unreferenced.isEmpty {
            out.append("None: code names every subfolder.")
        } else {
            for f in unreferenced {
                out.append("- `\(f.path)`: \(Format.count(f.stats.objects)) object(s), \(Format.bytes(f.stats.bytes)), "
                           + "last written \(day(f.stats.newest)) (\(f.temperature.rawValue))")
            }
        }

        out.append("")
        out.append("## Code References to Subfolders That Do Not Exist")
        out.append("")
        if a.missing.isEmpty {
            out.append("None.")
        } else {
            for m in a.missing {
                out.append("- `\(m.path)` (no object in `\(a.bucket)`)")
                for r in m.references {
                    out.append("  - `\(r.location)` (\(r.direction.rawValue)): `\(code(r.objectPath))`"
                               + (isOtherBucket(r, a) ? " in `\(r.bucketText)`" : ""))
                }
            }
        }
        if !a.unresolved.isEmpty {
            out.append("")
            out.append("## References Decant Could Not Place")
            out.append("")
            out.append("They name the bucket, but not which folder (a plan holds every deletion out of the bucket "
                       + "until they are resolved or acknowledged in `code.acknowledged`): look at them by hand.")
            out.append("")
            for r in a.unresolved {
                out.append("- `\(r.location)` (\(Self.how(r))): \(r.unrewritableReason ?? "no object path")"
                           + (r.through.map { ", through \(escape($0))" } ?? ""))
            }
        }

        out.append("")
        out.append("## Migration Priority Ranking")
        out.append("*Prioritized by isolation + temperature: cold and isolated first, hot with external dependencies last; "
                   + "within a tier, by what the move saves over its first year*")
        if let prices = a.prices { out.append("*Savings at \(CostFormat.prices(prices)), in the bucket's location\(a.location.map { " (\($0))" } ?? ""), sources deleted once copied*") }
        var rank = 0
        for (tier, members) in a.phases {
            out.append("")
            out.append("### **\(tier.title)**")
            for f in members {
                rank += 1
                let saving = f.cost.flatMap(savingText).map { " (\($0))" } ?? ""
                out.append("\(rank). **\(f.path)** - \(f.reasons.last ?? "")\(saving)")
            }
        }

        out.append("")
        out.append("## Progressive Migration Roadmap")
        out.append("*Following the temperature-first approach: Cold → Warm → Hot*")
        for (tier, members) in a.phases {
            out.append("")
            out.append("### **\(tier.phaseTitle)**")
            for f in members {
                let storage = f.temperature.suggestedStorage
                out.append("- **\(f.path)** → `\(f.useCase)-bucket-\(a.environment)` "
                           + "(\(storage.storageClass.rawValue), lifecycle `\(storage.policy)`: \(storage.summary))")
                var who: [String] = []
                if !f.writers.isEmpty { who.append("rewrite \(f.writers.count) writer(s)") }
                let readOnly = f.readers.filter { !f.writers.contains($0) }
                if !readOnly.isEmpty { who.append("\(readOnly.count) reader(s)") }
                if f.externalWriter { who.append("coordinate with the external writer") }
                if f.externalReader { who.append("tell the readers outside the code") }
                if storage.storageClass != .standard, !f.readers.isEmpty {
                    who.append("\(storage.storageClass.rawValue) bills every read: check how often its readers run")
                }
                if !who.isEmpty { out.append("  - " + who.joined(separator: ", ")) }
            }
        }
        return out.joined(separator: "\n") + "\n"
    }

    private func day(_ date: Date?) -> String { date.map(Format.date) ?? "-" }

    /// `saves $12.40/month, $140.10 over the first year net`.
    private func savingText(_ c: MigrationCost) -> String? {
        guard let saving = c.monthlySaving12m, let net = c.netSaving12m else { return nil }
        let verb = saving >= 0 ? "saves" : "costs"
        return "\(verb) \(Money.string(abs(saving), c.currency))/month at 12 months; first year, net of the move: "
            + "\(net >= 0 ? "+" : "-")\(Money.string(abs(net), c.currency))"
    }

    private func costLine(_ f: FolderUsage) -> String? {
        guard let c = f.cost else { return nil }
        guard c.monthlyBefore != nil else { return c.notes.first ?? "not costed" }
        let s = f.temperature.suggestedStorage
        var line = "moved to \(s.storageClass.rawValue) (\(s.summary)): " + CostFormat.atRest(c) + "; one-time " + CostFormat.money(c.oneTime, c.currency)
        if let saving = savingText(c) { line += "; \(saving)" }
        for w in c.warnings { line += "; ⚠️ \(w)" }
        return line
    }

    /// Backticks inside inline code would end it.
    private func code(_ s: String) -> String { s.isEmpty ? "(bucket root)" : s.replacingOccurrences(of: "`", with: "'") }

    private func isOtherBucket(_ r: CodeReference, _ a: BucketAnalysis) -> Bool {
        r.form == .literal && r.bucketText != a.bucket
    }
}
