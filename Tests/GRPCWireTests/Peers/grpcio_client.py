"""A grpcio client that exercises GRPCWire's server (service demo.Wire, raw bytes) and prints what it saw
as one JSON object on stdout, for ServerInteropTests to check.

Usage: grpcio_client.py PORT [--ca CA.pem]
"""

import argparse
import json
import time

import grpc


def metadata(pairs):
    out = {}
    for key, value in pairs or ():
        out.setdefault(key, []).append(value.hex() if isinstance(value, bytes) else value)
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("port", type=int)
    parser.add_argument("--ca")
    args = parser.parse_args()
    target = f"127.0.0.1:{args.port}"
    if args.ca:
        with open(args.ca, "rb") as f:
            credentials = grpc.ssl_channel_credentials(root_certificates=f.read())
        channel = grpc.secure_channel(target, credentials, options=[("grpc.ssl_target_name_override", "localhost")])
    else:
        channel = grpc.insecure_channel(target)
    results = {}

    unary = channel.unary_unary("/demo.Wire/Unary")
    response, call = unary.with_call(b"hello", metadata=[("x-key", "value"), ("x-data-bin", b"\x00\xff")])
    results["unary"] = {
        "response": response.decode(),
        "code": call.code().value[0],
        "initial": metadata(call.initial_metadata()),
        "trailing": metadata(call.trailing_metadata()),
    }

    response, call = unary.with_call(b"z" * 100000, compression=grpc.Compression.Gzip)
    results["gzip"] = {"length": len(response), "intact": response == b"z" * 100000}

    results["server_stream"] = [m.decode() for m in channel.unary_stream("/demo.Wire/ServerStream")(b"3")]
    results["client_stream"] = channel.stream_unary("/demo.Wire/ClientStream")(iter([b"a", b"b", b"c"])).decode()
    results["bidi"] = [m.decode() for m in channel.stream_stream("/demo.Wire/Bidi")(iter([b"x", b"y", b"z"]))]

    try:
        unary_fail = channel.unary_unary("/demo.Wire/Fail")
        unary_fail(b"")
        results["fail"] = "no error"
    except grpc.RpcError as error:
        trailing = dict(error.trailing_metadata() or ())
        results["fail"] = {
            "code": error.code().value[0],
            "details": error.details(),
            "why": trailing.get("x-why"),
            "status_details_bin": trailing.get("grpc-status-details-bin", b"").hex(),
        }

    try:
        channel.unary_unary("/demo.Wire/Slow")(b"", timeout=0.3)
        results["deadline"] = "no error"
    except grpc.RpcError as error:
        results["deadline"] = error.code().value[0]

    count = b"0"
    for _ in range(100):
        count = channel.unary_unary("/demo.Wire/CancelledCount")(b"")
        if count != b"0":
            break
        time.sleep(0.05)
    results["cancelled_count"] = int(count)

    try:
        channel.unary_unary("/other.Service/Method")(b"")
        results["unimplemented"] = "no error"
    except grpc.RpcError as error:
        results["unimplemented"] = {"code": error.code().value[0], "details": error.details()}

    print(json.dumps(results))


if __name__ == "__main__":
    main()
