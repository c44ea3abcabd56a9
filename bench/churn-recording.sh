# Sourced by the bench scripts that replay connection churn (bench-connections.sh, compare-builds.sh), after
# echo-server.sh: `churn_recording REPRISE ADDR OUT CLIENTS RATE` records one unary call to the echo server
# at ADDR through `reprise record` (REPRISE is the binary), then writes OUT: that call repeated as CLIENTS one-call
# clients, each on a recorded connection of its own, RATE per second. Scratch files go beside OUT.
churn_recording() {
  local reprise=$1 addr=$2 out=$3 clients=$4 rate=$5
  local dir; dir=$(dirname "$out")
  "$reprise" record --listen 127.0.0.1:0 --upstream "$addr" --out "$dir/one.jsonl" --overwrite \
    -I bench/peers --proto echo.proto 2> "$dir/record.log" &
  local record_pid=$!
  PIDS+=("$record_pid")
  local proxy_port; proxy_port=$(listen_port "$dir/record.log")
  "$reprise" call --plaintext -I bench/peers --proto echo.proto -d '{"payload":"aGVsbG8gd29ybGQh"}' \
    "127.0.0.1:$proxy_port" bench.Echo/Unary > /dev/null
  kill -INT "$record_pid"; wait "$record_pid"
  python3 - "$dir/one.jsonl" "$out" "$clients" "$rate" <<'PY'
import json, sys
source, target, clients, rate = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
lines = open(source).read().splitlines()
call = [json.loads(line) for line in lines[1:]]
if not call or call[-1].get("type") != "end" or call[-1].get("outcome") != "ok":
    sys.exit("churn_recording: the recorded call did not end ok")
start, gap = call[0]["t"], int(1e9 / rate)
with open(target, "w") as out:
    out.write(lines[0] + "\n")
    for client in range(clients):
        for event in call:
            event = dict(event, call=client + 1, t=client * gap + event["t"] - start)
            if event["type"] == "call":
                event["conn"] = client + 1
            out.write(json.dumps(event, separators=(",", ":")) + "\n")
PY
}
