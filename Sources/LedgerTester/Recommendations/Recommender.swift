import Foundation
import LedgerAnalysis

/// Derives recommendations from the failed, errored and telling skipped test cases of a run.
///
/// The prototype's (import failures, CUDA not available, project modules, model instantiation) and more:
/// the requirement to add for a missing package, the runtime or driver when CUDA is unavailable on a GPU
/// machine, the pin to change for a mismatch, a smaller dtype for out of memory.
public enum Recommender {
    static let pipDocs = "https://pip.pypa.io/en/stable/user_guide/#requirements-files"
    static let torchInstall = "https://pytorch.org/get-started/previous-versions/"
    static let toolkitDocs =
        "https://docs.nvidia.com/datacenter/cloud-native/container-toolkit/latest/install-guide.html"
    static let distributedDocs = "https://pytorch.org/docs/stable/distributed.html"

    /// Recommendations for `tests` (in order, one per issue).
    public static func recommendations(for tests: [TestCaseResult], timeout: Double) -> [Recommendation] {
        let byName = Dictionary(tests.map { ($0.name, $0) }) { first, _ in first }
        var result: [Recommendation] = []
        func add(
            _ test: TestCaseResult, _ severity: String, _ issue: String, _ advice: String, _ code: String,
            _ link: String
        ) {
            guard !result.contains(where: { $0.issue == issue }) else { return }
            result.append(
                Recommendation(
                    severity: severity, issue: issue, recommendation: advice, codeExample: code,
                    documentationLink: link, test: test.name))
        }
        let versions = byName["environment.versions"]?.details
        let torchVersion = versions?["torch"]?.string
        for test in tests where test.status == "failed" || test.status == "error" {
            let message = test.message
            if message.hasPrefix("timed out") {
                add(
                    test, "medium", "\(test.name) timed out (\(message))",
                    "Find what hangs (NCCL_DEBUG=INFO, py-spy dump) or raise the limit with --timeout",
                    "ledger test --image IMAGE --timeout \(Int(timeout * 2))", "https://github.com/benfred/py-spy")
                continue
            }
            if message.contains("crashed the interpreter") {
                add(
                    test, "high", "\(test.name) crashed the Python interpreter (\(message))",
                    "A native library aborted: check that compiled packages match the installed torch "
                        + "and the image's libc",
                    "python3 -X faulthandler -c 'import torch'", "https://docs.python.org/3/library/faulthandler.html")
                continue
            }
            if isOutOfMemory(message) {
                add(
                    test, "high", "\(test.name) ran out of memory",
                    "Load the model in a smaller dtype (bfloat16) or give the container more memory",
                    "model = AutoModelForCausalLM.from_config(config, torch_dtype=torch.bfloat16)",
                    "https://huggingface.co/docs/transformers/main_classes/model#model-instantiation-dtype")
                continue
            }
            switch test.name {
            case "python.interpreter":
                interpreter(test, add: add)
            case let name where name.hasPrefix("imports."):
                imports(test, torchVersion: torchVersion, add: add)
            case "environment.verdict":
                let pins = companionPins(versions)
                add(
                    test, "high", "incompatible PyTorch packages: \(message)",
                    "Pin \(pins.dropFirst().joined(separator: " and ")), the releases built for the installed "
                        + "\(pins[0]), and install them in one pip command",
                    pins.joined(separator: "\n"), torchInstall)
            case "pip.check":
                add(
                    test, "medium", "pip check found broken requirements: \(firstLine(message))",
                    "Install every pinned package in one pip command so the resolver sees them together",
                    "RUN pip install --no-cache-dir -r requirements.txt && pip check",
                    "https://pip.pypa.io/en/stable/cli/pip_check/")
            case "cuda.available":
                let cuda = test.details["torch_cuda"]?.string
                if cuda == nil {
                    add(
                        test, "critical", "CUDA is not available: the installed torch is a CPU-only build",
                        "Install a CUDA build of torch or start from a CUDA base image",
                        "FROM pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime", torchInstall)
                } else {
                    add(
                        test, "critical",
                        "CUDA is not available on a GPU machine (torch built for CUDA \(cuda ?? "?"))",
                        "Check the NVIDIA container runtime (docker info | grep -i nvidia) and that the host driver "
                            + "supports CUDA \(cuda ?? "?") (nvidia-smi)",
                        "docker run --rm --gpus all IMAGE nvidia-smi", toolkitDocs)
                }
            case "project.imports":
                add(
                    test, "high", "project modules do not import: \(firstLine(message))",
                    "Copy the project's sources into the image and put their folder on the Python path",
                    "COPY src/ /fsdp/\nENV PYTHONPATH=/fsdp", "https://docs.docker.com/reference/dockerfile/#copy")
            case "model.config", "model.instantiate", "model.forward":
                add(
                    test, "high", "the tiny llama model failed in \(test.name): \(firstLine(message))",
                    "Check the transformers version against torch and the model configuration",
                    "pip install 'transformers>=4.40,<5'",
                    "https://huggingface.co/docs/transformers/model_doc/llama")
            case "distributed.gloo":
                add(
                    test, "high", "a one-rank gloo process group failed: \(firstLine(message))",
                    "Check that loopback works in the container and MASTER_ADDR resolves",
                    "MASTER_ADDR=127.0.0.1 MASTER_PORT=29500 python3 -c 'import torch.distributed as d; "
                        + "d.init_process_group(\"gloo\", rank=0, world_size=1)'", distributedDocs)
            case "nccl.version", "distributed.nccl":
                add(
                    test, "high", "NCCL failed: \(firstLine(message))",
                    "Run with NCCL_DEBUG=INFO; give the container shared memory (--ipc=host or --shm-size)",
                    "docker run --gpus all --ipc=host -e NCCL_DEBUG=INFO IMAGE", distributedDocs)
            case "fsdp.wrap":
                add(
                    test, "high", "FSDP wrapping failed: \(firstLine(message))",
                    "Use FSDP2 fully_shard with torch 2.6 or later, FullyShardedDataParallel before",
                    "from torch.distributed.fsdp import fully_shard  # torch >= 2.6",
                    "https://pytorch.org/docs/stable/distributed.fsdp.fully_shard.html")
            case "checkpoint.roundtrip":
                add(
                    test, "medium", "the checkpoint save and load round trip failed: \(firstLine(message))",
                    "Check free disk space and permissions where checkpoints are written",
                    "torch.save(model.state_dict(), path); model.load_state_dict(torch.load(path, weights_only=True))",
                    "https://pytorch.org/tutorials/beginner/saving_loading_models.html")
            case let name where name.hasPrefix("structure."):
                add(
                    test, "low", "structure test \(name) failed: \(message)",
                    "Change the Dockerfile so the image meets the spec, or correct the spec",
                    "RUN ...  # make \(name) hold", "https://github.com/GoogleContainerTools/container-structure-test")
            default:
                add(
                    test, "medium", "\(test.name) failed: \(firstLine(message))",
                    "Read the probe's details in the report",
                    "ledger test --image IMAGE --format json",
                    "https://github.com/GoogleContainerTools/container-structure-test")
            }
        }
        return result
    }

