import Foundation

/// Facts about the machine a build runs on, gathered from flags, environment and files only.
public struct HostSnapshot: Sendable, Equatable {
    /// Host name.
    public var hostname: String
    /// Instance type, or `unknown`.
    public var instanceType: String
    /// Where the instance type came from: `flag`, `env`, `dmi`, `codebuild`, `unknown`.
    public var instanceTypeSource: String
    /// CPU model from `/proc/cpuinfo`.
    public var cpuModel: String
    /// Online CPUs.
    public var cpuCount: Int
    /// Physical memory in bytes (`MemTotal`).
    public var memoryBytes: Int64
    /// CodeBuild's build id, image and region when running there.
    public var codebuild: [String: String]?
}

/// Reads host facts without any network call (never a cloud metadata address).
///
/// Instance type, first that answers: `--instance-type`, `LEDGER_INSTANCE_TYPE`, the DMI files under
/// `/sys/devices/virtual/dmi/id` (on EC2 `sys_vendor` is "Amazon EC2" and `product_name` the instance type,
/// e.g. `c5.2xlarge`; elsewhere `product_name` names the machine model), then `codebuild` when CodeBuild's
/// variables are set.
public struct HostProbe: Sendable {
    /// The DMI folder (injectable for tests).
    public var dmiRoot: String
    /// The folder holding `cpuinfo` and `meminfo` (injectable for tests).
    public var procRoot: String
    /// The environment to read.
    public var environment: [String: String]

    /// A probe of this machine.
    public init(
        dmiRoot: String = "/sys/devices/virtual/dmi/id", procRoot: String = "/proc",
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        self.dmiRoot = dmiRoot
        self.procRoot = procRoot
        self.environment = environment
    }

    /// Gathers the facts; `instanceType` is the `--instance-type` flag when given.
    public func snapshot(instanceType flag: String? = nil) -> HostSnapshot {
        let (type, source) = instanceType(flag: flag)
        return HostSnapshot(
            hostname: ProcessInfo.processInfo.hostName, instanceType: type, instanceTypeSource: source,
            cpuModel: cpuModel(), cpuCount: cpuCount(), memoryBytes: memoryBytes(), codebuild: codebuild())
    }

    /// The instance type and where it came from.
    public func instanceType(flag: String?) -> (String, String) {
        if let flag = clean(flag) { return (flag, "flag") }
        if let value = clean(environment["LEDGER_INSTANCE_TYPE"]) { return (value, "env") }
        let vendor = read("sys_vendor")
        let product = read("product_name")
        if let product, !Self.placeholders.contains(product.lowercased()) {
            if vendor?.hasPrefix("Amazon") == true || product.contains(".") { return (product, "dmi") }
            let name = [vendor, product].compactMap { $0 }.joined(separator: " ")
            return (name, "dmi")
        }
        if codebuild() != nil { return ("codebuild", "codebuild") }
        return ("unknown", "unknown")
    }

    /// CodeBuild's variables, when set.
    public func codebuild() -> [String: String]? {
        let keys = [
            "CODEBUILD_BUILD_ID": "build_id", "CODEBUILD_BUILD_IMAGE": "image", "AWS_REGION": "region",
            "CODEBUILD_BUILD_ARN": "build_arn",
        ]
        guard environment["CODEBUILD_BUILD_ID"] != nil else { return nil }
        var facts: [String: String] = [:]
        for (key, name) in keys { if let value = clean(environment[key]) { facts[name] = value } }
        if facts["region"] == nil, let region = clean(environment["AWS_DEFAULT_REGION"]) { facts["region"] = region }
        return facts
    }

    /// `model name` of the first CPU (`unknown` when absent, e.g. on some ARM kernels: then `Hardware`/`CPU part`).
    public func cpuModel() -> String {
        guard let text = try? String(contentsOfFile: "\(procRoot)/cpuinfo", encoding: .utf8) else { return "unknown" }
        for key in ["model name", "Hardware", "cpu model", "Processor"] {
            for line in text.split(separator: "\n") where line.hasPrefix(key) {
                if let colon = line.firstIndex(of: ":") {
                    let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                    if !value.isEmpty { return value }
                }
            }
        }
        return "unknown"
    }

    /// Online CPUs (`processor` entries in cpuinfo, else the process's view).
    public func cpuCount() -> Int {
        if procRoot == "/proc" { return ProcessInfo.processInfo.activeProcessorCount }
        guard let text = try? String(contentsOfFile: "\(procRoot)/cpuinfo", encoding: .utf8) else { return 0 }
        return text.split(separator: "\n").filter { $0.hasPrefix("processor") }.count
    }

    /// `MemTotal` in bytes.
    public func memoryBytes() -> Int64 {
        guard let text = try? String(contentsOfFile: "\(procRoot)/meminfo", encoding: .utf8),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix("MemTotal:") })
        else { return 0 }
        let number = line.split(separator: " ").dropFirst().first.flatMap { Int64($0) } ?? 0
        return number * 1024
    }

    static let placeholders: Set<String> = [
        "", "to be filled by o.e.m.", "system product name", "default string", "none", "not specified",
    ]

    private func read(_ name: String) -> String? {
        clean(try? String(contentsOfFile: "\(dmiRoot)/\(name)", encoding: .utf8))
    }

    private func clean(_ value: String?) -> String? {
        guard let value = value?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }
}
