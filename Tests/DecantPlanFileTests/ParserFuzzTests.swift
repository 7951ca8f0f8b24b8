import DecantCore
@testable import DecantPlanFile
import Foundation
import Testing

/// Random damage to a real plan: whatever the bytes, loading ends with a plan or
/// with error diagnostics that have a position, never a crash.
@Suite struct ParserFuzzTests {
    /// A small deterministic generator (SplitMix64), so a failure can be replayed.
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }
    }

    static let noise: [UInt8] = Array("{}[]:,-&*!|>'\"\t\n #$%\\?".utf8) + [0x00, 0xC3, 0xFF, 0xE2, 0x80]

    static func repositoryPlan() throws -> [UInt8] {
        let dir = Repository.root().appendingPathComponent("plans")
        var text = ""
        var seenMigrations = false
        for name in try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() where name.hasSuffix(".yaml") {
            // One file: `migrations:` opens once, the later phase files only add entries.
            for line in try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false) {
                if line == "migrations:" {
                    if seenMigrations { continue }
                    seenMigrations = true
                }
                text += line + "\n"
            }
        }
        return Array(text.utf8)
    }

    @Test func theUndamagedPlanLoads() throws {
        let file = PlanSourceFile(path: "all.yaml", relativePath: "all.yaml", bytes: try Self.repositoryPlan())
        let (plan, diagnostics) = PlanSet(files: [file]).resolve("prod")
        #expect(diagnostics.isEmpty)
        #expect(plan?.migrations.count == 12)
    }

    @Test func mutatedPlansNeverCrash() throws {
        let original = try Self.repositoryPlan()
        var random = Generator(state: 20_261_120)
        for round in 0..<600 {
            var bytes = original
            for _ in 0...random.below(4) {
                let at = random.below(bytes.count)
                switch random.below(4) {
                case 0: bytes.removeSubrange(at..<min(bytes.count, at + 1 + random.below(40)))
                case 1: bytes.insert(Self.noise[random.below(Self.noise.count)], at: at)
                case 2: bytes[at] = Self.noise[random.below(Self.noise.count)]
                default: bytes = Array(bytes[..<at])   // truncated
                }
            }
            let file = PlanSourceFile(path: "fuzz.yaml", relativePath: "fuzz.yaml", bytes: bytes)
            let (plan, diagnostics) = PlanSet(files: [file]).resolve("dev")
            #expect((plan == nil) == diagnostics.hasErrors, "round \(round)")
            #expect(diagnostics.errors.allSatisfy { $0.location != nil }, "round \(round): \(diagnostics.errors.filter { $0.location == nil })")
        }
    }
}
