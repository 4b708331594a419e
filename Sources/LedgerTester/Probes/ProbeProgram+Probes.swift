// swift-format-ignore-file
// The probe program's probes and structure-test execution,
// carried inside the binary (a resource bundle breaks when the binary is copied).
// Python 3 standard library only; it runs as `python3 - CONFIG` with this text on stdin.

extension ProbeProgram {
    /// The probes (stable dotted names) and the structure-test executor.
    static let probes = #"""
# ---- probes (stable dotted names) ----

@probe("python.interpreter")
def _interpreter():
    return ("Python %s" % sys.version.split()[0], {"version": sys.version.split()[0], "executable": sys.executable})

def _import_probe(module):
    def check():
        import importlib
        started = time.monotonic()
        mod = importlib.import_module(module)
        version = getattr(mod, "__version__", None)
        return ("%s %s imported in %.2fs" % (module, version or "", time.monotonic() - started),
                {"version": version, "file": getattr(mod, "__file__", None)})
    return check

for _module in ("torch", "transformers", "datasets", "numpy"):
    probe("imports." + _module, "quick", module=_module)(_import_probe(_module))

_PACKAGES = ("torch", "torchvision", "torchaudio", "transformers", "datasets", "numpy", "accelerate")

def _dist_version(name):
    from importlib import metadata
    try:
        return metadata.version(name)
    except Exception:
        return None

def _cuda_of(package):
    """The CUDA build a torchvision / torchaudio package says it has, read from its version.py without importing."""
    from importlib import util
    import re
    try:
        spec = util.find_spec(package)
    except Exception:
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    path = os.path.join(list(spec.submodule_search_locations)[0], "version.py")
    try:
        text = open(path).read()
    except OSError:
        return None
    match = re.search(r"^cuda\s*=\s*['\"]([^'\"]+)['\"]", text, re.M)
    if match:
        return match.group(1)
    local = re.search(r"^__version__\s*=\s*['\"][^'\"+]*\+cu(\d+)(\d)['\"]", text, re.M)
    return "%s.%s" % (local.group(1), local.group(2)) if local else None

@probe("environment.versions", "standard")
def _versions():
    found = {name: _dist_version(name) for name in _PACKAGES}
    found["python"] = sys.version.split()[0]
    found["torch_cuda"] = None
    if STATE["imported"].get("torch") is True:
        import torch
        found["torch_cuda"] = torch.version.cuda
    found["torchvision_cuda"] = _cuda_of("torchvision") if found["torchvision"] else None
    found["torchaudio_cuda"] = _cuda_of("torchaudio") if found["torchaudio"] else None
    shown = ", ".join("%s %s" % (k, v) for k, v in found.items() if v and not k.endswith("_cuda"))
    return (shown, found)

def _companion_import(package):
    def check():
        import importlib
        if _dist_version(package) is None:
            raise Skip("%s is not installed" % package)
        mod = importlib.import_module(package)
        return ("%s %s imported" % (package, getattr(mod, "__version__", "")), {"version": mod.__version__})
    return check

for _package in ("torchvision", "torchaudio"):
    probe("imports." + _package, "standard", needs=("torch",))(_companion_import(_package))

@probe("pip.check", "standard")
def _pip_check():
    from importlib import util
    if util.find_spec("pip") is None:
        raise Skip("pip is not installed in the image")
    done = subprocess.run([sys.executable, "-m", "pip", "check", "--disable-pip-version-check"],
                          capture_output=True, text=True, timeout=TIMEOUT)
    text = (done.stdout + done.stderr).strip()
    if done.returncode != 0:
        raise Fail(text or "pip check exited with %d" % done.returncode)
    return (text, {"output": text})

@probe("cuda.available", "standard", needs=("torch",))
def _cuda_available():
    import glob
    import torch
    devices = sorted(glob.glob("/dev/nvidia[0-9]*"))
    details = {"torch_cuda": torch.version.cuda, "device_files": devices, "gpus_requested": CONFIG.get("gpus")}
    if torch.cuda.is_available():
        details["device_count"] = torch.cuda.device_count()
        return ("CUDA %s, %d device(s)" % (torch.version.cuda, details["device_count"]), details)
    if CONFIG.get("gpus") or devices:
        raise Fail("CUDA is not available although GPUs were passed to the container "
                   "(torch built for CUDA %s; device files: %s)" % (torch.version.cuda, devices or "none"), details)
    raise Skip("no GPU visible in the container (no --gpus and no NVIDIA runtime)")

@probe("gpu.devices", "standard", needs=("torch", "gpu"))
def _gpu_devices():
    import torch
    names = [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())]
    return ("%d GPU(s): %s" % (len(names), ", ".join(names)), {"count": len(names), "names": names})

