#if canImport(Glibc)
import Glibc
#endif
import DecantCore
import DecantStorage
import Foundation
import Testing
import TestSupport

/// A storage endpoint that dies under decant (issue 14, defect 2): apply says it is
/// retrying, then stops starting work, journals what was in flight and fails with
/// one message naming the endpoint and "run apply again", in a bounded time (it
/// used to sit silent for eleven minutes); the next apply finishes the work and a
/// rollback to 0 still takes everything back. `plan` against a dead endpoint says
/// within seconds that it is retrying.
@Suite(.serialized) struct EndpointDeathTests {
    @Test func anApplyWhoseEndpointDiesStopsWithOneClearMessage() async throws {
        let url = try Emulators.require(.fakeGCS)
        let direct = GCSStore(endpoint: GCSEndpoint(baseURL: url, isEmulator: true), profile: .fakeGCSServer, project: "test",
                              tokens: nil, transport: HTTPTransports.standard(maxConnectionsPerHost: 16), retry: StoreHarness.fastRetry)
        let proxy = try FaultInjectingProxy(upstream: url, faultRate: 0)
        let line = { (endpoint: URL) in "{ provider: gcs, project: test, endpoint: \"\(endpoint.absoluteString)\", emulator: fake-gcs-server }" }
        var fixture = MigrationFixture(storage: line(proxy.url), count: 2000)
        try await fixture.fill(direct)
        let workspace = try DecantWorkspace(label: "decant-endpoint-death", plan: fixture.planYAML())
        defer { workspace.remove() }

        let child = try workspace.start(MigrationFixture.applyArguments)
        #expect(await child.waitUntil(timeout: 120) { child.stderrSoFar.contains("Applying") }, "apply did not start: \(child.stderrSoFar)")
        try await Task.sleep(for: .milliseconds(300))
        proxy.stop()
        let died = ContinuousClock.now
        let result = await child.wait(timeout: 180)
        let seconds = DecantProcess.seconds(ContinuousClock.now - died)
        print(String(format: "the endpoint died under apply: it ended %.1f s later with exit %d", seconds, result.status))
        #expect(!result.timedOut, "apply hung behind a dead endpoint: \(result)")
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("retrying ") && result.stderr.contains("attempt "), "no word while retrying: \(result)")
        #expect(result.stderr.contains("the storage endpoint \(proxy.url.absoluteString) stopped answering"), "\(result)")
        #expect(result.stderr.contains("Run apply again"), "\(result)")
        #expect(seconds < 120, "\(result)")
        let state = try #require(try StateSnapshot(copying: workspace.statePath))
        #expect(try state.text("SELECT status FROM runs ORDER BY serial DESC LIMIT 1") == "failed")
        #expect(try state.int("SELECT COUNT(*) FROM journal WHERE state = 'intent'") == 0, "actions in flight were not journaled as ended")

        // The endpoint is back (at another address): apply finishes, rollback takes it all back.
        let back = try FaultInjectingProxy(upstream: url, faultRate: 0)
        defer { back.stop() }
        fixture = fixture.with(storage: line(back.url))
        try workspace.writePlan(fixture.planYAML())
        let final = try await workspace.decant(MigrationFixture.applyArguments)
        #expect(final.status == 0, "\(final)")
        try await ConvergenceChecks.checkConverged(fixture, store: direct, workspace: workspace, readBack: 300, label: "after the endpoint died")
        try await ConvergenceChecks.checkRolledBackToZero(fixture, store: direct, workspace: workspace, label: "after the endpoint died")
    }

    @Test func planAgainstADeadEndpointSaysWithinSecondsThatItIsRetrying() async throws {
        // A port where nothing listens.
        let closed = try TestHTTPServer { _ in .drop }
        let endpoint = closed.url
        closed.stop()
        let fixture = MigrationFixture(storage: "{ provider: gcs, project: test, endpoint: \"\(endpoint.absoluteString)\", emulator: fake-gcs-server }",
                                       count: 1)
        let workspace = try DecantWorkspace(label: "decant-dead-plan", plan: fixture.planYAML())
        defer { workspace.remove() }
        let child = try workspace.start(["plan", "--env", "dev"])
        let said = await child.waitUntil(timeout: 5) { child.stderrSoFar.contains("retrying ") }
        #expect(said, "plan said nothing within 5 s: \(child.stderrSoFar)")
        let result = await child.wait(timeout: 180)
        #expect(!result.timedOut && result.status == 1, "\(result)")
        #expect(result.stderr.contains("the storage endpoint \(endpoint.absoluteString) stopped answering"), "\(result)")
        #expect(result.seconds < 60, "\(result)")
    }
}
