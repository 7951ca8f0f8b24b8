import DecantCore
import DecantStorage
import Foundation
import Testing
import TestSupport

/// Apply cut short by something other than SIGKILL (issue 14, defect 1 and the
/// SIGPIPE of defect 10): the disk under the state fills up, or the reader of
/// `apply --json` goes away. Either way the next apply converges and
/// `rollback --to 0` leaves nothing decant made: what the cut-short apply copied
/// is decant's, never "adopted".
@Suite(.serialized) struct InterruptionTests {
    static let objects = 2000

    /// A file size limit on the apply (`ulimit -f`, SIGXFSZ ignored): writes past it
    /// fail as on a full disk, so SQLite cannot record what the store already did.
    static let fullDisk = #"trap '' XFSZ; ulimit -f 400; exec "$0" "$@""#
    /// The reader of stdout stops after one line, as `apply --json | head -n 1` does.
    static let closedPipe = #""$0" "$@" | head -n 1 > /dev/null; exit "${PIPESTATUS[0]}""#

    /// On the local store the objects' index fills the same disk: whichever write
    /// fails first, the apply stops with an error and the next one converges.
    @Test func aFullDiskUnderTheStateOnTheLocalStore() async throws {
        try await cutShort(Self.fullDisk, store: .local) { result, label in
            #expect(result.status == 1 && result.signal == nil, "\(label): \(result)")
        }
    }

    @Test func aFullDiskUnderTheStateOnFakeGCSServer() async throws {
        try await cutShort(Self.fullDisk, store: .fakeGCS) { result, label in
            #expect(result.status == 1 && result.signal == nil, "\(label): \(result)")
            #expect(result.output.contains("state database"), "\(label): \(result)")
        }
    }

    /// SIGPIPE does not stop an apply: it stops printing, not applying.
    @Test func aClosedPipeOnStdoutDoesNotStopApply() async throws {
        try await cutShort(Self.closedPipe, store: .local) { result, label in
            #expect(result.status == 0, "\(label): apply died when its reader went away: \(result)")
        }
    }

    func cutShort(_ shell: String, store kind: StoreKind,
                  check: (DecantProcess.Result, String) async throws -> Void) async throws {
        let label = "\(kind.rawValue), \(shell)"
        let (fixture, workspace, store) = try await Self.prepare(kind)
        defer { workspace.remove() }
        let first = try await workspace.decant(MigrationFixture.applyArguments + ["--json"], shell: shell)
        try await check(first, label)
        let copied = try await MigrationFixture.list(store, fixture.keepBucket).count + MigrationFixture.list(store, fixture.movedBucket).count
        print("\(label): the first apply ended with exit \(first.status) after \(copied) copies")
        let final = try await workspace.decant(MigrationFixture.applyArguments)
        #expect(final.status == 0, "\(label): the apply that converges: \(final)")
        try await ConvergenceChecks.checkConverged(fixture, store: store, workspace: workspace, label: label)
        let show = try await workspace.decant(["state", "show", "--env", "dev"])
        #expect(show.stdout.contains(" 0 adopted"), "\(label): decant's own copies are recorded as adopted:\n\(show.stdout)")
        try await ConvergenceChecks.checkRolledBackToZero(fixture, store: store, workspace: workspace, label: label)
    }

    static func prepare(_ kind: StoreKind) async throws -> (MigrationFixture, DecantWorkspace, any ObjectStore) {
        switch kind {
        case .local:
            let fixture = MigrationFixture(storage: "{ provider: local, root: store }", count: objects)
            let workspace = try DecantWorkspace(label: "decant-interrupted-local", plan: fixture.planYAML())
            let store = LocalStore(root: workspace.storePath)
            try await fixture.fill(store)
            return (fixture, workspace, store)
        case .fakeGCS, .gcpStorageEmulator:
            let url = try Emulators.require(.fakeGCS)
            let store = GCSStore(endpoint: GCSEndpoint(baseURL: url, isEmulator: true), profile: .fakeGCSServer, project: "test",
                                 tokens: nil, transport: HTTPTransports.standard(maxConnectionsPerHost: 16), retry: StoreHarness.fastRetry)
            let fixture = MigrationFixture(storage: "{ provider: gcs, project: test, endpoint: \"\(url.absoluteString)\", emulator: fake-gcs-server }",
                                           count: objects)
            try await fixture.fill(store)
            return (fixture, try DecantWorkspace(label: "decant-interrupted-gcs", plan: fixture.planYAML()), store)
        }
    }
}
