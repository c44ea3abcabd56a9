"""A grpcio client of recordtest.v1.Recorder for the recording proxy's tests.

Runs the named scenarios against --target (plaintext, or TLS trusting --ca) and prints one JSON object per
scenario on stdout: what was sent and received (messages as base64 protobuf), the initial and trailing
metadata, the status code and message. Run once directly and once through the proxy, the outputs must be
equal; the recording must hold the same messages.
"""

import argparse
import base64
import json
import os
import sys
import threading
import time

import grpc

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from record_server import pb, pb_grpc  # noqa: E402


def b64(data):
    return base64.b64encode(data).decode()


def pairs(metadata):
    out = []
    for key, value in metadata or ():
        out.append([key, b64(value) if isinstance(value, bytes) else value])
    return out


def sample():
    note = pb.Note(text="hello", count=3, mood=pb.HAPPY, tags=["a", "b"], blob=b"\x00\x01\xfe",
                   password="hunter2")
    note.scores["x"] = 1
    note.inner.token = "tok"
    note.inner.ratio = 0.5
    note.at.seconds = 1700000000
    note.at.nanos = 5000
    note.inners.add(token="first", ratio=1.5)
    return note


METADATA = [("x-team", "blue"), ("authorization", "Bearer secret-token"), ("x-trace-bin", b"\x01\x02\x03")]


def result(name, requests, responses, call=None, error=None):
    out = {"scenario": name, "requests": [b64(m.SerializeToString()) for m in requests],
           "responses": [b64(m.SerializeToString()) for m in responses]}
    source = error if error is not None else call
    if source is not None:
        out["initial_metadata"] = pairs(source.initial_metadata())
        out["trailing_metadata"] = pairs(source.trailing_metadata())
        out["code"] = source.code().value[0]
        out["details"] = source.details() or ""
    return out


def unary(stub):
    request = sample()
    response, call = stub.Unary.with_call(request, metadata=METADATA, timeout=30)
    return result("unary", [request], [response], call)


def gzip_unary(stub):
    request = sample()
    request.text = "squeeze " * 200
    response, call = stub.Unary.with_call(request, metadata=[("x-compress", "gzip")], timeout=30,
                                          compression=grpc.Compression.Gzip)
    return result("gzip", [request], [response], call)


def server_stream(stub):
    request = pb.Note(text="tick", count=3, mood=pb.GRUMPY)
    call = stub.ServerStream(request, metadata=[("x-kind", "server")], timeout=30)
    responses = list(call)
    return result("server_stream", [request], responses, call)


def client_stream(stub):
    requests = [pb.Note(text=t, count=i) for i, t in enumerate(["one", "two", "three"])]
    response, call = stub.ClientStream.with_call(iter(requests), timeout=30)
    return result("client_stream", requests, [response], call)


def bidi(stub):
    # Ping-pong: the next request goes out only after the previous response came back.
    requests = [pb.Note(text=t, count=i, tags=[t]) for i, t in enumerate(["alpha", "beta", "gamma", "delta"])]
    ready = threading.Semaphore(0)

    def generate():
        for request in requests:
            yield request
            ready.acquire()

    call = stub.Bidi(generate(), timeout=30)
    responses = []
    for response in call:
        responses.append(response)
        ready.release()
    return result("bidi", requests, responses, call)


def late_half_close(stub):
    # Ping-pong, then a pause before ending the requests: the client half-closes well after the last response.
    requests = [pb.Note(text=t, count=i) for i, t in enumerate(["one", "two", "three"])]
    ready = threading.Semaphore(0)

    def generate():
        for request in requests:
            yield request
            ready.acquire()
        time.sleep(0.2)

    call = stub.Bidi(generate(), timeout=30)
    responses = []
    for response in call:
        responses.append(response)
        ready.release()
    return result("late_half_close", requests, responses, call)


def cancel_stream(stub):
    # Drip sends a message every 50 ms; the client takes two and cancels (grpcio sends RST_STREAM CANCEL).
    request = pb.Note(count=100)
    call = stub.Drip(request, timeout=30)
    responses = [next(call), next(call)]
    call.cancel()
    return result("cancel_stream", [request], responses, call)


def fail(stub):
    request = pb.Note(text="no such note: é", count=5)
    try:
        stub.Fail(request, timeout=30)
    except grpc.RpcError as error:
        return result("fail", [request], [], error=error)
    raise SystemExit("Fail did not fail")


def trailers_only(stub):
    request = pb.Note(text="x")
    try:
        stub.TrailersOnly(request, timeout=30)
    except grpc.RpcError as error:
        return result("trailers_only", [request], [], error=error)
    raise SystemExit("TrailersOnly did not fail")


def big(stub):
    size = 10 * 1024 * 1024
    request = pb.Note(count=size, blob=bytes(range(251)) * (size // 251))
    response, call = stub.Big.with_call(request, timeout=60)
    return result("big", [request], [response], call)


SCENARIOS = {"unary": unary, "gzip": gzip_unary, "server_stream": server_stream, "client_stream": client_stream,
             "bidi": bidi, "fail": fail, "trailers_only": trailers_only, "big": big,
             "late_half_close": late_half_close, "cancel_stream": cancel_stream}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--target", required=True)
    parser.add_argument("--ca")
    parser.add_argument("--server-name")
    parser.add_argument("scenarios", nargs="+")
    args = parser.parse_args()
    options = [("grpc.max_receive_message_length", 64 << 20), ("grpc.max_send_message_length", 64 << 20),
               ("grpc.enable_retries", 0)]
    if args.server_name:
        options.append(("grpc.ssl_target_name_override", args.server_name))
    if args.ca:
        with open(args.ca, "rb") as f:
            channel = grpc.secure_channel(args.target, grpc.ssl_channel_credentials(f.read()), options=options)
    else:
        channel = grpc.insecure_channel(args.target, options=options)
    stub = pb_grpc.RecorderStub(channel)
    for name in args.scenarios:
        print(json.dumps(SCENARIOS[name](stub)), flush=True)
    channel.close()


if __name__ == "__main__":
    main()
