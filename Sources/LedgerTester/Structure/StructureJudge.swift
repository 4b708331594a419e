import Foundation
import LedgerEngine

/// Turns structure tests into what the probe program executes, and judges the raw results it reports.
enum StructureJudge {
    /// The executions for the in-container tests of `specs` (metadata is judged from `docker image inspect`).
    static func executions(_ specs: [StructureSpec]) -> [StructureExecution] {
        specs.flatMap { spec in
            spec.commandTests.map {
                StructureExecution(
                    id: "structure.command.\(slug($0.name))", kind: "command", command: $0.command, args: $0.args,
                    env: $0.envVars)
            }
                + spec.fileExistenceTests.map {
                    StructureExecution(
                        id: "structure.file_existence.\(slug($0.name))", kind: "file_existence", path: $0.path)
                }
                + spec.fileContentTests.map {
                    StructureExecution(
                        id: "structure.file_content.\(slug($0.name))", kind: "file_content", path: $0.path)
                }
        }
    }

    static func matches(_ pattern: String, _ text: String) -> Bool {
        guard let regex = try? NSRegularExpression(pattern: pattern, options: [.anchorsMatchLines]) else {
            return false
        }
        return regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    static func regexFailures(_ text: String, expected: [String], excluded: [String], what: String) -> [String] {
        expected.filter { !matches($0, text) }.map { "expected \(what) /\($0)/ not found" }
            + excluded.filter { matches($0, text) }.map { "excluded \(what) /\($0)/ found" }
    }

    /// Judges a command test from the line the program reported.
    static func judge(_ test: StructureSpec.CommandTest, _ line: ProbeLine) -> (String, String) {
        guard line.status == "passed" else { return (line.status, line.message) }
        let stdout = line.details["stdout"]?.string ?? ""
        let stderr = line.details["stderr"]?.string ?? ""
        let code = line.details["exit_code"]?.int
        var failures = regexFailures(
            stdout, expected: test.expectedOutput, excluded: test.excludedOutput, what: "output")
        failures += regexFailures(stderr, expected: test.expectedError, excluded: test.excludedError, what: "error")
        let wantCode = test.exitCode ?? 0
        if code != wantCode { failures.append("exit code \(code.map(String.init) ?? "none"), expected \(wantCode)") }
        return verdict(failures, ok: "exit code \(wantCode), output as expected")
    }

    /// Judges a file existence test.
    static func judge(_ test: StructureSpec.FileExistenceTest, _ line: ProbeLine) -> (String, String) {
        guard line.status == "passed" else { return (line.status, line.message) }
        let exists = line.details["exists"]?.bool ?? false
        guard test.shouldExist else {
            return exists ? ("failed", "\(test.path) exists but should not") : ("passed", "\(test.path) does not exist")
        }
        guard exists else { return ("failed", "\(test.path) does not exist") }
        var failures: [String] = []
        let mode = line.details["mode"]?.string ?? "?"
        if let want = test.permissions, want != mode { failures.append("permissions \(mode), expected \(want)") }
        let uid = line.details["uid"]?.int
        if let want = test.uid, want != uid { failures.append("uid \(uid.map(String.init) ?? "?"), expected \(want)") }
        let gid = line.details["gid"]?.int
        if let want = test.gid, want != gid { failures.append("gid \(gid.map(String.init) ?? "?"), expected \(want)") }
        return verdict(failures, ok: "\(test.path) exists (\(mode))")
    }

    /// Judges a file content test.
    static func judge(_ test: StructureSpec.FileContentTest, _ line: ProbeLine) -> (String, String) {
        guard line.status == "passed" else { return (line.status, line.message) }
        guard line.details["exists"]?.bool == true, let content = line.details["content"]?.string else {
            return ("failed", "cannot read \(test.path): \(line.details["error"]?.string ?? "missing")")
        }
        let failures = regexFailures(
            content, expected: test.expectedContents, excluded: test.excludedContents, what: "content")
        return verdict(failures, ok: "\(test.path) content as expected")
    }

    /// Judges a metadata test against `docker image inspect`.
    static func judge(_ test: StructureSpec.MetadataTest, _ image: ImageInspection) -> (String, String) {
        var failures: [String] = []
        var env: [String: String] = [:]
        for item in image.env {
            let parts = item.split(separator: "=", maxSplits: 1)
            env[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
        }
        for (key, value) in test.env where env[key] != value {
            failures.append("env \(key)=\(env[key] ?? "<unset>"), expected \(value)")
        }
        for (key, value, isRegex) in test.labels {
            let actual = image.labels[key]
            let ok = actual.map { isRegex ? matches("^(?:\(value))$", $0) : $0 == value } ?? false
            if !ok { failures.append("label \(key)=\(actual ?? "<unset>"), expected \(value)") }
        }
        let ports = Set(image.exposedPorts.map { $0.contains("/") ? $0 : "\($0)/tcp" })
        func port(_ text: String) -> String { text.contains("/") ? text : "\(text)/tcp" }
        for wanted in test.exposedPorts where !ports.contains(port(wanted)) {
            failures.append("port \(wanted) not exposed")
        }
        for unwanted in test.unexposedPorts where ports.contains(port(unwanted)) {
            failures.append("port \(unwanted) exposed")
        }
        if let want = test.entrypoint, want != image.entrypoint {
            failures.append("entrypoint \(image.entrypoint), expected \(want)")
        }
        if let want = test.cmd, want != image.cmd { failures.append("cmd \(image.cmd), expected \(want)") }
        if let want = test.workdir, want != image.workdir {
            failures.append("workdir \"\(image.workdir)\", expected \"\(want)\"")
        }
        if let want = test.user, want != image.user { failures.append("user \"\(image.user)\", expected \"\(want)\"") }
        return verdict(failures, ok: "image configuration as expected")
    }

    static func verdict(_ failures: [String], ok: String) -> (String, String) {
        failures.isEmpty ? ("passed", ok) : ("failed", failures.joined(separator: "; "))
    }
}
