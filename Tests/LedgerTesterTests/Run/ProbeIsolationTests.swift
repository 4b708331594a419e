import Foundation
import LedgerStore
import Testing

@testable import LedgerTester

/// A probe that hangs or crashes is an `error` and the others still report; retries record every attempt.
@Suite("probe isolation, timeouts and retries (real engine)")
struct ProbeIsolationTests {
    static let hooks = """
        @probe("test.hang")
        def _hang():
            time.sleep(3600)

        @probe("test.crash")
        def _crash():
            os.abort()

        @probe("test.flaky")
        def _flaky():
            marker = "/tmp/ledger-flaky-marker"
            if not os.path.exists(marker):
                open(marker, "w").close()
                raise Fail("first attempt fails")
            return "passed on a later attempt"

        @probe("test.fail")
        def _fail():
            raise Fail("the checked thing is broken", {"torch_cuda": "12.4"})

        @probe("test.after")
        def _after():
            return "still runs"
        """

    @Test("a hanging probe times out, a crashing one is an error, the rest report; retries are recorded")
    func isolation() async throws {
        let store = try Fixtures.store()
        var options = TestRunOptions(image: Fixtures.baseImage)
        options.level = .quick
        options.gpus = .none
        options.timeout = 2
        options.retries = 1
        options.probeExtra = Self.hooks
        let started = ContinuousClock.now
        let report = try await Fixtures.run(options, store: store)
        let elapsed = ContinuousClock.now - started

        let hang = report.result("test.hang")
        #expect(hang.status == "error")
        #expect(hang.message == "timed out after 2s")
        #expect(hang.attempts == 2)
        let crash = report.result("test.crash")
        #expect(crash.status == "error")
        #expect(crash.message.contains("crashed the interpreter (signal 6, SIGABRT)"))
        let flaky = report.result("test.flaky")
        #expect(flaky.status == "passed")
        #expect(flaky.attempts == 2)
        #expect(report.result("test.after").status == "passed")
        let fail = report.result("test.fail")
        #expect(fail.status == "failed")
        #expect(fail.message == "the checked thing is broken")
        #expect(fail.details["torch_cuda"]?.string == "12.4")
        #expect(fail.attempts == 2)
        #expect(report.result("imports.numpy").status == "passed")
        #expect(report.result("imports.torch").attempts == 2)
        #expect(report.recommendations.contains { $0.test == "test.hang" && $0.issue.contains("timed out") })
        // Two 2 s timeouts, not the hour the probe asked for.
        #expect(elapsed < .seconds(30))

        let cases = try store.stream("test-\(report.runId)").compactMap { $0.decode(TestCaseFinished.self) }
        let flakyAttempts = cases.filter { $0.name == "test.flaky" }
        #expect(flakyAttempts.map(\.status) == ["failed", "passed"])
        #expect(flakyAttempts.map(\.attempt) == [1, 2])
        #expect(cases.filter { $0.name == "test.hang" }.count == 2)
    }
}
