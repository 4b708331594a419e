import Foundation
import LedgerQueries
import LedgerStore

/// Writes builds and test runs with realistic shapes: several projects (fsdp among them), five instance
/// types of different speed, cold and warm caches, fixes, failed and retried attempts, interrupted builds,
/// test runs with flaky and regressing tests, and a log per attempt.
struct Synthesizer {
    let store: EventStore
    var random: SplitMix64
    let target: Int
    let end: Date
    var written = 0
    var builds = 0
    var runs = 0
    var pending: [NewEvent] = []
    var clock: Date
    /// Per project: the image ids built so far, newest last.
    var images: [String: [String]] = [:]

    static let projects = ["fsdp", "llama-finetune", "vision-train", "speech-asr", "rl-agents"]
    static let instanceTypes: [(name: String, speed: Double)] = [
        ("c5.2xlarge", 1.6), ("c5.4xlarge", 1.0), ("m6i.4xlarge", 0.95), ("c7i.8xlarge", 0.6), ("g5.2xlarge", 1.3),
    ]
    static let engines = ["24.0.7", "20.10.24"]
    static let bases = [
        "pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime", "pytorch/pytorch:2.6.0-cuda12.4-cudnn9-runtime",
        "nvcr.io/nvidia/pytorch:24.07-py3",
    ]
    static let tests = [
        "imports.torch", "imports.numpy", "cuda.version", "torch.cuda_available", "nccl.version", "fsdp.wrap",
        "distributed.init", "dataloader.workers", "amp.autocast", "structure.command.python-version",
        "structure.file.requirements", "gpu.memory", "nccl.allreduce", "compile.inductor", "pip.check",
    ]
    /// Tests that fail now and then (probability per attempt), and the ones retried.
    static let flaky: [String: Double] = ["nccl.allreduce": 0.25, "gpu.memory": 0.12, "dataloader.workers": 0.06]
    static let failureClasses = ["resolver_conflict", "no_matching_distribution", "network", "oom_killed", "disk_full"]
    static let rules = [
        ("torch-cuda-mismatch", "pin", "requirements.txt"), ("numpy2-abi", "pin", "requirements.txt"),
        ("unpinned-torch", "pin", "requirements.txt"), ("pip-no-cache", "add", "Dockerfile"),
        ("base-image-cuda", "base_image", "Dockerfile"),
    ]

    init(store: EventStore, seed: UInt64, target: Int, end: Date) {
        self.store = store
        self.random = SplitMix64(seed: seed)
        self.target = target
        self.end = end
        clock = end.addingTimeInterval(-90 * 86400)
    }

    mutating func chance(_ p: Double) -> Bool { random.unit() < p }
    mutating func pick<T>(_ items: [T]) -> T { items[Int(random.next() % UInt64(items.count))] }
    mutating func uuid() -> String {
        let a = random.next()
        let b = random.next()
        let hex = String(format: "%016llx%016llx", a, b)
        let c = Array(hex)
        return String(c[0..<8]) + "-" + String(c[8..<12]) + "-4" + String(c[13..<16]) + "-a" + String(c[17..<20])
            + "-" + String(c[20..<32])
    }

    mutating func emit<T: DomainEvent>(_ event: T, stream: String, at: Date) throws {
        var new = try NewEvent(event, stream: stream, occurredAt: at)
        new.id = uuid()
        pending.append(new)
        if pending.count >= 2000 { try flush() }
    }

    mutating func flush() throws {
        guard !pending.isEmpty else { return }
        written += try store.append(pending).count
        pending.removeAll(keepingCapacity: true)
    }

    mutating func run() throws {
        while written + pending.count < target {
            // Spread the builds evenly over the 90 days before `end`, from the events per build so far.
            let perBuild = builds < 20 ? 25 : Double(written + pending.count) / Double(builds)
            let left = max(Double(target - written - pending.count) / perBuild, 1)
            let gap = max(end.timeIntervalSince(clock), 0) / left
            clock.addTimeInterval(gap * (0.5 + random.unit()))
            let project = pick(Self.projects)
            // Most images are tested, some more than once (so flakiness across runs shows).
            if let image = try build(project: project), chance(0.65) {
                try testRun(project: project, imageId: image)
                while chance(0.35) { try testRun(project: project, imageId: image) }
            }
        }
        try flush()
    }

