"""Generates the demo service's Python stubs (grpc_tools.protoc into a temporary folder) and imports them.

fixtures/protos/demo holds demo.v1 and hello; google.rpc.error_details comes from googleapis-common-protos
(installed with grpcio-status), so only the two services are generated.
"""

import importlib
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
PROTOS = os.path.join(ROOT, "fixtures", "protos", "demo")


def generate():
    # Generated into a folder that is gone once the modules are imported (they live on in memory).
    with tempfile.TemporaryDirectory(prefix="reprise-demo-stubs-") as out:
        subprocess.run(
            [sys.executable, "-m", "grpc_tools.protoc", "-I" + PROTOS, "--python_out=" + out,
             "--grpc_python_out=" + out, "demo/v1/demo.proto", "hello/hello.proto"],
            check=True)
        sys.path.insert(0, out)
        try:
            return (importlib.import_module("demo.v1.demo_pb2"), importlib.import_module("demo.v1.demo_pb2_grpc"),
                    importlib.import_module("hello.hello_pb2"), importlib.import_module("hello.hello_pb2_grpc"))
        finally:
            sys.path.remove(out)