@probe("gpu.memory", "standard", needs=("torch", "gpu"))
def _gpu_memory():
    import torch
    memory = []
    for i in range(torch.cuda.device_count()):
        free, total = torch.cuda.mem_get_info(i)
        memory.append({"device": i, "free_bytes": free, "total_bytes": total})
    shown = ", ".join("cuda:%d %.1f/%.1f GiB free" % (m["device"], m["free_bytes"] / 2**30, m["total_bytes"] / 2**30)
                      for m in memory)
    return (shown, {"devices": memory})

def _free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

def _one_rank_group(backend, device):
    import torch
    import torch.distributed as dist
    os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=str(_free_port()), RANK="0", WORLD_SIZE="1")
    dist.init_process_group(backend, rank=0, world_size=1)
    try:
        tensor = torch.ones(4, device=device) * 3
        dist.all_reduce(tensor)
        assert tensor.sum().item() == 12, "all_reduce returned %s" % tensor.tolist()
        return dist.get_backend()
    finally:
        dist.destroy_process_group()

@probe("distributed.gloo", "standard", needs=("torch",))
def _gloo():
    import torch.distributed as dist
    if not dist.is_available():
        raise Fail("torch.distributed is not available in this torch build")
    backend = _one_rank_group("gloo", "cpu")
    return ("one-rank %s group: init, all_reduce, destroy" % backend, {"backend": backend})

@probe("nccl.version", "standard", needs=("torch", "gpu"))
def _nccl_version():
    import torch
    version = torch.cuda.nccl.version()
    shown = ".".join(str(v) for v in version) if isinstance(version, tuple) else str(version)
    return ("NCCL %s" % shown, {"version": shown})

@probe("distributed.nccl", "standard", needs=("torch", "gpu"))
def _nccl_group():
    import torch
    torch.cuda.set_device(0)
    backend = _one_rank_group("nccl", "cuda:0")
    return ("one-rank %s group on cuda:0: init, all_reduce, destroy" % backend, {"backend": backend})

@probe("project.imports", "standard")
def _project_imports():
    import importlib
    modules = CONFIG.get("imports", [])
    if not modules:
        raise Skip("no project modules given (--import MODULE, --python-path DIR)")
    imported, failures = [], []
    for name in modules:
        try:
            importlib.import_module(name)
            imported.append(name)
        except BaseException as e:
            failures.append("%s: %s: %s" % (name, type(e).__name__, e))
    details = {"imported": imported, "failed": failures, "python_path": CONFIG.get("python_path", [])}
    if failures:
        raise Fail("; ".join(failures))
    return ("imported %s" % ", ".join(imported), details)

TINY = dict(hidden_size=512, num_hidden_layers=2, num_attention_heads=8, num_key_value_heads=2,
            intermediate_size=8192, vocab_size=32000, max_position_embeddings=128, initializer_range=0.02,
            attention_dropout=0.1, rope_theta=10000.0, tie_word_embeddings=False)

def _tiny_config():
    from transformers import LlamaConfig
    return LlamaConfig(**TINY)

def _tiny_model():
    import torch
    from transformers import AutoModelForCausalLM
    torch.manual_seed(0)
    return AutoModelForCausalLM.from_config(_tiny_config())

@probe("model.config", "standard", needs=("transformers",))
def _model_config():
    config = _tiny_config()
    assert config.hidden_size == 512 and config.num_key_value_heads == 2
    return ("llama-like config: hidden 512, 2 layers, 8 heads, 2 KV heads", {"config": config.to_dict()})

@probe("model.instantiate", "standard", needs=("torch", "transformers"))
def _model_instantiate():
    model = _tiny_model()
    params = sum(p.numel() for p in model.parameters())
    return ("%s with %d parameters" % (type(model).__name__, params), {"parameters": params})

