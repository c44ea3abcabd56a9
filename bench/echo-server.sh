# Sourced by the bench scripts: builds the grpc C++ echo server (bench/peers/cpp-echo) once into
# .build/bench/wire, starts it with its stdin on a fifo in $WORK, and sets SERVER_PORT and SERVER_PID.
# `stop_echo_server` ends it (closing the fifo, which it reads to know when to stop).
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
