/// Where planning spent its time: waiting for listings (summed over migrations
/// listed concurrently), building the graph, and in all.
public struct PlanStatistics: Sendable {
    public var objectsListed: Int
    public var listing: Duration
    public var ledger: Duration
    public var graph: Duration
    public var total: Duration

    public init(objectsListed: Int, listing: Duration, ledger: Duration, graph: Duration, total: Duration) {
        self.objectsListed = objectsListed
        self.listing = listing
        self.ledger = ledger
        self.graph = graph
        self.total = total
    }

    public var description: String {
        func s(_ d: Duration) -> String {
            let c = d.components
            return String(format: "%.3f s", Double(c.seconds) + Double(c.attoseconds) / 1e18)
        }
        return "planned in \(s(total)): \(objectsListed) objects listed, \(s(listing)) waiting for listings, \(s(ledger)) reading the ledger, \(s(graph)) building the graph"
    }
}
