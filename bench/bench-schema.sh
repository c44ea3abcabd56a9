#!/usr/bin/env bash
# Schema benchmark: compiling the whole .proto corpus with `reprise compile` versus protoc, side by
# side in one run. Peers: grpc_tools.protoc (libprotoc 35, a Python wrapper: its startup is
# measured separately with `--version` and subtracted in a second column) and Debian's
# /usr/bin/protoc 3.21 on the files it accepts (no editions). Each tool compiles each group in one
# process; RUNS runs per tool, interleaved; medians of wall and CPU (user+sys) seconds; ratios are
# peer / Reprise (above 1 means Reprise is faster).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${REPRISE_VENV:-$PWD/.build/venv}
BIN_DIR=${REPRISE_BIN:-$PWD/.build/release}
RUNS=${RUNS:-9}
for product in reprise reprise-bench; do
  if [ ! -x "$BIN_DIR/$product" ]; then
    swift build -c release --product "$product" >&2
  fi
done
exec "$VENV/bin/python" - "$BIN_DIR" "$RUNS" <<'PYTHON'
import glob, os, resource, statistics, subprocess, sys, tempfile, time

bin_dir, runs = sys.argv[1], int(sys.argv[2])
reprise = os.path.join(bin_dir, "reprise")
python = sys.executable
root = os.getcwd()
fixtures = os.path.join(root, "fixtures/protos")
grpc = os.path.join(fixtures, "grpc")
wkt = ["any", "api", "descriptor", "duration", "empty", "field_mask", "source_context", "struct", "timestamp",
       "type", "wrappers", "compiler/plugin", "cpp_features", "go_features", "java_features"]
out = tempfile.mkdtemp(prefix="bench-schema-")

def rel(paths, base):
    return sorted(os.path.relpath(p, base) for p in paths)

corpus_files = (rel(glob.glob(fixtures + "/constructs/**/*.proto", recursive=True), fixtures)
                + rel(glob.glob(grpc + "/**/*.proto", recursive=True), grpc)
                + [f"google/protobuf/{name}.proto" for name in wkt])
corpus_paths = ["-I" + fixtures, "-I" + grpc]
debian_files = rel(glob.glob("/usr/include/google/protobuf/**/*.proto", recursive=True), "/usr/include")
debian_paths = ["-I/usr/include"]

def reprise_cmd(paths, files):
    return [reprise, "compile"] + paths + ["--include-imports", "-o", out + "/r.pb"] + files
def tools_cmd(paths, files):
    return [python, "-m", "grpc_tools.protoc"] + paths + ["--include_imports", "--descriptor_set_out=" + out + "/t.pb"] + files
def debian_cmd(paths, files):
    return ["/usr/bin/protoc"] + paths + ["--include_imports", "--descriptor_set_out=" + out + "/d.pb"] + files

def ok(cmd):
    return subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0

# Debian's protoc 3.21 rejects editions and newer options: keep the corpus files it accepts, with
# Debian's well-known types first on the path so every tool compiles the same texts.
old_paths = debian_paths + corpus_paths
old_files = [f for f in corpus_files if not f.startswith("google/") and ok(debian_cmd(old_paths, [f]))] if os.path.exists("/usr/bin/protoc") else []

# The corpus twenty times over (packages and imports renamed per copy): process start-up
# amortized, so the compilers' own speed shows.
def scaled_copy(files, copies, folder):
    import re
    names = []
    for i in range(copies):
        for name in files:
            source = os.path.join(grpc if os.path.exists(os.path.join(grpc, name)) else fixtures, name)
            text = open(source, encoding="utf-8").read().replace("reprise.fixtures", f"reprise.c{i}.fixtures")
            for kind in ("import ", "import public ", "import weak "):
                text = text.replace(kind + '"constructs/', kind + f'"c{i}/constructs/')
            text = re.sub(r"^package grpc\.", f"package grpc.c{i}.", text, flags=re.M)
            target = os.path.join(folder, f"c{i}", name)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            open(target, "w", encoding="utf-8").write(text)
            names.append(f"c{i}/{name}")
    return names

scaled_dir = os.path.join(out, "scaled")
scaled_files = scaled_copy([f for f in corpus_files if not f.startswith("google/")], 20, scaled_dir)
scaled_old = scaled_copy(old_files, 20, os.path.join(out, "scaled_old")) if old_files else []

def measure(cmd):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)

def bench(commands):
    results = {name: [] for name in commands}
    for _ in range(runs):
        for name, cmd in commands.items():  # interleaved, so load changes hit every tool alike
            results[name].append(measure(cmd))
    return {name: (statistics.median(w for w, _ in r), statistics.median(c for _, c in r)) for name, r in results.items()}

baseline = bench({"python": [python, "-m", "grpc_tools.protoc", "--version"]})["python"]
print(f"grpc_tools.protoc startup (python -m grpc_tools.protoc --version): wall {baseline[0]*1000:.1f} ms, cpu {baseline[1]*1000:.1f} ms")
print(f"runs per tool: {runs}; medians; ratio = peer / reprise\n")

groups = [
    ("corpus (constructs, gRPC, well-known types)", corpus_paths, corpus_files, False),
    ("Debian libprotobuf-dev protos", debian_paths, debian_files, True),
    ("corpus files protoc 3.21 accepts", old_paths, old_files, True),
    ("corpus x20 (renamed copies)", ["-I" + scaled_dir], scaled_files, False),
    ("protoc-3.21 files x20 (renamed copies)", debian_paths + ["-I" + os.path.join(out, "scaled_old")], scaled_old, True),
]
print(f"{'group':46} {'files':>5} {'tool':28} {'wall ms':>9} {'cpu ms':>9} {'wall x':>7} {'cpu x':>7}")
for title, paths, files, with_debian in groups:
    if not files:
        continue
    commands = {"reprise compile": reprise_cmd(paths, files), "grpc_tools.protoc 35": tools_cmd(paths, files)}
    if with_debian and os.path.exists("/usr/bin/protoc"):
        commands["/usr/bin/protoc 3.21"] = debian_cmd(paths, files)
    results = bench(commands)
    base_wall, base_cpu = results["reprise compile"]
    rows = list(results.items())
    tools_wall, tools_cpu = results["grpc_tools.protoc 35"]
    rows.insert(2, ("  minus python startup", (max(tools_wall - baseline[0], 1e-9), max(tools_cpu - baseline[1], 1e-9))))
    for name, (wall, cpu) in rows:
        ratio = "" if name == "reprise compile" else f"{wall / base_wall:7.2f} {cpu / base_cpu:7.2f}"
        print(f"{title[:46]:46} {len(files):5} {name:28} {wall*1000:9.1f} {cpu*1000:9.1f} {ratio}")
    # The same compile repeated inside one process: the compiler's own cost, without start-up.
    names = [f for f in files]
    inproc = subprocess.run([os.path.join(bin_dir, "reprise-bench"), "schema", "--iterations", "5" if len(files) > 100 else "30"] + paths + names,
                            check=True, capture_output=True, text=True).stdout.split()
    print(f"{title[:46]:46} {len(files):5} {'  reprise, in-process':28} {float(inproc[0])*1000:9.1f} {float(inproc[1])*1000:9.1f}")
    print()
PYTHON
