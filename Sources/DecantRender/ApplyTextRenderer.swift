import DecantCore
import Foundation

/// The end of `decant apply` (or rollback): what was done, what failed and why,
/// and what to do next.
public struct ApplyTextRenderer: Sendable {
    public var color: Bool
    public init(color: Bool = false) { self.color = color }

    /// - Parameters: the counts per action kind come from the outcomes.
    public func render(serial: Int64, succeeded: Bool, outcomes: [ApplySummaryLine], failures: [ApplyFailure],
                       elapsed: Double, verb: String = "Apply") -> String {
        let st = Style(enabled: color)
        var out: [String] = []
        for line in outcomes where line.tally.objects > 0 || line.failed > 0 {
            var text = "  \(st.symbol(line.symbol)) \(line.label.padding(toLength: 18, withPad: " ", startingAt: 0)) \(Format.count(line.tally.objects).leftPad(9))"
            if line.tally.bytes > 0 { text += " \(Format.bytes(line.tally.bytes).leftPad(10))" }
            if line.failed > 0 { text += st.red("   \(line.failed) failed") }
            out.append(text)
        }
        if !failures.isEmpty {
            out.append("")
            out.append(st.bold("Failed"))
            for f in failures {
                out.append("  \(st.symbol("!")) \(f.action): \(f.status)")
                for e in f.errors { out.append("      \(e)") }
            }
        }
        out.append("")
        let time = String(format: "%.1f s", elapsed)
        if succeeded {
            out.append(st.bold("\(verb) complete (state serial \(serial), \(time)).") )
        } else {
            out.append(st.bold(st.red("\(verb) failed (state serial \(serial), \(time)).")) + " Everything that succeeded is recorded; run \(verb.lowercased()) again to finish the rest.")
        }
        return out.joined(separator: "\n") + "\n"
    }
}

/// One line of the apply summary (`+ copied  1,204  3.2 GiB`).
public struct ApplySummaryLine: Sendable {
    public var symbol: Character
    public var label: String
    public var tally: Tally
    public var failed: Int
    public init(symbol: Character, label: String, tally: Tally, failed: Int) {
        self.symbol = symbol
        self.label = label
        self.tally = tally
        self.failed = failed
    }
}

/// One action that did not succeed.
public struct ApplyFailure: Sendable {
    public var action: String
    public var status: String
    public var errors: [String]
    public init(action: String, status: String, errors: [String]) {
        self.action = action
        self.status = status
        self.errors = errors
    }
}