    /// One build; returns the image id when it succeeded.
    mutating func build(project: String) throws -> String? {
        builds += 1
        let buildId = uuid()
        let stream = "build-\(buildId)"
        let instance = pick(Self.instanceTypes)
        let engine = chance(0.7) ? Self.engines[0] : Self.engines[1]
        let base = pick(Self.bases)
        let torch = base.contains("2.6.0") ? "2.6.0" : "2.5.1"
        let image = "\(project):b\(builds)"
        let host = HostFacts(
            hostname: "runner-\(instance.name)-\(random.next() % 8)", instanceType: instance.name,
            instanceTypeSource: "flag", cpuModel: "Intel Xeon Platinum 8375C", cpuCount: 8,
            memoryBytes: 32 << 30, engineVersion: engine)
        let dockerfile = """
            FROM \(base)
            WORKDIR /workspace
            COPY requirements.txt .
            RUN pip install --no-cache-dir -r requirements.txt
            RUN pip install --no-cache-dir torch==\(torch)
            COPY . .
            CMD ["python", "train.py"]
            """
        var at = clock
        try emit(
            BuildStarted(
                project: project, buildId: buildId, image: image, context: "/src/\(project)",
                dockerfile: "Dockerfile", dockerfileText: dockerfile, baseImage: base,
                buildArgs: ["PYTHON_VERSION": "3.11"], secretBuildArgs: [],
                pins: ["torch": torch, "numpy": chance(0.8) ? "1.26.4" : "2.1.0"], maxAttempts: 3, autoFix: true,
                network: "host", host: host), stream: stream, at: at)
        if chance(0.12) { try fix(project: project, buildId: buildId, attempt: 1, source: "analysis", at: at) }
        let warm = chance(0.45)
        let interrupted = chance(0.01)
        var total = 0.0
        for number in 1...3 {
            let logId = uuid()
            try emit(
                BuildAttemptStarted(project: project, buildId: buildId, number: number, logId: logId), stream: stream,
                at: at)
            let fails = number == 1 ? chance(0.18) : chance(0.12)
            let steps = 7 + Int(random.next() % 6)
            let failAt = fails ? 1 + Int(random.next() % UInt64(steps)) : steps + 1
            var duration = 0.0
            var cached = 0
            var log = "Sending build context to Docker daemon\n"
            for index in 1...min(steps, failAt) {
                let isCached = warm && index < steps - 1 && chance(0.97)
                let nominal = index == 4 || index == 5 ? 60.0 : 4.0
                let seconds =
                    isCached ? 0.05 + random.unit() * 0.1 : nominal * instance.speed * (0.8 + 0.4 * random.unit())
                duration += seconds
                if isCached { cached += 1 }
                log += "Step \(index)/\(steps) : RUN step \(index)\n"
                try emit(
                    BuildStepFinished(
                        project: project, buildId: buildId, attempt: number, index: index, total: steps,
                        instruction: index == 1 ? "FROM \(base)" : "RUN step \(index)", durationS: seconds,
                        cached: isCached), stream: stream, at: at.addingTimeInterval(duration))
            }
            if interrupted {
                try writeLog(logId, log)
                return nil
            }
            at.addTimeInterval(duration)
            total += duration
            let failure = fails ? pick(Self.failureClasses) : nil
            if let failure { log += "ERROR: \(failure)\n" }
            try writeLog(logId, log)
            let imageId = fails ? nil : "sha256:" + String(format: "%016llx%016llx", random.next(), random.next())
            try emit(
                BuildAttemptFinished(
                    project: project, buildId: buildId, number: number, success: !fails,
                    status: fails ? "failed" : "success", durationS: duration, logId: logId, failureClass: failure,
                    failureMessage: failure.map { "ERROR: \($0)" }, cache: cached == 0 ? "cold" : "warm",
                    imageId: imageId, stepCount: min(steps, failAt), cachedSteps: cached), stream: stream, at: at)
            if let imageId {
                try emit(
                    BuildFinished(
                        project: project, buildId: buildId, success: true, status: "success", image: image,
                        imageId: imageId, durationS: total, attempts: number), stream: stream, at: at)
                images[project, default: []].append(imageId)
                return imageId
            }
            let retry = number < 3 && chance(0.7)
            if !retry {
                try emit(
                    BuildFinished(
                        project: project, buildId: buildId, success: false, status: "failed", image: image,
                        imageId: nil, durationS: total, attempts: number), stream: stream, at: at)
                return nil
            }
            try fix(project: project, buildId: buildId, attempt: number + 1, source: "log", at: at)
        }
        return nil
    }

    mutating func fix(project: String, buildId: String, attempt: Int, source: String, at: Date) throws {
        let rule = pick(Self.rules)
        let fix = StoredFix(
            rule: rule.0, kind: rule.1, file: rule.2, line: 1 + Int(random.next() % 12), before: "numpy",
            after: "numpy==1.26.4", diff: "-numpy\n+numpy==1.26.4\n")
        try emit(
            FixApplied(project: project, buildId: buildId, attempt: attempt, source: source, fix: fix),
            stream: "build-\(buildId)", at: at)
    }

    mutating func writeLog(_ id: String, _ text: String) throws {
        let writer = try store.logWriter(id: id)
        try writer.append(text)
        try writer.close()
    }

    mutating func testRun(project: String, imageId: String) throws {
        runs += 1
        let runId = uuid()
        let stream = "test-\(runId)"
        let instance = pick(Self.instanceTypes)
        let host = HostFacts(
            hostname: "gpu-\(instance.name)", instanceType: instance.name, instanceTypeSource: "flag",
            cpuModel: "AMD EPYC 7R32", cpuCount: 8, memoryBytes: 32 << 30, engineVersion: Self.engines[0])
        let image = "\(project):b\(builds)"
        var at = clock.addingTimeInterval(600)
        try emit(
            TestRunStarted(
                project: project, runId: runId, image: image, imageId: imageId, level: "standard", host: host),
            stream: stream, at: at)
        // Every fourth image of a project breaks one structure test, so regressions show up.
        let broken = (images[project]?.count ?? 0) % 4 == 0
        var passed = 0
        var failed = 0
        var total = 0.0
        for name in Self.tests {
            var attempt = 1
            while true {
                let steadyFail = broken && name == "structure.command.python-version"
                let fails = steadyFail || chance(Self.flaky[name] ?? 0)
                let seconds = 0.2 + random.unit() * 3
                total += seconds
                at.addTimeInterval(seconds)
                try emit(
                    TestCaseFinished(
                        project: project, runId: runId, imageId: imageId, name: name,
                        status: fails ? "failed" : "passed",
                        durationS: seconds, message: fails ? "assertion failed" : "", attempt: attempt),
                    stream: stream, at: at)
                if !fails {
                    passed += 1
                    break
                }
                if attempt >= 2 || name == "gpu.memory" {
                    failed += 1
                    break
                }
                attempt += 1
            }
        }
        try emit(
            TestRunFinished(
                project: project, runId: runId, image: image, imageId: imageId,
                status: failed == 0 ? "passed" : "failed",
                passed: passed, failed: failed, skipped: 0, durationS: total), stream: stream, at: at)
    }
}
