"""A grpcio (C core) server of recordtest.v1.Recorder whose answers a test switches while it runs, for the golden
check's tests: the way a server under test changes between a recording and a replay.

Compiles fixtures/protos/record/recordtest/v1/record_test.proto with grpc_tools.protoc at start-up, prints
"PORT <n>" once listening, serves until stdin closes. Before every call it reads the switches, one word per
line, from the file given with --switches (missing or empty: the baseline):
  field    Unary answers text + "!" instead of the request's text
  status   Unary fails with FAILED_PRECONDITION "switched off"
  extra    ServerStream sends one note more than asked
  reorder  Unary's tags and inners come back in reverse order
  clock    Unary's `at` is the current time (baseline: a fixed instant)
  drift    Unary's inners' ratios are 0.001 larger
  meta     Unary's header x-api-version is 2 (baseline 1) and its trailer x-cache is miss (baseline hit)
  agent    Unary answers the call's user-agent as its text (what a replay sent)
  peer     Unary answers the client's address as its text (grpcio's context.peer(): which connection)
"""

import argparse
import os
import sys
import threading
import time
from concurrent import futures

import grpc

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
PROTOS = os.path.join(ROOT, "fixtures", "protos", "record")


sys.path.insert(0, os.path.join(ROOT, "scripts"))
import protostubs  # noqa: E402

pb, pb_grpc = protostubs.load(
    PROTOS, ["recordtest/v1/record_test.proto"], ["recordtest.v1.record_test_pb2", "recordtest.v1.record_test_pb2_grpc"])


class Recorder(pb_grpc.RecorderServicer):
    def __init__(self, switches_path):
        self.switches_path = switches_path

    def switches(self):
        try:
            with open(self.switches_path) as f:
                return set(f.read().split())
        except FileNotFoundError:
            return set()

    def Unary(self, request, context):
        on = self.switches()
        if "status" in on:
            context.abort(grpc.StatusCode.FAILED_PRECONDITION, "switched off")
        context.send_initial_metadata((("x-api-version", "2" if "meta" in on else "1"),))
        context.set_trailing_metadata((("x-cache", "miss" if "meta" in on else "hit"),))
        text = request.text + ("!" if "field" in on else "")
        if "agent" in on:
            text = dict(context.invocation_metadata()).get("user-agent", "")
        if "peer" in on:
            text = context.peer()
        note = pb.Note(text=text, count=request.count)
        tags = ["alpha", "beta", "gamma"]
        inners = [("x", 0.5), ("y", 1.5), ("z", 2.5)]
        if "reorder" in on:
            tags.reverse()
            inners.reverse()
        note.tags.extend(tags)
        for token, ratio in inners:
            note.inners.add(token=token, ratio=ratio + (0.001 if "drift" in on else 0.0))
        if "clock" in on:
            note.at.FromNanoseconds(time.time_ns())
        else:
            note.at.FromSeconds(1_800_000_000)
        return note

    def ServerStream(self, request, context):
        count = request.count + (1 if "extra" in self.switches() else 0)
        for i in range(count):
            yield pb.Note(text=f"{request.text}-{i}", count=i)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--switches", required=True)
    args = parser.parse_args()
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
    pb_grpc.add_RecorderServicer_to_server(Recorder(args.switches), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print(f"PORT {port}", flush=True)
    threading.Thread(target=lambda: (sys.stdin.read(), server.stop(0)), daemon=True).start()
    server.wait_for_termination()


if __name__ == "__main__":
    main()
