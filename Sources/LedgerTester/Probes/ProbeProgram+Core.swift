// swift-format-ignore-file
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
_BY_NAME = {}
STATE = {"imported": {}, "results": {}}

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

WORKDIR = tempfile.mkdtemp(prefix="ledger-probes-")
LISTENER = None
SERVER = None  # a warm process (an import probe's child, kept) that forks later probes: {"pid", "sock", "file"}
_COUNTER = [0]

def _evaluate(fn):
    try:
        result = fn()
        if result is None:
            return ("passed", "", {})
        if isinstance(result, str):
            return ("passed", result, {})
        if len(result) == 2:
            return ("passed", result[0], result[1])
        return tuple(result)
    except Skip as e:
        return ("skipped", str(e), {})
    except Fail as e:
        return ("failed", str(e), e.details)
    except BaseException as e:
        return ("failed", "%s: %s" % (type(e).__name__, e), {"traceback": traceback.format_exc()[-3000:]})

def _write_json(path, value):
    with open(path + ".tmp", "w") as f:
        json.dump(value, f, default=str)
    os.rename(path + ".tmp", path)

def _probe_child(fn, out_path, result_path, serve):
    """A probe's own process: its own session, output captured to a file, the result written to a file.
    An import probe that passed may stay on as the server later probes are forked from (modules loaded once)."""
    code = 0
    try:
        os.setsid()
        fd = os.open(out_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        result = _evaluate(fn)
        _write_json(result_path, list(result))
        if serve and result[0] == "passed":
            _serve()
    except BaseException:
        code = 3
    finally:
        os._exit(code)

def _serve():
    """Serves requests from the supervisor: fork a probe, answer its pid; record each child's exit status."""
    import socket
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(os.path.join(WORKDIR, "supervisor.sock"))
    stream = sock.makefile("rw")
    paths = {}
    def reap(signum, frame):
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            if pid in paths:
                _write_json(paths.pop(pid) + ".status", status)
    signal.signal(signal.SIGCHLD, reap)
    stream.write(json.dumps({"pid": os.getpid()}) + "\n")
    stream.flush()
    for line in stream:
        request = json.loads(line)
        if request.get("quit"):
            break
        STATE["imported"].update(request["imported"])
        STATE["results"].update({k: tuple(v) for k, v in request["results"].items()})
        fn = _BY_NAME[request["name"]]["fn"]
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGCHLD})
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGCHLD})
            _probe_child(fn, request["out"], request["result"], request["serve"])
        paths[pid] = request["result"]
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGCHLD})
        stream.write(json.dumps({"pid": pid}) + "\n")
        stream.flush()

def _listen():
    global LISTENER
    import socket
    if LISTENER is None:
        LISTENER = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        LISTENER.bind(os.path.join(WORKDIR, "supervisor.sock"))
        LISTENER.listen(4)
    return LISTENER

def _drop_server():
    global SERVER
    if SERVER:
        try:
            SERVER["file"].write(json.dumps({"quit": True}) + "\n")
            SERVER["file"].flush()
        except OSError:
            pass
        SERVER["sock"].close()
    SERVER = None

def _adopt_server():
    """Accepts the connection of an import probe's child that stays on as the new server."""
    global SERVER
    listener = _listen()
    ready, _, _ = select.select([listener], [], [], 10)
    if not ready:
        return
    sock, _ = listener.accept()
    sock.settimeout(10)
    stream = sock.makefile("rw")
    try:
        hello = json.loads(stream.readline())
    except Exception:
        sock.close()
        return
    sock.settimeout(None)
    _drop_server()
    SERVER = {"pid": hello["pid"], "sock": sock, "file": stream}

def _start(entry, out_path, result_path, serve):
    """Forks the probe from the server when there is one, else from here; returns (pid, from_server)."""
    if SERVER:
        try:
            request = {"name": entry["name"], "out": out_path, "result": result_path, "serve": serve,
                       "imported": STATE["imported"], "results": STATE["results"]}
            SERVER["file"].write(json.dumps(request, default=str) + "\n")
            SERVER["file"].flush()
            SERVER["sock"].settimeout(10)
            reply = SERVER["file"].readline()
            SERVER["sock"].settimeout(None)
            return json.loads(reply)["pid"], True
        except Exception:
            _drop_server()
    pid = os.fork()
    if pid == 0:
        _probe_child(entry["fn"], out_path, result_path, serve)
    return pid, False

def run_isolated(entry, timeout, serve=False):
    """Runs a probe in its own process with a deadline and returns (status, message, details)."""
    _COUNTER[0] += 1
    base = os.path.join(WORKDIR, str(_COUNTER[0]))
    out_path, result_path = base + ".out", base + ".json"
    if serve:
        _listen()
    pid, from_server = _start(entry, out_path, result_path, serve)
    deadline = time.monotonic() + timeout
    status, timed_out, pause = None, False, 0.001
    while True:
        if os.path.exists(result_path):
            break
        if from_server:
            if os.path.exists(result_path + ".status"):
                with open(result_path + ".status") as f:
                    status = json.load(f)
                break
        else:
            done, wait_status = os.waitpid(pid, os.WNOHANG)
            if done:
                status = wait_status
                break
        if time.monotonic() >= deadline:
            timed_out = True
            break
        time.sleep(pause)
        pause = min(pause * 2, 0.02)
    result = None
    if os.path.exists(result_path):
        with open(result_path) as f:
            result = json.load(f)
    elif timed_out:
        for kill in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
            try:
                kill()
            except OSError:
                pass
    if not from_server and status is None and not (result and serve and result[0] == "passed"):
        status = os.waitpid(pid, 0)[1]
    output = _tail(out_path)
    if result and serve and result[0] == "passed":
        _adopt_server()
    if timed_out and result is None:
        return ("error", "timed out after %gs" % timeout, {"output": output})
    if result is not None:
        status_, message, details = result
        if status_ in ("failed", "error") and output:
            details = dict(details, output=output)
        return (status_, message, details)
    if status is not None and os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        return ("error", "the probe crashed the interpreter (signal %d, %s)" % (sig, _signal_name(sig)),
                {"output": output, "signal": sig})
    code = os.WEXITSTATUS(status) if status is not None else -1
    return ("error", "the probe exited with status %d without reporting" % code, {"output": output})

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
        status, message, details = run_isolated(entry, TIMEOUT, serve=bool(entry.get("module")))
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

_SELECTED = []
def selected():
    if not _SELECTED:
        _SELECTED.extend(p for p in PROBES if p["level"] <= LEVEL)
    return _SELECTED

def main():
    extra = CONFIG.get("extra")
    if extra:
        exec(compile(extra, "<probe-extra>", "exec"), globals())
    _BY_NAME.update((p["name"], p) for p in PROBES)
    for index, entry in enumerate(selected()):
        status = run_probe(entry)
        module = entry.get("module")
        if module:
            STATE["imported"][module] = status == "passed"
    _drop_server()
    for test in CONFIG.get("structure", []):
        run_structure(test)
"""#
}
