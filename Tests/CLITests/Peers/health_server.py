"""A grpcio (Python, C core) server with the standard health service, for `reprise health` tests.

Options: --status SERVICE=STATUS (repeatable; "" is the whole server), --reflection (serve reflection too),
--change SERVICE=STATUS (repeatable: applied one by one, --interval seconds apart, after the first
client's Watch arrives, then the server stops after another interval). Prints "PORT <n>" once listening;
serves until stdin closes (or the changes are done).
"""

import argparse
import sys
import threading
import time
from concurrent import futures

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

STATUSES = health_pb2.HealthCheckResponse.ServingStatus


def pair(text):
    service, _, status = text.rpartition("=")
    return service, STATUSES.Value(status)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--status", action="append", type=pair, default=[])
    parser.add_argument("--change", action="append", type=pair, default=[])
    parser.add_argument("--interval", type=float, default=0.5)
    parser.add_argument("--reflection", action="store_true")
    args = parser.parse_args()

    watched = threading.Event()

    class Watched(grpc.ServerInterceptor):
        def intercept_service(self, continuation, details):
            if details.method.endswith("/Watch"):
                watched.set()
            return continuation(details)

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8), interceptors=[Watched()])
    checker = health.HealthServicer()
    for service, status in args.status:
        checker.set(service, status)
    health_pb2_grpc.add_HealthServicer_to_server(checker, server)
    if args.reflection:
        reflection.enable_server_reflection([health.SERVICE_NAME, reflection.SERVICE_NAME], server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print("PORT %d" % port, flush=True)

    if args.change:
        watched.wait(30)
        for service, status in args.change:
            time.sleep(args.interval)
            checker.set(service, status)
        time.sleep(args.interval)
        server.stop(0)
        return
    sys.stdin.read()
    server.stop(0)


if __name__ == "__main__":
    main()