@probe("model.forward", "full", needs=("torch", "transformers"))
def _model_forward():
    import torch
    model = _tiny_model().eval()
    ids = torch.randint(0, TINY["vocab_size"], (1, 10))
    with torch.no_grad():
        out = model(input_ids=ids, labels=ids)
    loss = float(out.loss)
    assert loss == loss, "loss is NaN"
    return ("forward pass on %s: loss %.3f" % (ids.device, loss), {"loss": loss, "logits": list(out.logits.shape)})

@probe("fsdp.wrap", "full", needs=("torch", "gpu"))
def _fsdp_wrap():
    import torch
    import torch.distributed as dist
    version = tuple(int(p) for p in torch.__version__.split("+")[0].split(".")[:2])
    torch.cuda.set_device(0)
    os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=str(_free_port()), RANK="0", WORLD_SIZE="1")
    dist.init_process_group("nccl", rank=0, world_size=1)
    try:
        model = torch.nn.Sequential(torch.nn.Linear(64, 64), torch.nn.ReLU(), torch.nn.Linear(64, 8)).cuda()
        if version >= (2, 6):
            from torch.distributed.fsdp import fully_shard
            for layer in model:
                if isinstance(layer, torch.nn.Linear):
                    fully_shard(layer)
            fully_shard(model)
            api = "FSDP2 fully_shard"
        else:
            from torch.distributed.fsdp import FullyShardedDataParallel
            model = FullyShardedDataParallel(model)
            api = "FSDP1 FullyShardedDataParallel"
        loss = model(torch.randn(4, 64, device="cuda")).sum()
        loss.backward()
        return ("%s in a one-rank nccl group: forward and backward" % api, {"api": api})
    finally:
        dist.destroy_process_group()

@probe("checkpoint.roundtrip", "full", needs=("torch",))
def _checkpoint():
    import torch
    if STATE["imported"].get("transformers") is True:
        model, kind = _tiny_model(), "tiny llama"
    else:
        model, kind = torch.nn.Sequential(torch.nn.Linear(64, 64), torch.nn.Linear(64, 8)), "two-layer MLP"
    state = model.state_dict()
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "checkpoint.pt")
        torch.save({"model": state, "step": 7}, path)
        size = os.path.getsize(path)
        loaded = torch.load(path, map_location="cpu", weights_only=True)
    assert loaded["step"] == 7
    for key, tensor in state.items():
        assert torch.equal(tensor, loaded["model"][key]), "tensor %s changed in the round trip" % key
    return ("saved and loaded %s state (%d tensors, %.1f MB), all equal" % (kind, len(state), size / 1e6),
            {"tensors": len(state), "bytes": size})

# ---- structure tests: run here, judged by ledger ----

def _clip(text, limit=1 << 18):
    return text if len(text) <= limit else text[-limit:]

def run_structure(test):
    started = time.monotonic()
    kind, name = test.get("kind"), test.get("id")
    try:
        if kind == "command":
            env = dict(os.environ)
            env.update(test.get("env", {}))
            try:
                done = subprocess.run([test["command"]] + test.get("args", []), env=env, capture_output=True,
                                      timeout=TIMEOUT, stdin=subprocess.DEVNULL)
                details = {"stdout": _clip(done.stdout.decode("utf-8", "replace")),
                           "stderr": _clip(done.stderr.decode("utf-8", "replace")), "exit_code": done.returncode}
                emit(name, "passed", time.monotonic() - started, "ran", details)
            except subprocess.TimeoutExpired:
                emit(name, "error", time.monotonic() - started, "timed out after %gs" % TIMEOUT, {})
            except OSError as e:
                emit(name, "failed", time.monotonic() - started, "could not run %s: %s" % (test["command"], e),
                     {"exit_code": None})
        elif kind == "file_existence":
            try:
                st = os.lstat(test["path"])
                details = {"exists": True, "mode": stat.filemode(st.st_mode), "uid": st.st_uid, "gid": st.st_gid}
            except FileNotFoundError:
                details = {"exists": False}
            emit(name, "passed", time.monotonic() - started, "checked", details)
        elif kind == "file_content":
            try:
                with open(test["path"], "rb") as f:
                    content = f.read(4 << 20).decode("utf-8", "replace")
                details = {"exists": True, "content": content}
            except OSError as e:
                details = {"exists": False, "error": str(e)}
            emit(name, "passed", time.monotonic() - started, "read", details)
    except BaseException as e:
        emit(name, "error", time.monotonic() - started, "%s: %s" % (type(e).__name__, e), {})

if __name__ == "__main__":
    main()
"""#
}
