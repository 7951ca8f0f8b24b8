import DecantCore
import Foundation

/// Number and size formatting shared by the renderers (fixed, locale-free, so
/// golden files are stable).
enum Format {
    /// `1,204,000`.
    static func count(_ n: Int) -> String {
        let digits = String(abs(n))
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return n < 0 ? "-" + out : out
    }

    /// `3.2 GiB`, `512 B`.
    static func bytes(_ bytes: Int64) -> String { ByteFormat.string(bytes) }

    static func objects(_ tally: Tally) -> String {
        "\(count(tally.objects)) object\(tally.objects == 1 ? "" : "s")"
    }

    static func tally(_ tally: Tally) -> String {
        "\(objects(tally)) (\(bytes(tally.bytes)))"
    }

    static func date(_ date: Date) -> String {
        CalendarDay(date).description
    }

    static func time(_ date: Date) -> String { RFC3339.format(date) }

    static func shortDigest(_ digest: String) -> String { String(digest.prefix(12)) }

    /// `storage_class: STANDARD` … for each setting set, as the plan file writes it (lifecycle apart).
    static func settings(_ s: BucketSettings) -> [String] {
        settingValues(s).filter { $0.field != .lifecycle }.map { "\($0.field.rawValue): \($0.value)" }
    }

    /// Each setting that is set, with its value as the plan file writes it; an
    /// empty label map is left out, an empty rule list is `no rules`.
    static func settingValues(_ s: BucketSettings) -> [(field: BucketSettings.Field, value: String)] {
        BucketSettings.Field.allCases.compactMap { field -> (field: BucketSettings.Field, value: String)? in
            switch field.kind {
            case .labels: return s.labels.flatMap { $0.isEmpty ? nil : (field, BucketSettings.describe($0)) }
            case .lifecycle: return s.lifecycle.map { (field, BucketSettings.describe($0)) }
            case .text, .storageClass, .flag, .seconds: return s[field].map { (field, $0.planFileText) }
            }
        }
    }

    static func rules(_ rules: [LifecycleRule]) -> [String] {
        rules.canonical.map(\.description)
    }

    static func movement(_ m: DataMovement) -> String {
        switch m {
        case .metadataOnly: return "same location and storage class: metadata-only copies"
        case let .moves(fromLocation, toLocation, fromClass, toClass):
            var parts: [String] = []
            if fromLocation?.uppercased() != toLocation?.uppercased() {
                parts.append("\(fromLocation ?? "?") → \(toLocation ?? "?")")
            }
            if fromClass != toClass { parts.append("\(fromClass?.rawValue ?? "?") → \(toClass?.rawValue ?? "?")") }
            return "data moves (\(parts.joined(separator: ", "))): multi-call rewrites, billed data movement"
        case .unknown(let why): return "data movement unknown (\(why))"
        }
    }

    /// The closing line: `Plan: 1 bucket to create, …`.
    static func summaryLine(_ plan: PlannedChanges) -> String {
        let s = plan.summary
        if plan.hasErrors { return "Plan failed: \(plan.diagnostics.errors.count) error(s); nothing will be changed." }
        if !plan.hasChanges {
            return "No changes." + (s.blockedMigrations > 0 ? " \(s.blockedMigrations) migration(s) blocked." : " The store matches the plan.")
        }
        var parts: [String] = []
        parts.append("\(s.bucketsToCreate) bucket\(s.bucketsToCreate == 1 ? "" : "s") to create, \(s.bucketsToUpdate) to update")
        parts.append("\(objects(s.copy)) to copy (\(bytes(s.copy.bytes)))")
        if !s.adopt.isZero { parts.append("\(count(s.adopt.objects)) to adopt") }
        parts.append("\(count(s.delete.objects)) to delete")
        parts.append("\(s.filesToEdit) file\(s.filesToEdit == 1 ? "" : "s") to edit")
        var line = "Plan: " + parts.joined(separator: ", ") + "."
        if s.blockedMigrations > 0 { line += " \(s.blockedMigrations) migration(s) blocked." }
        return line
    }
}