    static func interpreter(
        _ test: TestCaseResult, add: (TestCaseResult, String, String, String, String, String) -> Void
    ) {
        if test.message.contains("could not select device driver") {
            add(
                test, "critical", "GPUs were requested but the engine has no NVIDIA runtime",
                "Install the NVIDIA Container Toolkit and register its runtime with Docker, or test with --gpus none",
                "nvidia-ctk runtime configure --runtime=docker && systemctl restart docker", toolkitDocs)
        } else {
            add(
                test, "critical", "the image's Python interpreter did not start: \(firstLine(test.message))",
                "Make sure `python3` is on the image's PATH (the prototype's images and the PyTorch ones have it)",
                "RUN ln -s \"$(command -v python)\" /usr/local/bin/python3",
                "https://docs.docker.com/reference/dockerfile/#env")
        }
    }

    static func imports(
        _ test: TestCaseResult, torchVersion: String?,
        add: (TestCaseResult, String, String, String, String, String) -> Void
    ) {
        let module = String(test.name.dropFirst("imports.".count))
        let message = test.message
        if message.contains("ModuleNotFoundError") && message.contains("'\(module)'") {
            let requirement = requirementLine(module, torchVersion: torchVersion)
            add(
                test, module == "torch" ? "critical" : "high", "\(module) is not installed in the image",
                module == "torch"
                    ? "Add `\(requirement)` to requirements.txt with its companions (torchvision, torchaudio)"
                    : "Add `\(requirement)` to requirements.txt, installed in the same pip command as torch",
                "RUN pip install --no-cache-dir \(requirement)", module == "torch" ? torchInstall : pipDocs)
        } else if module == "torchvision" || module == "torchaudio" {
            let want =
                module == "torchvision" ? companion(torchVersion).torchvision : companion(torchVersion).torchaudio
            add(
                test, "high", "\(module) fails to import with torch \(torchVersion ?? "?"): \(firstLine(message))",
                "Pin \(module)==\(want), the release built for torch \(torchVersion ?? "?"), and install it with torch",
                "RUN pip install --no-cache-dir torch==\(torchVersion ?? "2.5.1") \(module)==\(want)", torchInstall)
        } else {
            add(
                test, "critical", "\(module) is installed but fails to import: \(firstLine(message))",
                "Reinstall \(module) with its dependencies (no --no-deps); for torch keep its nvidia-* wheels",
                "RUN pip install --no-cache-dir --force-reinstall "
                    + requirementLine(module, torchVersion: torchVersion),
                module == "torch" ? torchInstall : pipDocs)
        }
    }

