# Sourced by the bench scripts: builds the grpc C++ echo server (bench/peers/cpp-echo) once into
# .build/bench/wire, starts it with its stdin on a fifo in $WORK, and sets SERVER_PORT and SERVER_PID.
# `stop_echo_server` ends it (closing the fifo, which it reads to know when to stop).
#
# Also what the scripts that start peers of their own share: PIDS (add each background peer's pid;
# `stop_peers` ends them, then the echo server: the EXIT trap), `free_port`, and `listen_port LOG`
# (waits for a reprise command's "listening on 127.0.0.1:PORT" and prints the port).
start_echo_server() {
  local server=$PWD/.build/bench/wire/cpp-echo-server
  local source=bench/peers/cpp-echo/echo_server.cc
  mkdir -p "$(dirname "$server")"
  if [ ! -x "$server" ] || [ "$source" -nt "$server" ]; then
    echo "building the C++ echo server (grpc++ $(pkg-config --modversion grpc++))"
    g++ -O2 -std=c++17 -o "$server" "$source" $(pkg-config --cflags --libs grpc++)
  fi
  rm -f "$WORK/server.in"; mkfifo "$WORK/server.in"
  "$server" < "$WORK/server.in" > "$WORK/server.out" &
  SERVER_PID=$!
  exec 3> "$WORK/server.in"
  for _ in $(seq 100); do grep -q PORT "$WORK/server.out" 2>/dev/null && break; sleep 0.1; done
  SERVER_PORT=$(awk '/PORT/ {print $2}' "$WORK/server.out")
  [ -n "$SERVER_PORT" ] || { echo "the echo server did not start" >&2; return 1; }
}

stop_echo_server() {
  [ -n "${SERVER_PID:-}" ] || return 0
  exec 3>&-
  wait "$SERVER_PID" 2>/dev/null || true
}

PIDS=()
stop_peers() {
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  stop_echo_server
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

listen_port() {
  local port=
  for _ in $(seq 100); do
    port=$(grep -oE 'listening on 127\.0\.0\.1:[0-9]+' "$1" | head -1 | sed 's/.*://') || true
    [ -n "$port" ] && { echo "$port"; return; }
    sleep 0.1
  done
  cat "$1" >&2; echo "$(basename "$0"): nothing listening (see $1)" >&2; exit 1
}
