"""grpcio's own reflection (v1alpha) and health clients run against a Reprise server.

Usage: grpcio_reflection_client.py PORT SYMBOL [HEALTH_SERVICE]
Prints one JSON object: the services listed, the file holding SYMBOL with its dependencies (resolved by
grpcio's ProtoReflectionDescriptorDatabase), the methods of SYMBOL's service as a python descriptor pool
sees them, and the health status of HEALTH_SERVICE (Check, then the first Watch message).
"""

import json
import sys

import grpc
from google.protobuf.descriptor_pool import DescriptorPool
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import ProtoReflectionDescriptorDatabase

port, symbol = sys.argv[1], sys.argv[2]
channel = grpc.insecure_channel("127.0.0.1:" + port)
database = ProtoReflectionDescriptorDatabase(channel)
pool = DescriptorPool(database)
services = list(database.get_services())
service = pool.FindServiceByName(symbol)
result = {
    "services": services,
    "file": service.file.name,
    "dependencies": sorted(d.name for d in service.file.dependencies),
    "methods": [m.name for m in service.methods],
}
if len(sys.argv) > 3:
    stub = health_pb2_grpc.HealthStub(channel)
    name = sys.argv[3]
    check = stub.Check(health_pb2.HealthCheckRequest(service=name), timeout=5)
    result["check"] = health_pb2.HealthCheckResponse.ServingStatus.Name(check.status)
    watch = stub.Watch(health_pb2.HealthCheckRequest(service=name), timeout=5)
    result["watch"] = health_pb2.HealthCheckResponse.ServingStatus.Name(next(watch).status)
    watch.cancel()
    try:
        stub.Check(health_pb2.HealthCheckRequest(service="no.such.Service"), timeout=5)
    except grpc.RpcError as error:
        result["unknown"] = error.code().name
print(json.dumps(result))