    static func requirementLine(_ module: String, torchVersion: String?) -> String {
        switch module {
        case "torch": return "torch==\(torchVersion ?? "2.5.1")"
        case "torchvision": return "torchvision==\(companion(torchVersion).torchvision)"
        case "torchaudio": return "torchaudio==\(companion(torchVersion).torchaudio)"
        case "transformers": return "transformers>=4.40,<5"
        case "datasets": return "datasets>=2.19"
        case "numpy": return "numpy<2"
        default: return module
        }
    }

    /// The companions built for `torch` (default 2.5.1 when torch is absent); a placeholder naming torch when
    /// the knowledge has no entry, rather than a wrong version.
    static func companion(_ torch: String?) -> (torchvision: String, torchaudio: String) {
        let version = torch.map(base) ?? "2.5.1"
        let pair = Compatibility.companions(ofTorch: version)
        return (
            pair.torchvision ?? "<the torchvision release for torch \(version)>",
            pair.torchaudio ?? "<the torchaudio release for torch \(version)>"
        )
    }

    static func base(_ version: String) -> String { String(version.split(separator: "+").first ?? "") }

    /// `torch==X` then the companions built for it (torchvision always, torchaudio when installed).
    static func companionPins(_ versions: JSONValue?) -> [String] {
        let torch = versions?["torch"]?.string.map(base) ?? "2.5.1"
        let pair = companion(torch)
        var pins = ["torch==\(torch)", "torchvision==\(pair.torchvision)"]
        if versions?["torchaudio"]?.string != nil { pins.append("torchaudio==\(pair.torchaudio)") }
        return pins
    }

    static func isOutOfMemory(_ message: String) -> Bool {
        let lower = message.lowercased()
        return lower.contains("out of memory") || lower.contains("memoryerror")
            || lower.contains("cannot allocate memory")
    }

    static func firstLine(_ text: String) -> String {
        String(text.split(separator: "\n").first ?? "")
    }
}
