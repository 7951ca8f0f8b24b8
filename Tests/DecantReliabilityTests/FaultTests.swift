import DecantStorage
import Foundation
import Testing
import TestSupport

/// Apply through a proxy that fails a share of the requests to fake-gcs-server
/// with 429, 503, or by forwarding them and dropping the connection before the
/// answer (the server acted; decant cannot know). Apply must retry its way to
/// the same end as without faults: every object copied and verified once,
/// nothing duplicated in the ledger, the moved sources deleted.
///
/// The proxy closes every connection after its answer: FoundationNetworking
/// (libcurl) stalls until the request's timeout instead of failing when a
/// kept-alive connection drops under a request with a body (see
/// FaultInjectingProxy). Each apply is bounded by a timeout so that a stall shows
/// as a failure with its output rather than a hung suite.
@Suite struct FaultTests {
    @Test func applyConvergesThroughInjectedFaults() async throws {
        let url = try Emulators.require(.fakeGCS)
        let seed = UInt64(ProcessInfo.processInfo.environment["DECANT_FAULT_SEED"] ?? "") ?? UInt64.random(in: 1...UInt64(UInt32.max))
        let proxy = try FaultInjectingProxy(upstream: url, faultRate: 0.15, seed: seed)
        defer { proxy.stop() }
        let direct = GCSStore(endpoint: GCSEndpoint(baseURL: url, isEmulator: true), profile: .fakeGCSServer, project: "test",
                              tokens: nil, transport: HTTPTransports.standard(maxConnectionsPerHost: 16), retry: StoreHarness.fastRetry)
        let line = "{ provider: gcs, project: test, endpoint: \"\(proxy.url.absoluteString)\", emulator: fake-gcs-server }"
        let fixture = MigrationFixture(storage: line, count: 600)
        try await fixture.fill(direct)
        let workspace = try DecantWorkspace(label: "decant-faults", plan: fixture.planYAML())
        defer { workspace.remove() }

        // Retries inside one apply should carry it. A bucket insert that got a 503 or
        // a dropped connection is not retried (it is not idempotent), so the apply
        // fails and the next one finishes the work: that is convergence too. At a 15%
        // fault rate two such failures in a row happen in about 1% of runs, hence 3.
        var results: [DecantProcess.Result] = []
        for _ in 1...3 {
            let result = try await workspace.decant(MigrationFixture.applyArguments, timeout: 240)
            results.append(result)
            #expect(!result.timedOut, "apply stalled behind the fault proxy (see FaultInjectingProxy about libcurl): \(result)")
            if result.status == 0 { break }
        }
        let counts = proxy.counts
        print(String(format: "fault test (seed %llu): %d requests, %d answered 429, %d answered 503, %d dropped after forwarding; %d apply run(s): %@",
                     seed, counts.requests, counts.tooManyRequests, counts.unavailable, counts.droppedAfterForwarding, results.count,
                     results.map { String(format: "exit %d in %.1f s", $0.status, $0.seconds) }.joined(separator: ", ")))
        for failed in results.dropLast() {
            print("  an apply that did not converge on its own; the next one finished its work:\n"
                  + failed.output.split(separator: "\n").filter { $0.contains("failed") || $0.contains("error") }.prefix(8).joined(separator: "\n"))
        }
        #expect(results.last?.status == 0, "apply did not converge through the faults (seed \(seed)): \(results.map(\.description))")
        #expect(counts.droppedAfterForwarding > 0 && counts.tooManyRequests > 0 && counts.unavailable > 0, "faults were injected: \(counts)")
        try await ConvergenceChecks.checkConverged(fixture, store: direct, workspace: workspace, label: "through faults (seed \(seed))")
    }
}
