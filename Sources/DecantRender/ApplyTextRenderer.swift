import DecantCore
import Foundation

/// The end of `decant apply` (or rollback): what was done, what failed and why,
/// and what to do next.
public struct ApplyTextRenderer: Sendable {
    public var color: Bool
    public init(color: Bool = false) { self.color = color }

    /// One summary line per group of action kinds, in this order; a line shows only
    /// when its kinds did or failed something.
    static let lines: [(symbol: Character, label: String, kinds: Set<ActionKind>)] = [
        ("+", "buckets created", [.createBucket]), ("~", "buckets changed", [.updateBucket, .setLifecycle, .restoreBucket]),
        ("+", "objects copied", [.copy]), ("=", "objects verified", [.verify]), ("+", "objects restored", [.restoreObject]),
        ("~", "files edited", [.rewriteCode]), ("~", "files reverted", [.revertCode]), ("-", "sources deleted", [.deleteSource]),
        ("-", "copies removed", [.deleteCopy]), ("-", "buckets deleted", [.deleteBucket]),
    ]

    /// - Parameter kind: the run the result is of, which names it (`Apply complete`, `Rollback failed`).
    public func render(_ result: ApplyResult, kind: RunKind = .apply) -> String {
        let st = Style(enabled: color)
        let verb = kind == .apply ? "Apply" : "Rollback"
        var out: [String] = []
        for line in Self.lines {
            let tally = result.total(line.kinds)
            // Items that failed inside an action, or the action itself when it failed whole.
            let failed = result.outcomes.filter { line.kinds.contains($0.kind) }
                .reduce(0) { $0 + $1.failures + ($1.status == .failed && $1.failures == 0 ? 1 : 0) }
            guard tally.objects > 0 || failed > 0 else { continue }
            var text = "  \(st.symbol(line.symbol)) \(line.label.padding(toLength: 18, withPad: " ", startingAt: 0)) \(Format.count(tally.objects).leftPad(9))"
            if tally.bytes > 0 { text += " \(Format.bytes(tally.bytes).leftPad(10))" }
            if failed > 0 { text += st.red("   \(failed) failed") }
            out.append(text)
        }
        let failures = result.failed + result.skipped
        if !failures.isEmpty {
            out.append("")
            out.append(st.bold("Failed"))
            for f in failures {
                out.append("  \(st.symbol("!")) \(f.id.rawValue): \(f.status.rawValue)")
                for e in f.errors { out.append("      \(e)") }
            }
        }
        out.append("")
        let time = String(format: "%.1f s", result.elapsed)
        if result.status == .succeeded {
            out.append(st.bold("\(verb) complete (state serial \(result.serial), \(time))."))
        } else {
            out.append(st.bold(st.red("\(verb) failed (state serial \(result.serial), \(time)).")) + " Everything that succeeded is recorded; run \(verb.lowercased()) again to finish the rest.")
        }
        return out.joined(separator: "\n") + "\n"
    }
}
