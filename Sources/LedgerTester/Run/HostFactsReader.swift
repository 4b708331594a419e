import Foundation
import LedgerStore

/// Reads the facts about this machine a test run records (never a network call).
enum HostFactsReader {
    static func read(engineVersion: String?, environment: [String: String] = ProcessInfo.processInfo.environment)
        -> HostFacts
    {
        var instanceType = "unknown"
        var source = "unknown"
        if let value = environment["LEDGER_INSTANCE_TYPE"], !value.isEmpty {
            (instanceType, source) = (value, "env")
        } else if let value = file("/sys/devices/virtual/dmi/id/product_name"), !value.isEmpty {
            (instanceType, source) = (value, "dmi")
        }
        let cpuModel = (file("/proc/cpuinfo") ?? "").split(separator: "\n")
            .first { $0.hasPrefix("model name") }
            .map { String($0.split(separator: ":", maxSplits: 1).last ?? "").trimmingCharacters(in: .whitespaces) }
        return HostFacts(
            hostname: ProcessInfo.processInfo.hostName, instanceType: instanceType, instanceTypeSource: source,
            cpuModel: cpuModel ?? "unknown", cpuCount: ProcessInfo.processInfo.activeProcessorCount,
            memoryBytes: Int64(ProcessInfo.processInfo.physicalMemory), engineVersion: engineVersion)
    }

    static func file(_ path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
