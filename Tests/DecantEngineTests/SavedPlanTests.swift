import DecantCore
import DecantEngine
import Foundation
import TestSupport
import Testing

@Suite struct SavedPlanTests {
    @Test func roundTripsAndDetectsStaleness() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let plan = Plan(environment: "dev", storage: .local(root: "store"), state: .local(path: "state/dev.db"), inputDigest: "abc")
        let changes = PlannedChanges(environment: "dev", generatedAt: Date(timeIntervalSince1970: 1_700_000_000),
                                     inputDigest: "abc", stateLineage: "L1", stateSerial: 3)
        let path = dir.path + "/plan.decant"
        try SavedPlan(plan: plan, changes: changes).write(to: path)
        let read = try SavedPlan.read(from: path)
        #expect(read.changes == changes)
        #expect(read.plan == plan)
        #expect(read.staleness(inputDigest: "abc", lineage: "L1", serial: 3) == nil)
        #expect(read.staleness(inputDigest: "xyz", lineage: "L1", serial: 3) == .planFilesChanged)
        #expect(read.staleness(inputDigest: "abc", lineage: "L1", serial: 4) == .stateMovedOn(planned: 3, now: 4))
        #expect(read.staleness(inputDigest: "abc", lineage: "L2", serial: 3) == .otherLineage("L1", "L2"))
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        try dir.write("junk", "not a plan")
        #expect(throws: EngineError.notASavedPlan(dir.path + "/junk")) { try SavedPlan.read(from: dir.path + "/junk") }
    }

    @Test func aSavedPlanOfAnotherFormatIsRefusedByItsVersion() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        // Format 1 held reasons as sentences: it does not decode as this format, and says so by its version.
        try dir.write("old.decant", #"{"formatVersion":1,"decantVersion":"0.1.0","plan":{},"changes":{"graph":{"actions":[{"reason":"1 object"}]}}}"#)
        #expect(throws: EngineError.savedPlanFormat(dir.path + "/old.decant", 1)) { try SavedPlan.read(from: dir.path + "/old.decant") }
        #expect(SavedPlan.formatVersion == 3)
    }
}
