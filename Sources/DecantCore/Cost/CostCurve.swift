/// The monthly at-rest rate of a move's "after" side, day by day over ten years,
/// with its "before" rate and its charges: what break-even and the projections
/// are read from, and what a plan's total adds up. Rates are per 30-day month.
public struct CostCurve: Sendable {
    /// Days covered; later events happen on the last day.
    public static let horizon = 3650

    /// The monthly rate before the move (constant: the sources as billed today).
    public var before: Double = 0
    /// Changes of the after-rate, by day.
    var deltas: [Double]
    /// Charges on a given day caused by the lifecycle (class changes, early deletion).
    var lumps: [Double]
    /// Paid on day 0, by apply.
    public var oneTime: Double = 0

    public init() {
        deltas = Array(repeating: 0, count: Self.horizon + 1)
        lumps = Array(repeating: 0, count: Self.horizon + 1)
    }

    mutating func change(on day: Int, by amount: Double) {
        deltas[min(max(day, 0), Self.horizon)] += amount
    }

    mutating func charge(on day: Int, _ amount: Double) {
        lumps[min(max(day, 0), Self.horizon)] += amount
    }

    /// The after-rate on each day.
    public var rates: [Double] {
        var out = [Double](repeating: 0, count: deltas.count)
        var running = 0.0
        for (day, delta) in deltas.enumerated() {
            running += delta
            out[day] = running
        }
        return out
    }

    /// What the move saves over the first `days` days, net of the one-time cost and
    /// the lifecycle's charges (negative: it costs more than it saves).
    public func netSaving(days: Int) -> Double {
        let rates = self.rates
        var balance = -oneTime
        for day in 0..<min(days, Self.horizon) { balance += (before - rates[day]) / 30 - lumps[day] }
        return balance
    }

    /// What the lifecycle charges over the first `days` days.
    public func lifecycleCharges(days: Int) -> Double { lumps.prefix(days).reduce(0, +) }

    /// The first month at whose end the savings have paid for the one-time cost
    /// and the lifecycle's charges (0 when nothing is paid up front and nothing is
    /// lost); nil when the move never pays for itself.
    public var breakEvenMonths: Int? {
        let rates = self.rates
        var balance = -oneTime
        if balance >= 0, before >= rates[0], lumps[0] <= 0 { return 0 }
        for day in 0..<Self.horizon {
            balance += (before - rates[day]) / 30 - lumps[day]
            if balance >= 0 { return Self.months(days: day + 1) }
        }
        let saving = before - rates[Self.horizon]
        guard saving > 0 else { return nil }
        let more = (-balance / (saving / 30)).rounded(.up)
        guard more < 1e9 else { return nil }
        return Self.months(days: Self.horizon + Int(more))
    }

    static func months(days: Int) -> Int { (days + 29) / 30 }

    public static func + (a: CostCurve, b: CostCurve) -> CostCurve {
        var c = a
        c.before += b.before
        c.oneTime += b.oneTime
        for i in c.deltas.indices {
            c.deltas[i] += b.deltas[i]
            c.lumps[i] += b.lumps[i]
        }
        return c
    }
}
