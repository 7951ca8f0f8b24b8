import DecantCore
import DecantStorage
import Foundation
import Testing

/// The stores the conformance suite runs against.
public enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case local
    case fakeGCS = "fake-gcs-server"
    case gcpStorageEmulator = "gcp-storage-emulator"

    public var testDescription: String { rawValue }
}

/// One store ready for a test: a fresh `LocalStore` in a temporary folder, or a
/// `GCSStore` on an emulator (fast retries, its profile's capabilities).
public struct StoreHarness: Sendable {
    public let kind: StoreKind
    public let store: any ObjectStore
    /// The emulator's base URL (for the Python client); nil for the local store.
    public let endpoint: URL?
    private let directory: TemporaryDirectory?

    /// Skips the calling test (visibly) when the emulator is absent and not required.
    /// `profile` replaces the emulator's own (tests that check what an emulator really does).
    public static func make(_ kind: StoreKind, retry: RetryPolicy = StoreHarness.fastRetry,
                            profile: GCSProfile? = nil) throws -> StoreHarness {
        switch kind {
        case .local:
            let directory = try TemporaryDirectory("decant-local")
            return StoreHarness(kind: kind, store: LocalStore(root: directory.path), endpoint: nil, directory: directory)
        case .fakeGCS, .gcpStorageEmulator:
            let emulator: Emulators.Kind = kind == .fakeGCS ? .fakeGCS : .gcpStorageEmulator
            let url = try Emulators.require(emulator)
            let profile: GCSProfile = profile ?? (kind == .fakeGCS ? .fakeGCSServer : .gcpStorageEmulator)
            let transport = kind == .fakeGCS ? StoreHarness.fakeGCSTransport : StoreHarness.gcpEmulatorTransport
            let store = GCSStore(endpoint: GCSEndpoint(baseURL: url, isEmulator: true), profile: profile,
                                 project: "test", tokens: nil, transport: transport, retry: retry)
            return StoreHarness(kind: kind, store: store, endpoint: url, directory: nil)
        }
    }

    /// One connection pool per emulator for all tests. gcp-storage-emulator serves
    /// one request at a time with a listen backlog of 5 and resets connections
    /// beyond that, so at most 2 connections go to it at once.
    /// The standard transport (libcurl; `DECANT_HTTP=urlsession` for URLSession).
    static let gcpEmulatorTransport = HTTPTransports.standard(maxConnectionsPerHost: 2)
    static let fakeGCSTransport = HTTPTransports.standard(maxConnectionsPerHost: 64)

    /// Retries in milliseconds, so that tests with faults stay fast.
    public static let fastRetry = RetryPolicy(initialDelay: 0.005, maximumDelay: 0.05, maxAttempts: 15, maxElapsed: 60)

    /// Skips the calling test (visibly) when the store lacks a capability.
    public func require(_ capability: KeyPath<StoreCapabilities, Bool>, _ what: String) throws {
        if !store.capabilities[keyPath: capability] {
            try skip("\(kind.rawValue) does not \(what)")
        }
    }

    /// A new bucket with a unique name.
    public func bucket(_ settings: BucketSettings = BucketSettings()) async throws -> String {
        let name = UniqueName.bucket()
        _ = try await store.createBucket(name, project: "test", settings: settings)
        return name
    }

    public func tearDown() { directory?.remove() }
}

extension Emulators {
    /// The emulator's URL; fails when it is required, else skips the test visibly.
    public static func require(_ kind: Kind) throws -> URL {
        if value(kind) == nil, !required { try skip(reason(kind)) }
        return try url(kind)
    }

    /// The venv's python; fails when emulators are required, else skips the test visibly.
    public static func requirePython() throws -> PythonClient {
        if value(.python) == nil, !required { try skip(reason(.python)) }
        return try PythonClient.fromEnvironment()
    }
}

/// Ends the current test (or test case) as skipped, saying why on stderr: Swift
/// Testing reports a cancelled test case as passed, so the reason is printed.
public func skip(_ reason: String) throws -> Never {
    let name = Test.current?.name ?? "a test"
    FileHandle.standardError.write(Data("⊘ skipped \(name): \(reason)\n".utf8))
    try Test.cancel(Comment(rawValue: reason))
}
