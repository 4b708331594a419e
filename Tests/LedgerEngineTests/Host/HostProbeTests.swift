import Foundation
import LedgerEngine
import Testing

struct HostProbeTests {
    /// A fake `/sys/devices/virtual/dmi/id` and `/proc` in a temporary folder.
    static func fakeRoots(vendor: String?, product: String?) throws -> (dmi: String, proc: String) {
        let root = NSTemporaryDirectory() + "ledger-host-\(UUID().uuidString)"
        let dmi = "\(root)/dmi"
        let proc = "\(root)/proc"
        try FileManager.default.createDirectory(atPath: dmi, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: proc, withIntermediateDirectories: true)
        if let vendor { try "\(vendor)\n".write(toFile: "\(dmi)/sys_vendor", atomically: true, encoding: .utf8) }
        if let product { try "\(product)\n".write(toFile: "\(dmi)/product_name", atomically: true, encoding: .utf8) }
        let cpu = (0..<4).map { "processor\t: \($0)\nmodel name\t: Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz\n" }
        try cpu.joined(separator: "\n").write(toFile: "\(proc)/cpuinfo", atomically: true, encoding: .utf8)
        try "MemTotal:       16171720 kB\nMemFree:         1000 kB\n"
            .write(toFile: "\(proc)/meminfo", atomically: true, encoding: .utf8)
        return (dmi, proc)
    }

    @Test func readsEC2InstanceTypeFromDMI() throws {
        let (dmi, proc) = try Self.fakeRoots(vendor: "Amazon EC2", product: "c5.2xlarge")
        let facts = HostProbe(dmiRoot: dmi, procRoot: proc, environment: [:]).snapshot()
        #expect(facts.instanceType == "c5.2xlarge")
        #expect(facts.instanceTypeSource == "dmi")
        #expect(facts.cpuModel == "Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz")
        #expect(facts.cpuCount == 4)
        #expect(facts.memoryBytes == 16_171_720 * 1024)
        #expect(facts.codebuild == nil)
    }

    @Test func flagBeatsEnvironmentBeatsDMI() throws {
        let (dmi, proc) = try Self.fakeRoots(vendor: "Amazon EC2", product: "c5.2xlarge")
        let probe = HostProbe(dmiRoot: dmi, procRoot: proc, environment: ["LEDGER_INSTANCE_TYPE": "g5.xlarge"])
        #expect(probe.snapshot(instanceType: "p4d.24xlarge").instanceType == "p4d.24xlarge")
        #expect(probe.snapshot(instanceType: "p4d.24xlarge").instanceTypeSource == "flag")
        #expect(probe.snapshot().instanceType == "g5.xlarge")
        #expect(probe.snapshot().instanceTypeSource == "env")
    }

    @Test func otherMachinesAreNamedByVendorAndModel() throws {
        let (dmi, proc) = try Self.fakeRoots(vendor: "QEMU", product: "Standard PC (Q35 + ICH9, 2009)")
        let facts = HostProbe(dmiRoot: dmi, procRoot: proc, environment: [:]).snapshot()
        #expect(facts.instanceType == "QEMU Standard PC (Q35 + ICH9, 2009)")
        #expect(facts.instanceTypeSource == "dmi")
    }

    @Test func codeBuildWithoutDMI() throws {
        let (dmi, proc) = try Self.fakeRoots(vendor: nil, product: "To be filled by O.E.M.")
        let env = [
            "CODEBUILD_BUILD_ID": "pytorch-fsdp:0b1c", "CODEBUILD_BUILD_IMAGE": "aws/codebuild/standard:7.0",
            "AWS_DEFAULT_REGION": "us-west-2",
        ]
        let facts = HostProbe(dmiRoot: dmi, procRoot: proc, environment: env).snapshot()
        #expect(facts.instanceType == "codebuild")
        #expect(facts.instanceTypeSource == "codebuild")
        #expect(
            facts.codebuild == [
                "build_id": "pytorch-fsdp:0b1c", "image": "aws/codebuild/standard:7.0", "region": "us-west-2",
            ])
    }

    @Test func nothingKnown() throws {
        let (dmi, proc) = try Self.fakeRoots(vendor: nil, product: nil)
        let facts = HostProbe(dmiRoot: dmi, procRoot: proc, environment: [:]).snapshot()
        #expect(facts.instanceType == "unknown")
        #expect(facts.instanceTypeSource == "unknown")
    }

    @Test func thisMachineAnswersWithoutNetwork() {
        let facts = HostProbe().snapshot(instanceType: "test.local")
        #expect(facts.cpuCount > 0)
        #expect(facts.memoryBytes > 0)
        #expect(!facts.hostname.isEmpty)
    }
}
