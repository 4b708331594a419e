// The probe program's runner (fork per probe, timeout, one JSON line per attempt),
// carried inside the binary (a resource bundle breaks when the binary is copied).
// Python 3 standard library only; it runs as `python3 - CONFIG` with this text on stdin.

extension ProbeProgram {
    /// The runner: configuration, isolation, timeouts, retries, the main loop.
    static let core = #"""
# ledger probe program: runs inside the container under test, one probe per forked child with a timeout,
# and prints ONE JSON line per probe attempt on stdout. Everything else a probe prints is captured.
import base64, json, os, select, signal, stat, subprocess, sys, tempfile, time, traceback

CONFIG = json.loads(base64.b64decode(sys.argv[1]).decode()) if len(sys.argv) > 1 else {}
LEVELS = {"quick": 0, "standard": 1, "full": 2}
LEVEL = LEVELS.get(CONFIG.get("level", "quick"), 0)
TIMEOUT = float(CONFIG.get("timeout", 60))
RETRIES = int(CONFIG.get("retries", 0))
for _p in reversed(CONFIG.get("python_path", [])):
    sys.path.insert(0, _p)
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

class Skip(Exception):
    """The probe cannot run here (no GPU, torch missing): reported `skipped` with the reason."""

class Fail(Exception):
    """The checked thing is broken: reported `failed` with this message as it is (and optional details)."""
    def __init__(self, message, details=None):
        Exception.__init__(self, message)
        self.details = details or {}

PROBES = []
STATE = {"imported": {}, "preloaded": set(), "results": {}}

def probe(name, level="quick", needs=(), module=None):
    """Registers a probe. `needs`: modules that must have imported (or "gpu": cuda.available passed);
    `module`: the module an import probe checks (imported here once it passed, for later probes)."""
    def register(fn):
        PROBES.append({"name": name, "level": LEVELS[level], "fn": fn, "needs": tuple(needs), "module": module})
        return fn
    return register

def emit(name, status, duration, message, details=None, attempt=1):
    line = {"name": name, "status": status, "duration_s": round(duration, 4), "message": message,
            "details": details or {}, "attempt": attempt}
    sys.stdout.write(json.dumps(line, default=str) + "\n")
    sys.stdout.flush()

def _signal_name(number):
    try:
        return signal.Signals(number).name
    except Exception:
        return str(number)

def _tail(path, limit=4000):
    try:
        with open(path, "rb") as f:
            f.seek(0, 2)
            size = f.tell()
            f.seek(max(0, size - limit))
            return f.read().decode("utf-8", "replace")
    except OSError:
        return ""

def run_isolated(fn, timeout):
    """Runs fn() in a forked child (its own session) and returns (status, message, details)."""
    read_end, write_end = os.pipe()
    out_fd, out_path = tempfile.mkstemp(prefix="ledger-probe-")
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            os.setsid()
            os.close(read_end)
            os.dup2(out_fd, 1)
            os.dup2(out_fd, 2)
            try:
                result = fn()
                if result is None:
                    result = ("passed", "", {})
                elif isinstance(result, str):
                    result = ("passed", result, {})
                elif len(result) == 2:
                    result = ("passed", result[0], result[1])
            except Skip as e:
                result = ("skipped", str(e), {})
            except Fail as e:
                result = ("failed", str(e), e.details)
            except BaseException as e:
                result = ("failed", "%s: %s" % (type(e).__name__, e), {"traceback": traceback.format_exc()[-3000:]})
            payload = json.dumps(list(result), default=str).encode()
            view = memoryview(payload)
            while view:
                view = view[os.write(write_end, view):]
        except BaseException:
            code = 3
        finally:
            os._exit(code)
    os.close(write_end)
    os.close(out_fd)
    deadline = time.monotonic() + timeout
    chunks, timed_out = [], False
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            timed_out = True
            break
        ready, _, _ = select.select([read_end], [], [], remaining)
        if ready:
            data = os.read(read_end, 1 << 16)
            if not data:
                break
            chunks.append(data)
    os.close(read_end)
    if timed_out:
        for kill in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
            try:
                kill()
            except OSError:
                pass
    _, status = os.waitpid(pid, 0)
    output = _tail(out_path)
    os.unlink(out_path)
    if timed_out:
        return ("error", "timed out after %gs" % timeout, {"output": output})
    if chunks:
        try:
            status_, message, details = json.loads(b"".join(chunks).decode())
            if status_ in ("failed", "error") and output:
                details = dict(details, output=output)
            return (status_, message, details)
        except Exception as e:
            return ("error", "the probe's result could not be read: %s" % e, {"output": output})
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        return ("error", "the probe crashed the interpreter (signal %d, %s)" % (sig, _signal_name(sig)),
                {"output": output, "signal": sig})
    return ("error", "the probe exited with status %d without reporting" % os.WEXITSTATUS(status),
            {"output": output})

def preload(module):
    """Imports a module that imported cleanly in a probe into this process, so later children inherit it."""
    if module in STATE["preloaded"]:
        return
    STATE["preloaded"].add(module)
    def on_alarm(signum, frame):
        raise TimeoutError()
    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(max(1, int(TIMEOUT)))
    try:
        __import__(module)
    except BaseException:
        pass
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)

def run_probe(entry):
    name = entry["name"]
    why = unmet(entry["needs"])
    if why:
        emit(name, "skipped", 0.0, why)
        STATE["results"][name] = ("skipped", {})
        return "skipped"
    attempt = 1
    while True:
        started = time.monotonic()
        status, message, details = run_isolated(entry["fn"], TIMEOUT)
        emit(name, status, time.monotonic() - started, message, details, attempt)
        if status not in ("failed", "error") or attempt > RETRIES:
            STATE["results"][name] = (status, details)
            return status
        attempt += 1

def unmet(needs):
    """Why a probe cannot run (a needed module did not import, no GPU), or None."""
    for need in needs:
        if need == "gpu":
            status, details = STATE["results"].get("cuda.available", ("skipped", {}))
            if status != "passed":
                return "no GPU visible in the container" + (
                    " (torch did not import)" if STATE["imported"].get("torch") is not True else "")
        elif STATE["imported"].get(need) is not True:
            if need in STATE["imported"]:
                return "%s did not import (see imports.%s)" % (need, need)
            return "%s is not installed" % need if not _installed(need) else "%s was not checked" % need
    return None

def _installed(module):
    import importlib.util
    try:
        return importlib.util.find_spec(module) is not None
    except Exception:
        return False

def later_needs(index, module):
    return any(module in p["needs"] for p in selected()[index + 1:])

_SELECTED = []
def selected():
    if not _SELECTED:
        _SELECTED.extend(p for p in PROBES if p["level"] <= LEVEL)
    return _SELECTED

def main():
    extra = CONFIG.get("extra")
    if extra:
        exec(compile(extra, "<probe-extra>", "exec"), globals())
    for index, entry in enumerate(selected()):
        status = run_probe(entry)
        module = entry.get("module")
        if module:
            STATE["imported"][module] = status == "passed"
            if status == "passed" and later_needs(index, module):
                preload(module)
    for test in CONFIG.get("structure", []):
        run_structure(test)
"""#
}
