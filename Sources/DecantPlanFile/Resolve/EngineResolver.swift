import DecantCore

/// `engines:`: when a migration with `engine: auto` (the default) copies with
/// Storage Transfer Service instead of the API.
struct EngineResolver {
    let document: PlanDocument
    let reader: ValueReader
    var bag: DiagnosticBag { reader.bag }

    static let keys = ["transfer_service_above", "transfer_service_above_objects"]

    func thresholds() -> EngineThresholds {
        var thresholds = EngineThresholds()
        guard let entry = document.singletons["engines"],
              let fields = Fields(entry.value, path: "engines", known: Self.keys, anchor: entry.key.location, bag: bag) else {
            return thresholds
        }
        if let node = fields["transfer_service_above"], let text = reader.string(node, "engines.transfer_service_above") {
            if let bytes = ByteSize.parse(text) {
                thresholds.transferServiceAboveBytes = bytes
            } else {
                bag.error("`engines.transfer_service_above` must be a size, got `\(text)`", at: node.location,
                          hint: "write e.g. `1TiB`, `500GB` or a number of bytes")
            }
        }
        if let node = fields["transfer_service_above_objects"],
           let objects = reader.int(node, "engines.transfer_service_above_objects", atLeast: 0) {
            thresholds.transferServiceAboveObjects = objects
        }
        return thresholds
    }
}
