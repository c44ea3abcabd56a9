"""Python gRPC stubs for .proto files, generated at start-up: the loader the Python test peers and fixture
scripts share.

    sys.path.insert(0, os.path.join(ROOT, "scripts"))
    import protostubs
    pb, pb_grpc = protostubs.load(PROTOS, ["pkg/v1/x.proto"], ["pkg.v1.x_pb2", "pkg.v1.x_pb2_grpc"])
"""

import importlib
import os
import sys
import tempfile

from grpc_tools import protoc


def load(proto_root, files, modules):
    """Compiles `files` (relative to `proto_root`) with grpc_tools' protoc and returns the `modules` named, in
    order. The generated folder is gone once they are imported: they live on in memory."""
    with tempfile.TemporaryDirectory(prefix="reprise-stubs-") as out:
        include = os.path.join(os.path.dirname(protoc.__file__), "_proto")
        status = protoc.main(
            ["protoc", f"-I{proto_root}", f"-I{include}", f"--python_out={out}", f"--grpc_python_out={out}", *files])
        if status != 0:
            raise SystemExit(f"protoc failed with {status} on {', '.join(files)}")
        sys.path.insert(0, out)
        try:
            return tuple(importlib.import_module(name) for name in modules)
        finally:
            sys.path.remove(out)
