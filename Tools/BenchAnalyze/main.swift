// bench-analyze: times `Analyzer.analyze` on a typical FSDP context and on a 100,000-line Dockerfile.
// Budgets (issue 3): a typical Dockerfile under 20 ms, a 100,000-line one under 2 s. Exit 1 when over.
import Foundation
import LedgerAnalysis

let typicalDockerfile = """
    # syntax=docker/dockerfile:1.7
    ARG CUDA=12.4.1
    FROM nvidia/cuda:${CUDA}-cudnn-devel-ubuntu22.04 AS builder
    ENV DEBIAN_FRONTEND=noninteractive PIP_NO_CACHE_DIR=1
    RUN apt-get update && apt-get install -y --no-install-recommends python3 python3-pip git \\
        && rm -rf /var/lib/apt/lists/*
    RUN python3 -m pip install torch==2.5.1 --index-url https://download.pytorch.org/whl/cu124
    RUN MAX_JOBS=4 pip install flash-attn==2.7.4.post1 --no-build-isolation

    FROM pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime AS runtime
    WORKDIR /fsdp
    COPY requirements.txt .
    RUN pip install --no-cache-dir -r requirements.txt
    COPY src/ /fsdp/
    CMD ["torchrun", "--nproc_per_node=8", "train.py"]

    """
let typicalRequirements = """
    --extra-index-url https://download.pytorch.org/whl/cu124
    torch==2.5.1+cu124
    torchvision==0.20.1+cu124
    torchaudio==2.5.1+cu124
    transformers==4.51.3
    huggingface-hub==0.30.2
    datasets==3.1.0
    accelerate>=1.0.0
    numpy<2; sys_platform == "linux"

    """

/// A block of typical Dockerfile lines, repeated (with a new stage now and then) to `lines` lines.
func largeDockerfile(lines: Int) -> String {
    let block = [
        "# install the training stack",
        "ENV PIP_NO_CACHE_DIR=1 TOKENIZERS_PARALLELISM=false",
        "WORKDIR /workspace",
        "COPY requirements.txt /workspace/requirements.txt",
        "RUN pip install -r /workspace/requirements.txt \\",
        "    && pip install \"accelerate>=1.0\" datasets==3.1.0 \\",
        "        sentencepiece protobuf \\",
        "    && python -c \"import torch; print(torch.__version__)\"",
        "RUN apt-get update && apt-get install -y --no-install-recommends curl git && rm -rf /var/lib/apt/lists/*",
        "ARG WANDB_VERSION=0.18.7",
        "RUN pip install wandb==${WANDB_VERSION} 'tensorboard<3' && echo done > /tmp/done",
        "RUN pip install scipy>=1.11  # unquoted: one finding (with a fix) per block",
        "",
    ]
    var out = "ARG BASE=pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime\nFROM ${BASE} AS stage0\n"
    var count = 2
    var stage = 0
    while count < lines {
        if count % 2_000 < block.count, count > 2 {
            stage += 1
            out += "FROM stage\(stage - 1) AS stage\(stage)\n"
            count += 1
            continue
        }
        for line in block where count < lines {
            out += line + "\n"
            count += 1
        }
    }
    return out
}

func makeContext(_ files: [String: String]) throws -> String {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("bench-analyze-\(UUID().uuidString)")
    for (name, text) in files {
        let url = root.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }
    return root.path
}

/// Wall-clock and CPU milliseconds of each run (the analyzer is single-threaded, so on an idle machine the two
/// agree; on a shared, loaded machine CPU time is the figure that does not depend on the neighbours).
func measure(_ runs: Int, _ body: () throws -> Void) rethrows -> (wall: [Double], cpu: [Double]) {
    let clock = ContinuousClock()
    var wall: [Double] = []
    var cpu: [Double] = []
    for _ in 0..<runs {
        let cpuStart = cpuMilliseconds()
        let duration = try clock.measure(body)
        cpu.append(cpuMilliseconds() - cpuStart)
        wall.append(Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15)
    }
    return (wall, cpu)
}

func cpuMilliseconds() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &spec)
    return Double(spec.tv_sec) * 1000 + Double(spec.tv_nsec) / 1e6
}

func percentile(_ values: [Double], _ p: Double) -> Double {
    let sorted = values.sorted()
    return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))]
}

let arguments = CommandLine.arguments.dropFirst()
let largeLines = arguments.first.flatMap(Int.init) ?? 100_000
let typical = try makeContext([
    "Dockerfile": typicalDockerfile, "requirements.txt": typicalRequirements,
    "src/train.py": "from torch.distributed.fsdp import FullyShardedDataParallel as FSDP\n",
])
let large = try makeContext(["Dockerfile": largeDockerfile(lines: largeLines), "requirements.txt": typicalRequirements])
let continued = try makeContext([
    "Dockerfile": "FROM python:3.11-slim\nRUN pip install \\\n"
        + String(repeating: "    numpy==1.26.4 \"scipy>=1.11\" \\\n", count: largeLines - 3) + "    wandb\n"
])
defer {
    for path in [typical, large, continued] { try? FileManager.default.removeItem(atPath: path) }
}

_ = try Analyzer.analyze(context: typical)  // warm up
let typicalTimes = try measure(200) { _ = try Analyzer.analyze(context: typical) }
var findings = 0
let largeTimes = try measure(5) { findings = try Analyzer.analyze(context: large).findings.count }
let continuedTimes = try measure(3) { _ = try Analyzer.analyze(context: continued) }

func row(_ name: String, _ times: (wall: [Double], cpu: [Double]), budget: Double) -> Bool {
    let wall = percentile(times.wall, 0.5)
    let cpu = percentile(times.cpu, 0.5)
    let cpuP90 = percentile(times.cpu, 0.9)
    print(
        String(
            format: "%@: runs=%d wall_median_ms=%.2f wall_p90_ms=%.2f cpu_median_ms=%.2f cpu_p90_ms=%.2f "
                + "budget_ms=%.0f %@", name, times.wall.count, wall, percentile(times.wall, 0.9), cpu, cpuP90, budget,
            cpuP90 < budget ? "ok" : "OVER"))
    return cpuP90 < budget
}
var load = [0.0, 0.0, 0.0]
_ = getloadavg(&load, 3)
print(
    "large Dockerfile: \(largeLines) lines, \(findings) findings; load average \(String(format: "%.2f", load[0])) "
        + "on \(ProcessInfo.processInfo.activeProcessorCount) CPUs")
let ok = [
    row("typical (FSDP multi-stage + requirements)", typicalTimes, budget: 20),
    row("\(largeLines)-line Dockerfile", largeTimes, budget: 2_000),
    row("\(largeLines)-line single continued RUN", continuedTimes, budget: 2_000),
].allSatisfy { $0 }
exit(ok ? 0 : 1)
