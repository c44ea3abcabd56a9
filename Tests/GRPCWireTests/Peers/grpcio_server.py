"""A grpcio (C core) server for GRPCWire's interop tests, working on raw bytes.

Every method is registered through grpc.method_handlers_generic_handler without (de)serializers, so the
test decides the bytes. Prints "PORT <n>" on stdout once listening, then serves until stdin closes or it
is killed. Methods (service test.Peer):

  Unary          echoes the request; initial metadata echoes request keys starting with "x-";
                 trailing metadata: x-trailer: t1, x-trailer-bin: 00 01 02 ff
  ServerStream   request[0] = count N; sends N messages request[1:] + bytes([i])
  ClientStream   concatenates every request message into one response
  Bidi           echoes each message as it arrives
  Sleep          sleeps float(request) seconds, then echoes; reports cancellation on stderr
  Fail           aborts with code int(request) and a non-ASCII message, with grpc-status-details-bin
  TrailersOnly   aborts with NOT_FOUND before sending anything
  Big            answers with int(request) bytes of a repeating pattern
  Compressed     echoes, compressing the response with the algorithm named by metadata x-compress
  Concurrent     sleeps 0.05 s while counting concurrent calls; MaxConcurrent returns the max seen
  Empty          returns OK without any response message
  Deadline       answers with the seconds left before the call's deadline (as text), or "none"
"""

import argparse
import sys
import threading
import time
from concurrent import futures

import grpc


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
    error_info = field_bytes(1, b"TEST_REASON") + field_bytes(2, b"reprise.test")
    any_detail = field_bytes(1, b"type.googleapis.com/google.rpc.ErrorInfo") + field_bytes(2, error_info)
    return varint(1 << 3 | 0) + varint(code) + field_bytes(2, message.encode()) + field_bytes(3, any_detail)


class Peer:
    def __init__(self):
        self.lock = threading.Lock()
        self.current = 0
        self.max_seen = 0

    def unary(self, request, context):
        echoed = [(k, v) for k, v in context.invocation_metadata() if k.startswith("x-")]
        context.send_initial_metadata(echoed)
        context.set_trailing_metadata([("x-trailer", "t1"), ("x-trailer-bin", b"\x00\x01\x02\xff")])
        return request

    def server_stream(self, request, context):
        for i in range(request[0]):
            yield request[1:] + bytes([i])

    def client_stream(self, request_iterator, context):
        return b"".join(request_iterator)

    def bidi(self, request_iterator, context):
        for message in request_iterator:
            yield message

    def sleep(self, request, context):
        deadline = time.time() + float(request.decode())
        while time.time() < deadline:
            if not context.is_active():
                print("cancelled", file=sys.stderr, flush=True)
                return b""
            time.sleep(0.01)
        return request

    def fail(self, request, context):
        code = int(request.decode())
        message = "failure with ünïcode % and\nnewline"
        context.set_trailing_metadata([("grpc-status-details-bin", status_details(code, message)),
                                       ("x-error-trailer", "present")])
        context.abort(next(c for c in grpc.StatusCode if c.value[0] == code), message)

    def trailers_only(self, request, context):
        context.abort(grpc.StatusCode.NOT_FOUND, "nothing here")

    def big(self, request, context):
        size = int(request.decode())
        pattern = bytes(range(256))
        return (pattern * (size // 256 + 1))[:size]

    def compressed(self, request, context):
        wanted = dict(context.invocation_metadata()).get("x-compress", "gzip")
        context.set_compression(grpc.Compression.Gzip if wanted == "gzip" else grpc.Compression.Deflate)
        return request

    def concurrent(self, request, context):
        with self.lock:
            self.current += 1
            self.max_seen = max(self.max_seen, self.current)
        time.sleep(0.05)
        with self.lock:
            self.current -= 1
        return request

    def max_concurrent(self, request, context):
        with self.lock:
            return str(self.max_seen).encode()

    def empty(self, request, context):
        return None

    def deadline(self, request, context):
        remaining = context.time_remaining()
        return b"none" if remaining is None else f"{remaining:.3f}".encode()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--client-ca", help="require client certificates signed by this CA")
    parser.add_argument("--max-concurrent-streams", type=int)
    parser.add_argument("--max-connection-age-ms", type=int)
    args = parser.parse_args()

    peer = Peer()
    unary = grpc.unary_unary_rpc_method_handler
    handlers = {
        "Unary": unary(peer.unary),
        "ServerStream": grpc.unary_stream_rpc_method_handler(peer.server_stream),
        "ClientStream": grpc.stream_unary_rpc_method_handler(peer.client_stream),
        "Bidi": grpc.stream_stream_rpc_method_handler(peer.bidi),
        "Sleep": unary(peer.sleep),
        "Fail": unary(peer.fail),
        "TrailersOnly": unary(peer.trailers_only),
        "Big": unary(peer.big),
        "Compressed": unary(peer.compressed),
        "Concurrent": unary(peer.concurrent),
        "MaxConcurrent": unary(peer.max_concurrent),
        "Empty": unary(peer.empty),
        "Deadline": unary(peer.deadline),
    }
    options = [
        ("grpc.max_receive_message_length", 64 * 1024 * 1024),
        ("grpc.max_send_message_length", 64 * 1024 * 1024),
        ("grpc.so_reuseport", 0),
    ]
    if args.max_concurrent_streams:
        options.append(("grpc.max_concurrent_streams", args.max_concurrent_streams))
    if args.max_connection_age_ms:
        options.append(("grpc.max_connection_age_ms", args.max_connection_age_ms))
        options.append(("grpc.max_connection_age_grace_ms", 60000))
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=64), options=options)
    server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler("test.Peer", handlers),))
    if args.tls_cert:
        with open(args.tls_cert, "rb") as f:
            cert = f.read()
        with open(args.tls_key, "rb") as f:
            key = f.read()
        client_ca = None
        if args.client_ca:
            with open(args.client_ca, "rb") as f:
                client_ca = f.read()
        credentials = grpc.ssl_server_credentials(
            [(key, cert)], root_certificates=client_ca, require_client_auth=client_ca is not None)
        port = server.add_secure_port("127.0.0.1:0", credentials)
    else:
        port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print(f"PORT {port}", flush=True)
    # Serve until the test closes our stdin (or kills us).
    sys.stdin.read()
    server.stop(0)


if __name__ == "__main__":
    main()
