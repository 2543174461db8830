"""Shared parts of scripts/bench: Debian packages, release builds, a private loopback nginx,
process accounting from /proc, and the summary table.

Everything started here runs on 127.0.0.1 with its own config, pid and log files in a temporary
folder and is stopped on exit; the system's services are never touched.
"""

import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BENCH_PACKAGE = os.path.join(REPO, "Benchmarks")
# The release build as it ships (the link options scripts/install uses): what is measured is what is installed.
RELEASE_BUILD = os.path.join(REPO, "scripts", "release-build")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

# Progress goes to stderr, results to stdout; keep them in order when both go to one file.
sys.stdout.reconfigure(line_buffering=True)


def say(message):
    print(message, file=sys.stderr, flush=True)


# --- Debian packages ------------------------------------------------------------------------------

def require(packages, script):
    """`packages`: (Debian package, path or command that proves it is installed). Installs what is
    missing with apt-get when running as root; otherwise says what to install and exits 2."""
    missing = [pkg for pkg, probe in packages if not (os.path.exists(probe) or shutil.which(probe))]
    if not missing:
        return
    if os.geteuid() != 0:
        say(f"{script}: missing Debian packages; install them with:\n"
            f"    sudo apt-get install --no-install-recommends {' '.join(missing)}")
        sys.exit(2)
    say(f"{script}: installing {' '.join(missing)} (apt-get)")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing],
                   check=True, env=env, stdout=subprocess.DEVNULL)
    still = [pkg for pkg, probe in packages if not (os.path.exists(probe) or shutil.which(probe))]
    if still:
        say(f"{script}: still missing after apt-get: {' '.join(still)}")
        sys.exit(2)


# --- builds ---------------------------------------------------------------------------------------

def build(products, script):
    """Builds `products` in release in the Benchmarks package (which also builds the main package's
    `incidentboard`, sharing one release build of the engine) through `scripts/release-build`, and
    returns {product: path}."""
    if not shutil.which("swift"):
        say(f"{script}: `swift` is not on PATH (Swift 6.1 or later is needed)")
        sys.exit(2)
    say(f"{script}: building {', '.join(products)} in release (Benchmarks/.build; "
        "a first build takes several minutes)")
    for product in products:
        started = time.monotonic()
        run = subprocess.run([RELEASE_BUILD, "--package-path", BENCH_PACKAGE, "--product", product],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if run.returncode != 0:
            say(run.stdout[-4000:])
            say(f"{script}: release build of {product} failed")
            sys.exit(1)
        say(f"{script}:   {product} built ({time.monotonic() - started:.0f} s)")
    return built(products, script)


def built(products, script):
    """The release binaries of `products` as already built (`--skip-build`), as {product: path};
    exits with a clear message when one is missing (e.g. `probe-load` after `scale`, which builds
    only `incidentboard`)."""
    binaries = release_bin_path()
    paths = {product: os.path.join(binaries, product) for product in products}
    missing = [path for path in paths.values() if not os.access(path, os.X_OK)]
    if missing:
        say(f"{script}: --skip-build, but {', '.join(missing)} is not built; run once without --skip-build")
        sys.exit(2)
    return paths


def release_bin_path():
    """Where `scripts/release-build` puts the Benchmarks package's release products."""
    return subprocess.run([RELEASE_BUILD, "--package-path", BENCH_PACKAGE, "--show-bin-path"],
                          stdout=subprocess.PIPE, text=True, check=True).stdout.strip()


# --- loopback servers -----------------------------------------------------------------------------

def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port, process, what, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with status {process.returncode} during start-up")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{what} did not listen on 127.0.0.1:{port} within {timeout:.0f} s")


class Children:
    """Processes this script started; all stopped on exit, on SIGINT and on SIGTERM."""

    def __init__(self):
        self.processes = []
        signal.signal(signal.SIGTERM, self._signalled)
        signal.signal(signal.SIGINT, self._signalled)

    def _signalled(self, number, _frame):
        self.stop_all()
        sys.exit(128 + number)

    def start(self, argv, what, **kwargs):
        process = subprocess.Popen(argv, **kwargs)
        process.what = what
        self.processes.append(process)
        return process

    def stop(self, process, sig=signal.SIGTERM, timeout=10.0):
        if process.poll() is None:
            process.send_signal(sig)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if process in self.processes:
            self.processes.remove(process)

    def stop_all(self):
        for process in list(reversed(self.processes)):
            self.stop(process)

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self.stop_all()


