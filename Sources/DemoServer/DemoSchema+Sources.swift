// The demo server's schema, compiled into the binary so `reprise demo-server` runs with no files around.
// Copies of fixtures/protos/demo/ (a test checks they stay identical).

extension DemoSchema {
    /// The text of the demo service (`demo/v1/demo.proto`).
    static let demoSource = #"""
        // Reprise's demo service: every RPC kind, metadata echo, deadlines and errors with details, answering
        // deterministically (no clocks, no randomness) so its responses can serve as golden files.
        //
        // Served by `reprise demo-server` (compiled into the binary) and, for the interop tests, by a grpcio
        // implementation generated from this same file.
        syntax = "proto3";

        package demo.v1;

        import "google/protobuf/duration.proto";
        import "google/protobuf/timestamp.proto";
        import "google/rpc/error_details.proto";

        // Every method echoes the request metadata whose keys start with "x-" in its response headers and in its
        // trailers.
        service Demo {
          // Unary: a greeting.
          rpc SayHello(HelloRequest) returns (HelloReply);
          // Unary: the request back, with the request metadata the server received.
          rpc Echo(EchoRequest) returns (EchoReply);
          // Server streaming: counts down from `from` to 1, one message per number.
          rpc Countdown(CountdownRequest) returns (stream CountdownReply);
          // Client streaming: adds up the values sent.
          rpc Sum(stream SumRequest) returns (SumReply);
          // Bidirectional streaming: answers every message as it arrives.
          rpc Chat(stream ChatMessage) returns (stream ChatMessage);
          // Unary: answers after `duration`, unless the deadline passes or the client cancels first.
          rpc Sleep(SleepRequest) returns (SleepReply);
          // Unary: fails with the status asked for, carrying google.rpc error details.
          rpc Fail(FailRequest) returns (FailReply);
          // Unary: answers with `size` bytes, for large messages.
          rpc Blob(BlobRequest) returns (BlobReply);
        }

        message HelloRequest {
          string name = 1;
        }

        // message is "Hello, <name>!" ("Hello, world!" for an empty name).
        message HelloReply {
          string message = 1;
        }

        enum Color {
          COLOR_UNSPECIFIED = 0;
          COLOR_RED = 1;
          COLOR_GREEN = 2;
          COLOR_BLUE = 3;
        }

        message EchoRequest {
          message Nested {
            string note = 1;
            repeated int32 values = 2;
          }

          string text = 1;
          int64 number = 2;
          bytes payload = 3;
          repeated string tags = 4;
          Color color = 5;
          map<string, string> labels = 6;
          google.protobuf.Timestamp at = 7;
          double ratio = 8;
          bool flag = 9;
          Nested nested = 10;
          oneof choice {
            string word = 11;
            int32 count = 12;
          }
        }

        message EchoReply {
          EchoRequest request = 1;
          // The request metadata with keys starting with "x-", in order; binary ("-bin") values in base64.
          repeated MetadataEntry metadata = 2;
        }

        message MetadataEntry {
          string key = 1;
          string value = 2;
        }

        message CountdownRequest {
          int32 from = 1;
          // Pause between messages, in milliseconds (0: none).
          int32 interval_ms = 2;
        }

        message CountdownReply {
          int32 number = 1;
        }

        message SumRequest {
          int64 value = 1;
        }

        message SumReply {
          int64 total = 1;
          int32 count = 2;
        }

        // Chat answers each message with text "echo: <text>" and the 1-based sequence number of the message.
        message ChatMessage {
          string text = 1;
          int32 sequence = 2;
        }

        message SleepRequest {
          google.protobuf.Duration duration = 1;
        }

        message SleepReply {
          google.protobuf.Duration slept = 1;
        }

        // Fail ends with status `code` (an OK code answers FailReply) and message `message`; the status details
        // are `error_info` (or a default ErrorInfo) and a BadRequest of `field_violations` (or a default one).
        message FailRequest {
          int32 code = 1;
          string message = 2;
          google.rpc.ErrorInfo error_info = 3;
          repeated google.rpc.BadRequest.FieldViolation field_violations = 4;
        }

        message FailReply {}

        // Blob answers `size` bytes of the repeating pattern 0, 1, ..., 250.
        message BlobRequest {
          int32 size = 1;
        }

        message BlobReply {
          bytes data = 1;
        }
        """#

    /// The text of k6's example greeting service (`hello/hello.proto`).
    static let helloSource = #"""
        // The greeting service of k6's gRPC examples (`hello.HelloService`), so scripts and commands written for
        // those examples run against `reprise demo-server` unchanged.
        syntax = "proto3";

        package hello;

        service HelloService {
          // "hello <greeting>".
          rpc SayHello(HelloRequest) returns (HelloResponse);
          // Three replies: "hello <greeting> 1", "... 2", "... 3".
          rpc LotsOfReplies(HelloRequest) returns (stream HelloResponse);
          // One reply greeting everyone sent: "hello <g1>, <g2>, ...".
          rpc LotsOfGreetings(stream HelloRequest) returns (HelloResponse);
          // "hello <greeting>" for each greeting, as it arrives.
          rpc BidiHello(stream HelloRequest) returns (stream HelloResponse);
        }

        message HelloRequest {
          string greeting = 1;
        }

        message HelloResponse {
          string reply = 1;
        }
        """#
}
