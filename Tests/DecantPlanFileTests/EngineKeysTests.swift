import DecantCore
@testable import DecantPlanFile
import Testing

/// `engine:` per migration and `engines:` for the whole plan (issue 18): read,
/// defaulted, and refused with a position and a hint when mistyped.
@Suite struct EngineKeysTests {
    static func plan(engine: String? = nil, engines: String? = nil) -> String {
        PlanText.header + (engines.map { "engines: \($0)\n" } ?? "") + """
        migrations:
          history:
            source: "data-bucket/historization/"
            target: "gs://archive/archives/"
        """ + (engine.map { "\n    engine: \($0)" } ?? "") + "\n"
    }

    @Test func defaultsToAutoWithTheBuiltInThresholds() throws {
        let plan = try #require(PlanText.load(Self.plan()).plan)
        #expect(plan.migrations[0].engine == .auto)
        #expect(plan.engines == EngineThresholds())
        #expect(plan.engines.transferServiceAboveBytes == 1_099_511_627_776)
    }

    @Test func readsTheEngineAndTheThresholds() throws {
        let plan = try #require(PlanText.load(Self.plan(engine: "transfer_service",
                                                        engines: "{ transfer_service_above: 500GB, transfer_service_above_objects: 2000 }")).plan)
        #expect(plan.migrations[0].engine == .transferService)
        #expect(plan.engines == EngineThresholds(transferServiceAboveBytes: 500_000_000_000, transferServiceAboveObjects: 2000))
        #expect(try #require(PlanText.load(Self.plan(engine: "api")).plan).migrations[0].engine == .api)
    }

    @Test(arguments: [
        (Self.plan(engine: "transfer"), "`migrations.history.engine`: `transfer` is not one of `api`, `transfer_service`, `auto`", "10:13"),
        (Self.plan(engines: "{ transfer_service_above: lots }"), "`engines.transfer_service_above` must be a size, got `lots`", "6:36"),
        (Self.plan(engines: "{ transfer_service_above_objects: -1 }"), "engines.transfer_service_above_objects", "6:44"),
        (Self.plan(engines: "{ above: 1TiB }"), "unknown key `above` in `engines`", "6:12"),
    ])
    func aMistakeIsAnErrorWhereItIs(_ text: String, _ message: String, _ position: String) {
        let errors = PlanText.errors(text)
        #expect(errors.contains { $0.message.contains(message) }, "\(errors)")
        #expect(errors.first?.position == position, "\(errors)")
    }

    @Test(arguments: [("1TiB", Int64(1) << 40), ("500GB", 500_000_000_000), ("750 GiB", 750 << 30), ("1048576", 1_048_576),
                      ("1.5TB", 1_500_000_000_000)])
    func sizes(_ text: String, _ bytes: Int64) {
        #expect(ByteSize.parse(text) == bytes)
    }

    @Test(arguments: ["", "TiB", "1 XB", "-1GB", "1e30TB", "1..2GB"])
    func notSizes(_ text: String) {
        #expect(ByteSize.parse(text) == nil)
    }
}