def start_nginx(children, folder, ports, workers=1):
    """A private nginx answering `200 ok` on each of `ports` (127.0.0.1), config, pid, logs and
    temp files in `folder`; returns its master process."""
    os.makedirs(folder, exist_ok=True)
    listens = "\n".join(f"        listen 127.0.0.1:{port};" for port in ports)
    temps = "\n".join(f"    {kind}_temp_path {folder}/{kind};"
                      for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    config = f"""
worker_processes {workers};
worker_rlimit_nofile 65536;
daemon off;
master_process on;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 16384; }}
http {{
    access_log off;
{temps}
    server {{
{listens}
        location / {{ return 200 "ok\\n"; }}
    }}
}}
"""
    path = os.path.join(folder, "nginx.conf")
    with open(path, "w") as file:
        file.write(config)
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    process = children.start([nginx, "-p", folder, "-c", path, "-e", f"{folder}/error.log"], "nginx",
                             stdout=subprocess.DEVNULL, stderr=open(os.path.join(folder, "stderr.log"), "w"))
    for port in ports:
        wait_for_port(port, process, "nginx")
    return process


def descendants(pid):
    """`pid` and every process below it (nginx's workers)."""
    found = [pid]
    for child in _children_of(pid):
        found.extend(descendants(child))
    return found


def _children_of(pid):
    result = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as file:
                result.extend(int(x) for x in file.read().split())
    except OSError:
        pass
    return result


# --- accounting -----------------------------------------------------------------------------------

def cpu_seconds(pid):
    """User and system CPU seconds of a running process (all its threads), from /proc/PID/stat."""
    with open(f"/proc/{pid}/stat") as file:
        fields = file.read().rsplit(")", 1)[1].split()
    # After the command: state is fields[0], utime is the 14th field of the line (index 11 here).
    return int(fields[11]) / CLOCK_TICKS, int(fields[12]) / CLOCK_TICKS


def cpu_total(pids):
    total = 0.0
    for pid in pids:
        try:
            user, system = cpu_seconds(pid)
            total += user + system
        except OSError:
            pass
    return total


def memory_kib(pid):
    """(VmRSS, VmHWM) in KiB from /proc/PID/status."""
    values = {}
    with open(f"/proc/{pid}/status") as file:
        for line in file:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0])
    return values.get("VmRSS", 0), values.get("VmHWM", 0)


def http_get(url, timeout=5.0):
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.read().decode("utf-8", "replace")


# --- statistics and output ------------------------------------------------------------------------

def summary(values):
    """Median and the spread of the rounds: min, max, and (max - min) / median."""
    values = [v for v in values if v is not None]
    if not values:
        return None
    median = statistics.median(values)
    spread = (max(values) - min(values)) / median if median else 0.0
    return {"median": median, "min": min(values), "max": max(values), "spread": spread, "rounds": len(values)}


def table(rows, header):
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    line = lambda row: "  ".join(str(cell).ljust(width) for cell, width in zip(row, widths)).rstrip()
    print(line(header))
    print(line(["-" * w for w in widths]))
    for row in rows:
        print(line(row))


def write_json(path, document):
    if not path:
        return
    with open(path, "w") as file:
        json.dump(document, file, indent=2, sort_keys=False)
        file.write("\n")
    say(f"results written to {path}")


def machine():
    load = os.getloadavg()
    model = ""
    try:
        with open("/proc/cpuinfo") as file:
            model = next((line.split(":", 1)[1].strip() for line in file if line.startswith("model name")), "")
    except OSError:
        pass
    return {"cpus": os.cpu_count(), "cpu_model": model, "load_average_at_start": [round(x, 2) for x in load],
            "kernel": os.uname().release}
