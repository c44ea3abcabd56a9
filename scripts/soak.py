#!/usr/bin/env python3
"""`make soak`: the proxy, the replayer and the mock under moderate load for a bounded time, with
connections churning; resident memory and open file descriptors of each sampled every few seconds and
printed as a table. Fails when either grows beyond a margin after warm-up, or a process dies.

    SOAK_SECONDS=600 SOAK_RATE=200 SOAK_INTERVAL=5 scripts/soak.py

- the demo server (`reprise demo-server`) is the service;
- `reprise record` sits in front of it, recording everything to .build/soak/soak.jsonl (the file grows,
  the proxy's memory must not);
- `reprise replay recordings/demo.jsonl --rate SOAK_RATE` runs through the proxy for the whole soak,
  every call checked against the golden recording (one long-lived process: its memory must stay flat);
- h2load runs SOAK_BURSTS (2) short bursts a second (1000 SayHello calls on 4 new connections each)
  against the proxy and against `reprise mock recordings/demo.jsonl`: connections open and close all
  the time.

Warm-up is the first fifth of the samples (at least two). A process fails when the highest RSS of the last
third of the run exceeds the warm-up's highest by more than SOAK_RSS_MARGIN (0.25) plus 4 MB, or its open
descriptors exceed the warm-up's highest by more than SOAK_FD_MARGIN (16).
"""
import os
import pathlib
import re
import signal
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
BIN = os.environ.get("REPRISE_BIN", str(ROOT / ".build/debug")) + "/reprise"
SECONDS = int(os.environ.get("SOAK_SECONDS", "600"))
RATE = os.environ.get("SOAK_RATE", "200")
INTERVAL = float(os.environ.get("SOAK_INTERVAL", "5"))
RSS_MARGIN = float(os.environ.get("SOAK_RSS_MARGIN", "0.25"))
FD_MARGIN = int(os.environ.get("SOAK_FD_MARGIN", "16"))
# h2load bursts started per second against each of the proxy and the mock, 1000 calls on 4 new connections.
BURSTS = float(os.environ.get("SOAK_BURSTS", "2"))
OUT = ROOT / ".build/soak"
# SayHello {"name":"Reprise"}, the golden recording's first call, framed as gRPC.
REQUEST = bytes([0, 0, 0, 0, 9, 0x0A, 7]) + b"Reprise"


def start(name, command):
    log = open(OUT / f"{name}.log", "w")
    return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT, stdin=subprocess.DEVNULL)


def port_of(name, process):
    deadline = time.time() + 30
    while time.time() < deadline:
        match = re.search(r"listening on 127\.0\.0\.1:(\d+)", (OUT / f"{name}.log").read_text())
        if match:
            return int(match.group(1))
        if process.poll() is not None:
            break
        time.sleep(0.1)
    sys.exit(f"soak: {name} did not start; its log:\n" + (OUT / f"{name}.log").read_text())


def sample(pid):
    """(RSS in MB, open descriptors) of a live process."""
    status = pathlib.Path(f"/proc/{pid}/status").read_text()
    rss = int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024
    return rss, len(os.listdir(f"/proc/{pid}/fd"))


