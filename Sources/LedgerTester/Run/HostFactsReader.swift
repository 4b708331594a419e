import Foundation
import LedgerEngine
import LedgerStore

/// The facts about this machine a test run records, read by the same probe as builds (never a network call):
/// instance type from `LEDGER_INSTANCE_TYPE`, DMI files or CodeBuild's variables.
enum HostFactsReader {
    static func read(engineVersion: String?, probe: HostProbe = HostProbe()) -> HostFacts {
        let snapshot = probe.snapshot()
        return HostFacts(
            hostname: snapshot.hostname, instanceType: snapshot.instanceType,
            instanceTypeSource: snapshot.instanceTypeSource, cpuModel: snapshot.cpuModel, cpuCount: snapshot.cpuCount,
            memoryBytes: snapshot.memoryBytes, engineVersion: engineVersion, codebuild: snapshot.codebuild)
    }
}
