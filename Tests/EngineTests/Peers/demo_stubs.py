"""Generates the demo service's Python stubs (grpc_tools.protoc at start-up) and imports them.

fixtures/protos/demo holds demo.v1 and hello; google.rpc.error_details comes from googleapis-common-protos
(installed with grpcio-status), so only the two services are generated.
"""

import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
PROTOS = os.path.join(ROOT, "fixtures", "protos", "demo")
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import protostubs  # noqa: E402


def generate():
    return protostubs.load(
        PROTOS, ["demo/v1/demo.proto", "hello/hello.proto"],
        ["demo.v1.demo_pb2", "demo.v1.demo_pb2_grpc", "hello.hello_pb2", "hello.hello_pb2_grpc"])
