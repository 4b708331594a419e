import Foundation

/// DESIGN's failure classes for a build attempt.
public enum FailureClass: String, Codable, Sendable, CaseIterable {
    case resolverConflict = "resolver_conflict"
    case noMatchingDistribution = "no_matching_distribution"
    case network
    case diskFull = "disk_full"
    case oomKilled = "oom_killed"
    case dockerfileSyntax = "dockerfile_syntax"
    case commandFailed = "command_failed"
    case engineUnavailable = "engine_unavailable"
    case interrupted
    case unknown

    /// Failures worth one more try without any change (the cause is outside the build's inputs).
    public var isTransient: Bool { self == .network }
}

/// A classified failure and the log lines that decided it.
public struct FailureClassification: Sendable, Equatable {
    /// The class.
    public var failureClass: FailureClass
    /// The deciding line(s), ANSI codes stripped.
    public var message: String

    /// Memberwise initializer.
    public init(failureClass: FailureClass, message: String) {
        self.failureClass = failureClass
        self.message = message
    }
}

/// Classifies a failed build from the end of its log (ANSI codes are stripped first).
///
/// Rules are checked in order; the first whose pattern occurs wins. The order matters: pip prints
/// "No matching distribution" after a connection error too, so network comes before it; a killed
/// `RUN` also "returned a non-zero code", so OOM comes before command_failed.
public enum FailureClassifier {
    /// (class, case-sensitive substrings) in priority order.
    static let rules: [(FailureClass, [String])] = [
        (
            .engineUnavailable,
            [
                "Cannot connect to the Docker daemon", "Is the docker daemon running", "error during connect",
                "connect: no such file or directory",
            ]
        ),
        (
            .dockerfileSyntax,
            [
                "Dockerfile parse error", "dockerfile parse error", "unknown instruction:", "Unknown instruction:",
                "failed to parse Dockerfile", "requires either one or three arguments",
                "requires at least one argument",
                "requires exactly one argument", "requires at least two arguments", "unknown flag:",
                "failed to process \"", "empty continuation line",
            ]
        ),
        (
            .oomKilled,
            [
                "returned a non-zero code: 137", "exit code: 137", "OOMKilled", "Out of memory", "out of memory",
                "Cannot allocate memory", "MemoryError",
            ]
        ),
        (.diskFull, ["No space left on device", "ENOSPC", "Disk quota exceeded", "no space left on device"]),
        (
            .resolverConflict,
            [
                "ResolutionImpossible", "conflicting dependencies", "The conflict is caused by",
                "UnsatisfiableError", "LibMambaUnsatisfiableError", "unsatisfiable", "has requirement",
            ]
        ),
        (
            .network,
            [
                "Failed to establish a new connection", "Temporary failure in name resolution",
                "Network is unreachable", "Connection refused", "Could not resolve host", "Read timed out",
                "ConnectTimeoutError", "Connection reset by peer", "TLS handshake timeout", "i/o timeout",
                "Temporary failure resolving", "dial tcp", "ProxyError", "Could not fetch URL",
                "connection broken by", "Name or service not known", "net/http: request canceled",
            ]
        ),
        (
            .noMatchingDistribution,
            [
                "No matching distribution found", "Could not find a version that satisfies the requirement",
                "PackagesNotFoundError", "Unable to locate package",
            ]
        ),
        (
            .commandFailed,
            [
                "returned a non-zero code", "did not complete successfully", "executor failed running",
                "exit code:",
            ]
        ),
    ]

    /// Classifies `log` (usually its last few hundred KiB).
    public static func classify(_ log: String) -> FailureClassification {
        let text = ANSI.strip(log)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true)
        for (failureClass, patterns) in rules {
            // The last line that matches is the most specific message.
            if let line = lines.last(where: { line in patterns.contains { line.contains($0) } }) {
                return FailureClassification(
                    failureClass: failureClass, message: decidingLines(failureClass, line, lines))
            }
        }
        let tail = lines.suffix(3).joined(separator: "\n")
        return FailureClassification(failureClass: .unknown, message: tail)
    }

    private static func decidingLines(_ failureClass: FailureClass, _ line: Substring, _ lines: [Substring])
        -> String
    {
        var chosen = [line]
        if failureClass == .resolverConflict {
            // pip: "The conflict is caused by:" then "The user requested torch==2.5.1" and
            // "torchvision 0.21.0 depends on torch==2.6.0": those lines name the facts.
            let facts = lines.filter { $0.contains(" depends on ") || $0.contains("The user requested") }
            if !facts.isEmpty { chosen = facts.suffix(6) }
        }
        return String(
            chosen.map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: "\n").prefix(1000))
    }
}