def main():
    for tool in (BIN, "/usr/bin/h2load"):
        if not os.access(tool, os.X_OK):
            sys.exit(f"soak: {tool} is missing (make build; make setup installs h2load)")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "request.bin").write_bytes(REQUEST)
    processes = {}
    bursts = []
    try:
        server = start("server", [BIN, "demo-server", "--listen", "127.0.0.1:0"])
        processes["server"] = server
        server_port = port_of("server", server)
        proxy = start("proxy", [BIN, "record", "--listen", "127.0.0.1:0", "--upstream", f"127.0.0.1:{server_port}",
                                "-I", "fixtures/protos/demo", "--proto", "demo/v1/demo.proto",
                                "--out", str(OUT / "soak.jsonl"), "--overwrite"])
        processes["proxy"] = proxy
        proxy_port = port_of("proxy", proxy)
        mock = start("mock", [BIN, "mock", "recordings/demo.jsonl", "--listen", "127.0.0.1:0"])
        processes["mock"] = mock
        mock_port = port_of("mock", mock)
        replay = start("replay", [BIN, "replay", "recordings/demo.jsonl", "--target", f"127.0.0.1:{proxy_port}",
                                  "--plaintext", "--rate", RATE, "--duration", f"{SECONDS}s", "--quiet",
                                  "--summary-export", str(OUT / "replay-summary.json")])
        processes["replay"] = replay
        watched = ["proxy", "replay", "mock"]
        print(f"soak: {SECONDS} s; replay --rate {RATE} through the proxy; h2load bursts (new connections each) "
              f"against the proxy and the mock; sampling every {INTERVAL:g} s")
        header = f"{'t (s)':>6} " + " ".join(f"{name + ' MB':>10} {name + ' fds':>10}" for name in watched)
        header += f" {'bursts':>7}"
        print(header)
        samples = {name: [] for name in watched}
        started = time.time()
        next_sample = started
        burst_count = 0
        next_burst = started
        while time.time() - started < SECONDS - 1:
            bursts = [b for b in bursts if b.poll() is None]
            if len(bursts) < 2 and time.time() >= next_burst:
                next_burst += 1 / BURSTS
                for port in (proxy_port, mock_port):
                    bursts.append(subprocess.Popen(
                        ["/usr/bin/h2load", "-n", "1000", "-c", "4", "-m", "4", "-d", str(OUT / "request.bin"),
                         "-H", "content-type: application/grpc", "-H", "te: trailers",
                         f"http://127.0.0.1:{port}/demo.v1.Demo/SayHello"],
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
                    burst_count += 1
            for name, process in processes.items():
                if process.poll() is not None and not (name == "replay" and time.time() - started > SECONDS - 5):
                    sys.exit(f"soak: {name} exited with {process.returncode} during the run; its log: "
                             f"{OUT / (name + '.log')}")
            if time.time() >= next_sample:
                row = f"{time.time() - started:6.0f} "
                for name in watched:
                    rss, fds = sample(processes[name].pid)
                    samples[name].append((rss, fds))
                    row += f"{rss:10.1f} {fds:10d} "
                print(row + f"{burst_count:7d}", flush=True)
                next_sample += INTERVAL
            time.sleep(0.2)
        for burst in bursts:
            burst.wait(timeout=60)
        replay_status = replay.wait(timeout=120)
        print(f"replay exited with {replay_status} (0: every call matched the golden recording)")
        failed = replay_status != 0
        for name in watched:
            rows = samples[name]
            if len(rows) < 6:
                print(f"{name}: too few samples ({len(rows)}) to judge; run longer")
                failed = True
                continue
            warm = rows[:max(2, len(rows) // 5)]
            late = rows[-max(2, len(rows) // 3):]
            warm_rss, late_rss = max(r for r, _ in warm), max(r for r, _ in late)
            warm_fds, late_fds = max(f for _, f in warm), max(f for _, f in late)
            rss_ok = late_rss <= warm_rss * (1 + RSS_MARGIN) + 4
            fds_ok = late_fds <= warm_fds + FD_MARGIN
            verdict = "ok" if rss_ok and fds_ok else "GROWS"
            failed |= verdict != "ok"
            print(f"{name:7} RSS warm-up max {warm_rss:.1f} MB, last third max {late_rss:.1f} MB; "
                  f"fds {warm_fds} -> {late_fds}: {verdict}")
        print("soak " + ("FAILED" if failed else "passed"))
        return 1 if failed else 0
    finally:
        for burst in bursts:
            if burst.poll() is None:
                burst.kill()
        for name in ("replay", "mock", "proxy", "server"):
            process = processes.get(name)
            if process and process.poll() is None:
                process.send_signal(signal.SIGINT)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()


if __name__ == "__main__":
    sys.exit(main())
