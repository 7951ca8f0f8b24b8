import DecantCore
import Foundation

/// The cost lines the plan renderers share (text and Markdown say the same things).
enum CostFormat {
    static func money(_ amount: Double?, _ currency: String) -> String {
        amount.map { Money.string($0, currency) } ?? "unknown"
    }

    /// `-80%`, `+20%`, or nil when there is nothing before.
    static func change(_ before: Double?, _ after: Double?) -> String? {
        guard let before, let after, before > 0 else { return nil }
        let percent = ((after - before) / before * 100).rounded()
        if percent == 0 { return "±0%" }
        return (percent > 0 ? "+" : "−") + "\(Int(abs(percent)))%"
    }

    /// `$1.95/month now → $0.39/month after the move (−80%); $0.39 in 1 month, $0.39 in 3, $0.39 in 12`.
    static func atRest(_ c: MigrationCost) -> String {
        let cur = c.currency
        var text = "\(money(c.monthlyBefore, cur))/month now → \(money(c.monthlyAfter, cur))/month after the move"
        if let change = change(c.monthlyBefore, c.monthlyAfter) { text += " (\(change))" }
        text += "; \(money(c.monthlyAfter1m, cur)) in 1 month, \(money(c.monthlyAfter3m, cur)) in 3, \(money(c.monthlyAfter12m, cur)) in 12"
        return text
    }

    /// `$0.50: Class A $0.50 (100 copies), retrieval $0, early deletion $0, network $0`.
    static func oneTime(_ c: MigrationCost) -> String {
        let cur = c.currency, p = c.oneTimeParts
        var parts = ["Class A \(money(p.classA, cur)) (\(Format.count(p.copies)) cop\(p.copies == 1 ? "y" : "ies"))"]
        parts.append("retrieval \(money(p.retrieval, cur))" + (p.retrievedBytes > 0 ? " (\(Format.bytes(p.retrievedBytes)))" : ""))
        parts.append("early deletion \(money(p.earlyDeletion, cur))")
        parts.append("network \(money(p.network, cur))" + (p.networkBytes > 0 ? " (\(Format.bytes(p.networkBytes)))" : ""))
        var text = "\(money(c.oneTime, cur)): " + parts.joined(separator: ", ")
        if let lifecycle = c.lifecycle12m, lifecycle > 0 {
            text += "; the lifecycle's own charges over 12 months: \(money(lifecycle, cur))"
        }
        return text
    }

    static func breakEven(_ c: MigrationCost) -> String {
        guard c.monthlyBefore != nil, c.oneTime != nil else { return "break-even unknown (prices missing)" }
        return paysBack(c.breakEvenMonths)
    }

    static func paysBack(_ months: Int?) -> String {
        guard let months else { return "never pays for itself" }
        if months > 120 {
            return "pays for itself only after \(Format.count(months / 12)) years (month \(Format.count(months))): not worth it for the money alone"
        }
        return months == 0 ? "pays for itself at once" : "pays for itself in month \(months)"
    }

    /// `with preserve_age: false (copies restart at age 0): $0.60/month in 12 months, pays for itself in month 3`.
    static func alternative(_ c: MigrationCost) -> String? {
        guard let a = c.ageAlternative else { return nil }
        let how = a.preserveAge ? "with `preserve_age: true` (copies keep their age)" : "with `preserve_age: false` (copies restart at age 0)"
        var text = "\(how): \(Money.string(a.monthlyAfter, c.currency))/month after the move, \(Money.string(a.monthlyAfter12m, c.currency)) in 12 months"
        if let current = c.monthlyAfter12m {
            let delta = a.monthlyAfter12m - current
            if abs(delta) >= 0.005 { text += " (\(delta > 0 ? "+" : "−")\(Money.string(abs(delta), c.currency)) a month)" }
        }
        text += ", " + paysBack(a.breakEvenMonths)
        return text
    }

    /// `Google Cloud Storage list prices (decant built-in), USD, as of 2025-01; 15% discount`.
    static func prices(_ p: PriceSummary) -> String {
        var text = "\(p.table)" + (p.origin == "built-in" ? "" : " from \(p.origin)") + ", \(p.currency), as of \(p.asOf)"
        if !p.adjustments.isEmpty { text += "; " + p.adjustments.joined(separator: "; ") }
        return text
    }
}
