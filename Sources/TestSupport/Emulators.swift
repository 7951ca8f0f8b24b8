import Foundation

/// The emulators and tools `scripts/test` starts, found through the environment:
/// `DECANT_TEST_FAKE_GCS` and `DECANT_TEST_GCP_EMULATOR` (base URLs),
/// `DECANT_TEST_PYTHON` (the venv's python, with google-cloud-storage and
/// cryptography). When one is missing its tests are skipped with a message,
/// unless `DECANT_REQUIRE_EMULATORS=1`, in which case they run and fail.
public enum Emulators {
    public enum Kind: String, Sendable, CaseIterable, CustomStringConvertible {
        case fakeGCS = "DECANT_TEST_FAKE_GCS"
        case gcpStorageEmulator = "DECANT_TEST_GCP_EMULATOR"
        case python = "DECANT_TEST_PYTHON"

        public var description: String {
            switch self {
            case .fakeGCS: return "fake-gcs-server"
            case .gcpStorageEmulator: return "gcp-storage-emulator"
            case .python: return "the test venv's python"
            }
        }
    }

    static var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// `DECANT_REQUIRE_EMULATORS=1`: a missing emulator fails its tests.
    public static var required: Bool { environment["DECANT_REQUIRE_EMULATORS"] == "1" }

    public static func value(_ kind: Kind) -> String? {
        guard let value = environment[kind.rawValue], !value.isEmpty else { return nil }
        return value
    }

    /// Whether tests needing `kinds` should run (present, or required and so failing).
    public static func shouldRun(_ kinds: Kind...) -> Bool {
        required || kinds.allSatisfy { value($0) != nil }
    }

    /// The skip message for a test trait.
    public static func reason(_ kinds: Kind...) -> String {
        "needs \(kinds.map(\.description).joined(separator: " and ")) (run scripts/test, which starts them)"
    }

    /// The base URL of an emulator, or an error naming the variable to set.
    public static func url(_ kind: Kind) throws -> URL {
        guard let text = value(kind), let url = URL(string: text) else { throw Missing(kind: kind) }
        return url
    }

    public static func python() throws -> String {
        guard let path = value(.python) else { throw Missing(kind: .python) }
        return path
    }

    public struct Missing: Error, CustomStringConvertible {
        public var kind: Kind
        public var description: String { "\(kind.rawValue) is not set: \(Emulators.reason(kind))" }
    }
}

/// Names unique to one test, so that suites can share one emulator in parallel.
public enum UniqueName {
    /// A valid bucket name: `prefix-<12 random hex>`, lowercase.
    public static func bucket(_ prefix: String = "t") -> String {
        let random = UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12)
        return "\(prefix.lowercased())-\(random)"
    }
}
