"""grpcio (Python, C core) implementation of Reprise's demo service, for the interop tests.

The stubs are generated at start-up with grpc_tools.protoc from fixtures/protos/demo (demo.v1.Demo and
hello.HelloService) into a temporary folder; google.rpc's error details come from googleapis-common-protos
(grpcio-status). The behaviour mirrors Reprise's DemoServer method for method, so one test can run against
either. Prints "PORT <n>" once listening, serves until stdin closes.

Options: --tls-cert/--tls-key (TLS), --client-ca (require client certificates), --no-reflection,
--no-health, --reflection-token T (reflection calls must carry metadata authorization: Bearer T).
"""

import argparse
import base64
import os
import sys
import time
from concurrent import futures

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection
from grpc_status import rpc_status
from google.protobuf import any_pb2
from google.rpc import error_details_pb2, status_pb2

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import demo_stubs  # noqa: E402

demo_pb2, demo_pb2_grpc, hello_pb2, hello_pb2_grpc = demo_stubs.generate()


def echoed_metadata(context):
    return [(k, v) for k, v in context.invocation_metadata() if k.startswith("x-")]


def start(context):
    """Echoes x- metadata in the headers (sent now) and the trailers; honours x-response-compression."""
    echoed = echoed_metadata(context)
    algorithm = dict(context.invocation_metadata()).get("x-response-compression")
    if algorithm == "gzip":
        context.set_compression(grpc.Compression.Gzip)
    elif algorithm == "deflate":
        context.set_compression(grpc.Compression.Deflate)
    context.send_initial_metadata(echoed)
    context.set_trailing_metadata(echoed)


class Demo(demo_pb2_grpc.DemoServicer):
    def SayHello(self, request, context):
        start(context)
        return demo_pb2.HelloReply(message="Hello, %s!" % (request.name or "world"))

    def Echo(self, request, context):
        start(context)
        reply = demo_pb2.EchoReply(request=request)
        for key, value in echoed_metadata(context):
            if key.endswith("-bin"):
                value = base64.b64encode(value).decode()
            reply.metadata.add(key=key, value=value)
        return reply

    def Countdown(self, request, context):
        start(context)
        for number in range(getattr(request, "from"), 0, -1):
            yield demo_pb2.CountdownReply(number=number)
            if request.interval_ms > 0 and number > 1:
                time.sleep(request.interval_ms / 1000)

    def Sum(self, request_iterator, context):
        start(context)
        total = count = 0
        for request in request_iterator:
            total += request.value
            count += 1
        return demo_pb2.SumReply(total=total, count=count)

    def Chat(self, request_iterator, context):
        start(context)
        for sequence, message in enumerate(request_iterator, start=1):
            yield demo_pb2.ChatMessage(text="echo: " + message.text, sequence=sequence)

    def Sleep(self, request, context):
        start(context)
        seconds = request.duration.seconds + request.duration.nanos / 1e9
        deadline = time.time() + seconds
        while time.time() < deadline:
            if not context.is_active():
                return demo_pb2.SleepReply()
            time.sleep(0.005)
        return demo_pb2.SleepReply(slept=request.duration)

    def Fail(self, request, context):
        start(context)
        if request.code == 0:
            return demo_pb2.FailReply()
        info = error_details_pb2.ErrorInfo()
        if request.HasField("error_info"):
            info.CopyFrom(request.error_info)
        else:
            info.reason = "DEMO_FAILURE"
            info.domain = "demo.reprise.dev"
            info.metadata["code"] = str(request.code)
        bad = error_details_pb2.BadRequest()
        if request.field_violations:
            bad.field_violations.extend(request.field_violations)
        else:
            bad.field_violations.add(field="code", description="the client asked for this status")
        details = []
        for detail in (info, bad):
            packed = any_pb2.Any()
            packed.Pack(detail)
            details.append(packed)
        status = status_pb2.Status(code=request.code, message=request.message, details=details)
        context.abort_with_status(rpc_status.to_status(status))

    def Blob(self, request, context):
        start(context)
        pattern = bytes(range(251))
        data = (pattern * (request.size // 251 + 1))[: request.size]
        return demo_pb2.BlobReply(data=data)


class Hello(hello_pb2_grpc.HelloServiceServicer):
    def SayHello(self, request, context):
        start(context)
        return hello_pb2.HelloResponse(reply="hello " + request.greeting)

    def LotsOfReplies(self, request, context):
        start(context)
        for i in range(1, 4):
            yield hello_pb2.HelloResponse(reply="hello %s %d" % (request.greeting, i))

    def LotsOfGreetings(self, request_iterator, context):
        start(context)
        return hello_pb2.HelloResponse(reply="hello " + ", ".join(r.greeting for r in request_iterator))

    def BidiHello(self, request_iterator, context):
        start(context)
        for request in request_iterator:
            yield hello_pb2.HelloResponse(reply="hello " + request.greeting)


class ReflectionToken(grpc.ServerInterceptor):
    """Rejects reflection calls without `authorization: Bearer <token>`."""

    def __init__(self, token):
        self.token = token

        def deny(request_iterator, context):
            context.abort(grpc.StatusCode.UNAUTHENTICATED, "reflection needs a bearer token")

        self.deny = grpc.stream_stream_rpc_method_handler(deny)

    def intercept_service(self, continuation, details):
        if "ServerReflection" in details.method:
            metadata = dict(details.invocation_metadata)
            if metadata.get("authorization") != "Bearer " + self.token:
                return self.deny
        return continuation(details)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--client-ca")
    parser.add_argument("--no-reflection", action="store_true")
    parser.add_argument("--no-health", action="store_true")
    parser.add_argument("--reflection-token")
    args = parser.parse_args()

    interceptors = [ReflectionToken(args.reflection_token)] if args.reflection_token else []
    limit = 64 * 1024 * 1024
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=32), interceptors=interceptors,
        options=[("grpc.max_receive_message_length", limit), ("grpc.max_send_message_length", limit)])
    demo_pb2_grpc.add_DemoServicer_to_server(Demo(), server)
    hello_pb2_grpc.add_HelloServiceServicer_to_server(Hello(), server)
    names = [demo_pb2.DESCRIPTOR.services_by_name["Demo"].full_name,
             hello_pb2.DESCRIPTOR.services_by_name["HelloService"].full_name]
    if not args.no_health:
        checker = health.HealthServicer()
        checker.set("", health_pb2.HealthCheckResponse.SERVING)
        checker.set("demo.v1.Demo", health_pb2.HealthCheckResponse.SERVING)
        checker.set("hello.HelloService", health_pb2.HealthCheckResponse.NOT_SERVING)
        health_pb2_grpc.add_HealthServicer_to_server(checker, server)
        names.append(health.SERVICE_NAME)
    if not args.no_reflection:
        names.append(reflection.SERVICE_NAME)
        reflection.enable_server_reflection(names, server)

    if args.tls_cert:
        with open(args.tls_key, "rb") as key, open(args.tls_cert, "rb") as cert:
            pair = [(key.read(), cert.read())]
        ca = open(args.client_ca, "rb").read() if args.client_ca else None
        credentials = grpc.ssl_server_credentials(pair, root_certificates=ca, require_client_auth=ca is not None)
        port = server.add_secure_port("127.0.0.1:0", credentials)
    else:
        port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print("PORT %d" % port, flush=True)
    sys.stdin.read()
    server.stop(0)


if __name__ == "__main__":
    main()
