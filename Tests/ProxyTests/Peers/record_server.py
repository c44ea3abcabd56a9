"""A grpcio (C core) server of recordtest.v1.Recorder for the recording proxy's tests.

Compiles fixtures/protos/record/recordtest/v1/record_test.proto with grpc_tools.protoc at start-up, prints
"PORT <n>" on stdout once listening, and serves until stdin closes or it is killed. Options: --tls-cert and
--tls-key serve TLS. Responses depend only on requests (no times, no addresses), so a call gives the same
answer through the proxy as without it.
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


def varint(value):
    out = bytearray()
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def field_bytes(number, payload):
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def status_details(code, message):
    error_info = field_bytes(1, b"NOTE_REJECTED") + field_bytes(2, b"recordtest.v1")
    any_detail = field_bytes(1, b"type.googleapis.com/google.rpc.ErrorInfo") + field_bytes(2, error_info)
    unknown = field_bytes(1, b"type.googleapis.com/vendor.Unknown") + field_bytes(2, b"\x08\x07")
    return (varint(1 << 3 | 0) + varint(code) + field_bytes(2, message.encode()) + field_bytes(3, any_detail)
            + field_bytes(3, unknown))


class Recorder(pb_grpc.RecorderServicer):
    def Unary(self, request, context):
        if dict(context.invocation_metadata()).get("x-compress") == "gzip":
            context.set_compression(grpc.Compression.Gzip)
        echoed = [(k, v) for k, v in context.invocation_metadata() if k.startswith("x-")]
        context.send_initial_metadata(echoed + [("x-served-by", "grpcio")])
        context.set_trailing_metadata([("x-trailer", "t1"), ("x-trailer-bin", b"\x00\x01\x02\xff")])
        return request

    def ServerStream(self, request, context):
        for i in range(request.count):
            yield pb.Note(text=f"{request.text}-{i}", count=i, mood=request.mood)

    def ClientStream(self, request_iterator, context):
        texts = [note.text for note in request_iterator]
        return pb.Note(text="+".join(texts), count=len(texts))

    def Bidi(self, request_iterator, context):
        for note in request_iterator:
            yield pb.Note(text=note.text.upper(), count=note.count * 2, tags=note.tags)

    def Fail(self, request, context):
        context.abort_with_status(_Status(_code(request.count), request.text,
                                          [("x-fail", "yes"), ("grpc-status-details-bin",
                                                                 status_details(request.count, request.text))]))

    def TrailersOnly(self, request, context):
        context.abort(grpc.StatusCode.PERMISSION_DENIED, "no notes for you")

    def Big(self, request, context):
        pattern = bytes(range(256))
        size = request.count
        blob = (pattern * (size // 256 + 1))[:size]
        return pb.Note(text=str(len(request.blob)), blob=blob)

    def Slow(self, request, context):
        deadline = time.time() + request.count / 1000.0
        while time.time() < deadline:
            if not context.is_active():
                print("cancelled", file=sys.stderr, flush=True)
                return pb.Note()
            time.sleep(0.01)
        return request

    def Drip(self, request, context):
        for i in range(request.count):
            if not context.is_active():
                return
            yield pb.Note(text=f"drop-{i}", count=i)
            time.sleep(0.05)

    def Flood(self, request, context):
        # count messages, each carrying the request's blob (1 MiB when it has none), as fast as allowed;
        # stderr says how many were produced, so tests see the server slowed by flow control.
        blob = request.blob or bytes(range(256)) * 4096
        for i in range(request.count):
            if not context.is_active():
                return
            yield pb.Note(count=i, blob=blob)
            print(f"flood {i + 1}", file=sys.stderr, flush=True)


def _code(number):
    for code in grpc.StatusCode:
        if code.value[0] == number:
            return code
    return grpc.StatusCode.UNKNOWN


class _Status(grpc.Status):
    def __init__(self, code, details, trailing_metadata):
        self.code = code
        self.details = details
        self.trailing_metadata = trailing_metadata


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    args = parser.parse_args()
    options = [("grpc.max_receive_message_length", 64 << 20), ("grpc.max_send_message_length", 64 << 20)]
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=16), options=options)
    pb_grpc.add_RecorderServicer_to_server(Recorder(), server)
    if args.tls_cert:
        with open(args.tls_cert, "rb") as c, open(args.tls_key, "rb") as k:
            credentials = grpc.ssl_server_credentials([(k.read(), c.read())])
        port = server.add_secure_port("127.0.0.1:0", credentials)
    else:
        port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print(f"PORT {port}", flush=True)
    threading.Thread(target=lambda: (sys.stdin.read(), server.stop(0)), daemon=True).start()
    server.wait_for_termination()


if __name__ == "__main__":
    main()
