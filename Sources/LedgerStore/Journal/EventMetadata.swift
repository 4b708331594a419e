import Foundation

/// Who wrote an event: enough to tell later whether the writing process is still alive.
public struct EventMetadata: Codable, Sendable, Equatable {
    public var host: String
    /// `/proc/sys/kernel/random/boot_id`: a pid is only meaningful within one boot.
    public var bootId: String
    public var pid: Int32
    public var user: String
    public var ledgerVersion: String
    /// CI identifiers found in the environment (`GITHUB_RUN_ID`, `CODEBUILD_BUILD_ID`, ...).
    public var ci: [String: String]?

    public init(host: String, bootId: String, pid: Int32, user: String, ledgerVersion: String, ci: [String: String]?) {
        self.host = host
        self.bootId = bootId
        self.pid = pid
        self.user = user
        self.ledgerVersion = ledgerVersion
        self.ci = ci
    }

    /// The version string of this build of ledger.
    public static let ledgerVersion = "0.1.0"

    /// This process's metadata.
    public static func current(environment: [String: String] = ProcessInfo.processInfo.environment) -> EventMetadata {
        let ciKeys = [
            "CI", "GITHUB_RUN_ID", "GITHUB_REPOSITORY", "GITHUB_SHA", "CODEBUILD_BUILD_ID",
            "CODEBUILD_RESOLVED_SOURCE_VERSION",
            "CI_JOB_ID", "CI_PIPELINE_ID", "BUILDKITE_BUILD_ID", "JENKINS_URL", "BUILD_ID",
        ]
        var ci: [String: String] = [:]
        for key in ciKeys { if let value = environment[key], !value.isEmpty { ci[key.lowercased()] = value } }
        return EventMetadata(
            host: ProcessInfo.processInfo.hostName,
            bootId: currentBootId(),
            pid: ProcessInfo.processInfo.processIdentifier,
            user: environment["USER"] ?? environment["LOGNAME"] ?? String(getuid()),
            ledgerVersion: ledgerVersion,
            ci: ci.isEmpty ? nil : ci)
    }

    /// This machine's boot id, or empty when unknown.
    public static func currentBootId() -> String {
        (try? String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
    }

    /// True when the writer is known to be gone: same host and boot with no such pid, or another boot.
    /// A writer on another host can't be checked and counts as alive.
    public var writerIsGone: Bool {
        guard host == ProcessInfo.processInfo.hostName else { return false }
        let boot = Self.currentBootId()
        if !bootId.isEmpty, !boot.isEmpty, bootId != boot { return true }
        if pid == ProcessInfo.processInfo.processIdentifier { return false }
        return kill(pid, 0) != 0 && errno == ESRCH
    }
}
