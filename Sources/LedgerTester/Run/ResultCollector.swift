import Foundation
import LedgerAnalysis
import LedgerEngine

/// Gathers the probe program's lines as they arrive: judges structure results, adds the environment
/// verdict, records each attempt, and fills in what never reported.
final class ResultCollector: @unchecked Sendable {
    private let lock = NSLock()
    private let options: TestRunOptions
    private let record: (ProbeLine, String, String) throws -> Void
    private let progress: @Sendable (TestCaseResult) -> Void
    private let commands: [String: StructureSpec.CommandTest]
    private let existence: [String: StructureSpec.FileExistenceTest]
    private let contents: [String: StructureSpec.FileContentTest]
    private var results: [String: TestCaseResult] = [:]
    private var arrival: [String] = []
    private var stderrTail: [String] = []
    private var recordError: (any Error)?

    init(
        options: TestRunOptions, specs: [StructureSpec], record: @escaping (ProbeLine, String, String) throws -> Void,
        progress: @escaping @Sendable (TestCaseResult) -> Void
    ) {
        self.options = options
        self.record = record
        self.progress = progress
        var commands: [String: StructureSpec.CommandTest] = [:]
        var existence: [String: StructureSpec.FileExistenceTest] = [:]
        var contents: [String: StructureSpec.FileContentTest] = [:]
        for spec in specs {
            for test in spec.commandTests { commands["structure.command.\(slug(test.name))"] = test }
            for test in spec.fileExistenceTests { existence["structure.file_existence.\(slug(test.name))"] = test }
            for test in spec.fileContentTests { contents["structure.file_content.\(slug(test.name))"] = test }
        }
        self.commands = commands
        self.existence = existence
        self.contents = contents
    }

    /// Handles one output line of the container.
    func receive(_ stream: LedgerEngine.OutputStream, _ text: String) {
        guard stream == .stdout, let line = ProbeLine.parse(text) else {
            lock.withLock {
                stderrTail.append(text)
                if stderrTail.count > 40 { stderrTail.removeFirst() }
            }
            return
        }
        add(line)
        if line.name == "environment.versions" { add(verdict(line)) }
    }

    /// Records an attempt (judging structure results first).
    func add(_ raw: ProbeLine) {
        var line = raw
        if let test = commands[line.name] {
            (line.status, line.message) = StructureJudge.judge(test, line)
        } else if let test = existence[line.name] {
            (line.status, line.message) = StructureJudge.judge(test, line)
        } else if let test = contents[line.name] {
            (line.status, line.message) = StructureJudge.judge(test, line)
        }
        let result: TestCaseResult = lock.withLock {
            var result =
                results[line.name]
                ?? TestCaseResult(
                    name: line.name, status: line.status, durationS: 0, message: line.message, attempts: 0)
            if results[line.name] == nil { arrival.append(line.name) }
            result.status = line.status
            result.message = line.message
            result.details = line.details
            result.durationS += line.durationS
            result.attempts = max(result.attempts + 1, line.attempt)
            results[line.name] = result
            do { try record(line, line.status, line.message) } catch { recordError = recordError ?? error }
            return result
        }
        progress(result)
    }

    /// The verdict from the versions the probe reported, judged with the analyzer's knowledge.
    func verdict(_ versions: ProbeLine) -> ProbeLine {
        let facts = versions.details
        guard versions.status == "passed", let torch = facts["torch"]?.string else {
            return ProbeLine(
                name: "environment.verdict", status: "skipped", durationS: 0,
                message: "torch is not installed: nothing to judge")
        }
        let judged = Compatibility.verdict(
            torch: torch, torchvision: facts["torchvision"]?.string, torchaudio: facts["torchaudio"]?.string,
            torchCuda: facts["torch_cuda"]?.string, visionCuda: facts["torchvision_cuda"]?.string,
            audioCuda: facts["torchaudio_cuda"]?.string)
        let status: String
        switch judged.verdict {
        case "mismatch": status = "failed"
        case "unknown": status = "skipped"
        default: status = "passed"
        }
        return ProbeLine(
            name: "environment.verdict", status: status, durationS: 0, message: "\(judged.verdict): \(judged.reason)",
            details: .object(["verdict": .string(judged.verdict), "reason": .string(judged.reason)]))
    }

    /// Fills in the cases that never reported and surfaces a failed event write.
    func finish(termination: Termination?, interrupted: Bool, budget: Double) {
        let reported = lock.withLock { Set(results.keys) }
        let expected = options.level.probes + StructureJudge.executions(options.specs).map(\.id)
        let missing = expected.filter { !reported.contains($0) }
        guard !missing.isEmpty else { return }
        let why: String
        let tail = lock.withLock { stderrTail.suffix(3).joined(separator: " | ") }
        if interrupted {
            why = "not run: the run was interrupted"
        } else if reported.isEmpty {
            let code = termination?.exitCode.map { "exit \($0)" } ?? "no exit status"
            add(
                ProbeLine(
                    name: "python.interpreter", status: "failed", durationS: 0,
                    message: "the probe program did not start (\(code)): \(tail)"))
            why = "not run: the probe program did not start"
        } else if termination?.stoppedByLedger == true {
            why = "not run: the container ran past its budget of \(Int(budget))s and was removed"
        } else {
            let code = termination?.exitCode.map { "exit \($0)" } ?? "signal \(termination?.signal ?? 0)"
            why = "the probe program ended (\(code)) before this test reported: \(tail)"
        }
        for name in missing where name != "python.interpreter" || !reported.isEmpty {
            if lock.withLock({ results[name] != nil }) { continue }
            add(ProbeLine(name: name, status: interrupted ? "skipped" : "error", durationS: 0, message: why))
        }
    }

    /// Results in the level's order, then extra probes, then structure tests, as they arrived.
    func ordered() -> [TestCaseResult] {
        lock.withLock {
            let order = Dictionary(options.level.probes.enumerated().map { ($1, $0) }) { first, _ in first }
            let arrivalIndex = Dictionary(arrival.enumerated().map { ($1, $0) }) { first, _ in first }
            return results.values.sorted { lhs, rhs in
                let left = (order[lhs.name] ?? Int.max, arrivalIndex[lhs.name] ?? Int.max)
                let right = (order[rhs.name] ?? Int.max, arrivalIndex[rhs.name] ?? Int.max)
                return left < right
            }
        }
    }

    /// The first error writing an event, if any.
    var failedRecord: (any Error)? { lock.withLock { recordError } }
}
