"""grpcio client exercising every method of the demo service on 127.0.0.1:PORT; prints one JSON object of
what it saw, for the Swift test to check. Usage: grpcio_demo_client.py PORT
"""

import json
import os
import sys

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_status import rpc_status
from google.protobuf import duration_pb2, json_format
from google.rpc import error_details_pb2

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import demo_stubs  # noqa: E402

demo_pb2, demo_pb2_grpc, hello_pb2, hello_pb2_grpc = demo_stubs.generate()

channel = grpc.insecure_channel(
    "127.0.0.1:" + sys.argv[1], options=[("grpc.max_receive_message_length", 64 * 1024 * 1024)])
demo = demo_pb2_grpc.DemoStub(channel)
hello = hello_pb2_grpc.HelloServiceStub(channel)
out = {}

reply, call = demo.SayHello.with_call(
    demo_pb2.HelloRequest(name="grpcio"), metadata=[("x-token", "abc"), ("x-blob-bin", b"\x00\xff")], timeout=5)
out["hello"] = reply.message
out["headers"] = {k: (v if isinstance(v, str) else v.hex()) for k, v in call.initial_metadata() if k.startswith("x-")}
out["trailers"] = {k: (v if isinstance(v, str) else v.hex()) for k, v in call.trailing_metadata() if k.startswith("x-")}

echo = demo.Echo(
    demo_pb2.EchoRequest(text="t", number=-7, payload=b"\x01\x02", tags=["a", "b"], color=demo_pb2.COLOR_BLUE,
                         labels={"k": "v"}, word="w"),
    metadata=[("x-id", "42")], timeout=5)
out["echo"] = json_format.MessageToDict(echo)

out["countdown"] = [r.number for r in demo.Countdown(demo_pb2.CountdownRequest(**{"from": 3}), timeout=5)]
total = demo.Sum(iter([demo_pb2.SumRequest(value=v) for v in (1, 2, 39)]), timeout=5)
out["sum"] = [total.total, total.count]
out["chat"] = [[m.text, m.sequence] for m in demo.Chat(iter([demo_pb2.ChatMessage(text=t) for t in ("a", "b")]), timeout=5)]

try:
    demo.Sleep(demo_pb2.SleepRequest(duration=duration_pb2.Duration(seconds=5)), timeout=0.2)
    out["sleep"] = "OK"
except grpc.RpcError as error:
    out["sleep"] = error.code().name
slept = demo.Sleep(demo_pb2.SleepRequest(duration=duration_pb2.Duration(nanos=10_000_000)), timeout=5)
out["slept"] = json_format.MessageToDict(slept)

try:
    demo.Fail(demo_pb2.FailRequest(code=9, message="not now"), timeout=5)
except grpc.RpcError as error:
    status = rpc_status.from_call(error)
    details = []
    for detail in status.details:
        if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info = error_details_pb2.ErrorInfo()
            detail.Unpack(info)
            details.append({"errorInfo": json_format.MessageToDict(info)})
        elif detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad = error_details_pb2.BadRequest()
            detail.Unpack(bad)
            details.append({"badRequest": json_format.MessageToDict(bad)})
    out["fail"] = {"code": error.code().name, "message": error.details(), "details": details}

blob = demo.Blob(demo_pb2.BlobRequest(size=10 * 1024 * 1024), timeout=30)
out["blob"] = [len(blob.data), blob.data[:3].hex(), blob.data[-1]]

out["helloService"] = [
    hello.SayHello(hello_pb2.HelloRequest(greeting="Bert"), timeout=5).reply,
    [r.reply for r in hello.LotsOfReplies(hello_pb2.HelloRequest(greeting="B"), timeout=5)],
    hello.LotsOfGreetings(iter([hello_pb2.HelloRequest(greeting=g) for g in ("x", "y")]), timeout=5).reply,
    [r.reply for r in hello.BidiHello(iter([hello_pb2.HelloRequest(greeting=g) for g in ("x", "y")]), timeout=5)],
]
health_stub = health_pb2_grpc.HealthStub(channel)
out["health"] = health_pb2.HealthCheckResponse.ServingStatus.Name(
    health_stub.Check(health_pb2.HealthCheckRequest(service="demo.v1.Demo"), timeout=5).status)
print(json.dumps(out, sort_keys=True))
