import GRPCProtocol

// The gRPC service definitions Reprise speaks itself, compiled in so reflection and health work with no
// files around. Copies of fixtures/protos/grpc/ and fixtures/protos/demo/google/rpc/ (a test checks they stay
// identical).

extension BuiltinProtos {
    /// grpc.reflection.v1 (`grpc/reflection/v1/reflection.proto`), as published by the gRPC project.
    static let reflectionV1 = #"""
        // Copyright 2016 The gRPC Authors
        //
        // Licensed under the Apache License, Version 2.0 (the "License");
        // you may not use this file except in compliance with the License.
        // You may obtain a copy of the License at
        //
        //     http://www.apache.org/licenses/LICENSE-2.0
        //
        // Unless required by applicable law or agreed to in writing, software
        // distributed under the License is distributed on an "AS IS" BASIS,
        // WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
        // See the License for the specific language governing permissions and
        // limitations under the License.

        // Service exported by server reflection.  A more complete description of how
        // server reflection works can be found at
        // https://github.com/grpc/grpc/blob/master/doc/server-reflection.md
        //
        // The canonical version of this proto can be found at
        // https://github.com/grpc/grpc-proto/blob/master/grpc/reflection/v1/reflection.proto

        syntax = "proto3";

        package grpc.reflection.v1;

        option go_package = "google.golang.org/grpc/reflection/grpc_reflection_v1";
        option java_multiple_files = true;
        option java_package = "io.grpc.reflection.v1";
        option java_outer_classname = "ServerReflectionProto";

        service ServerReflection {
          // The reflection service is structured as a bidirectional stream, ensuring
          // all related requests go to a single server.
          rpc ServerReflectionInfo(stream ServerReflectionRequest)
              returns (stream ServerReflectionResponse);
        }

        // The message sent by the client when calling ServerReflectionInfo method.
        message ServerReflectionRequest {
          string host = 1;
          // To use reflection service, the client should set one of the following
          // fields in message_request. The server distinguishes requests by their
          // defined field and then handles them using corresponding methods.
          oneof message_request {
            // Find a proto file by the file name.
            string file_by_filename = 3;

            // Find the proto file that declares the given fully-qualified symbol name.
            // This field should be a fully-qualified symbol name
            // (e.g. <package>.<service>[.<method>] or <package>.<type>).
            string file_containing_symbol = 4;

            // Find the proto file which defines an extension extending the given
            // message type with the given field number.
            ExtensionRequest file_containing_extension = 5;

            // Finds the tag numbers used by all known extensions of the given message
            // type, and appends them to ExtensionNumberResponse in an undefined order.
            // Its corresponding method is best-effort: it's not guaranteed that the
            // reflection service will implement this method, and it's not guaranteed
            // that this method will provide all extensions. Returns
            // StatusCode::UNIMPLEMENTED if it's not implemented.
            // This field should be a fully-qualified type name. The format is
            // <package>.<type>
            string all_extension_numbers_of_type = 6;

            // List the full names of registered services. The content will not be
            // checked.
            string list_services = 7;
          }
        }

        // The type name and extension number sent by the client when requesting
        // file_containing_extension.
        message ExtensionRequest {
          // Fully-qualified type name. The format should be <package>.<type>
          string containing_type = 1;
          int32 extension_number = 2;
        }

        // The message sent by the server to answer ServerReflectionInfo method.
        message ServerReflectionResponse {
          string valid_host = 1;
          ServerReflectionRequest original_request = 2;
          // The server sets one of the following fields according to the message_request
          // in the request.
          oneof message_response {
            // This message is used to answer file_by_filename, file_containing_symbol,
            // file_containing_extension requests with transitive dependencies.
            // As the repeated label is not allowed in oneof fields, we use a
            // FileDescriptorResponse message to encapsulate the repeated fields.
            // The reflection service is allowed to avoid sending FileDescriptorProtos
            // that were previously sent in response to earlier requests in the stream.
            FileDescriptorResponse file_descriptor_response = 4;

            // This message is used to answer all_extension_numbers_of_type requests.
            ExtensionNumberResponse all_extension_numbers_response = 5;

            // This message is used to answer list_services requests.
            ListServiceResponse list_services_response = 6;

            // This message is used when an error occurs.
            ErrorResponse error_response = 7;
          }
        }

        // Serialized FileDescriptorProto messages sent by the server answering
        // a file_by_filename, file_containing_symbol, or file_containing_extension
        // request.
        message FileDescriptorResponse {
          // Serialized FileDescriptorProto messages. We avoid taking a dependency on
          // descriptor.proto, which uses proto2 only features, by making them opaque
          // bytes instead.
          repeated bytes file_descriptor_proto = 1;
        }

        // A list of extension numbers sent by the server answering
        // all_extension_numbers_of_type request.
        message ExtensionNumberResponse {
          // Full name of the base type, including the package name. The format
          // is <package>.<type>
          string base_type_name = 1;
          repeated int32 extension_number = 2;
        }

        // A list of ServiceResponse sent by the server answering list_services request.
        message ListServiceResponse {
          // The information of each service may be expanded in the future, so we use
          // ServiceResponse message to encapsulate it.
          repeated ServiceResponse service = 1;
        }

        // The information of a single service used by ListServiceResponse to answer
        // list_services request.
        message ServiceResponse {
          // Full name of a registered service, including its package name. The format
          // is <package>.<service>
          string name = 1;
        }

        // The error code and error message sent by the server when an error occurs.
        message ErrorResponse {
          // This field uses the error codes defined in grpc::StatusCode.
          int32 error_code = 1;
          string error_message = 2;
        }
        """#

    /// grpc.reflection.v1alpha (`grpc/reflection/v1alpha/reflection.proto`), as published by the gRPC project.
    static let reflectionV1Alpha = #"""
        // Copyright 2016 The gRPC Authors
        //
        // Licensed under the Apache License, Version 2.0 (the "License");
        // you may not use this file except in compliance with the License.
        // You may obtain a copy of the License at
        //
        //     http://www.apache.org/licenses/LICENSE-2.0
        //
        // Unless required by applicable law or agreed to in writing, software
        // distributed under the License is distributed on an "AS IS" BASIS,
        // WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
        // See the License for the specific language governing permissions and
        // limitations under the License.

        // Service exported by server reflection
        // Warning: this entire file is deprecated. Use this instead:
        // https://github.com/grpc/grpc-proto/blob/master/grpc/reflection/v1/reflection.proto
        //
        // This copy carries the file name that grpcio-reflection 1.85.1 registers
        // (grpc_reflection/v1alpha/reflection.proto); its descriptor equals the one in reflection_pb2.py.

        syntax = "proto3";

        package grpc.reflection.v1alpha;

        option deprecated = true;
        option java_multiple_files = true;
        option java_package = "io.grpc.reflection.v1alpha";
        option java_outer_classname = "ServerReflectionProto";
        option go_package = "google.golang.org/grpc/reflection/grpc_reflection_v1alpha";

        service ServerReflection {
          // The reflection service is structured as a bidirectional stream, ensuring
          // all related requests go to a single server.
          rpc ServerReflectionInfo(stream ServerReflectionRequest)
              returns (stream ServerReflectionResponse);
        }

        // The message sent by the client when calling ServerReflectionInfo method.
        message ServerReflectionRequest {
          string host = 1;
          // To use reflection service, the client should set one of the following
          // fields in message_request. The server distinguishes requests by their
          // defined field and then handles them using corresponding methods.
          oneof message_request {
            // Find a proto file by the file name.
            string file_by_filename = 3;

            // Find the proto file that declares the given fully-qualified symbol name.
            // This field should be a fully-qualified symbol name
            // (e.g. <package>.<service>[.<method>] or <package>.<type>).
            string file_containing_symbol = 4;

            // Find the proto file which defines an extension extending the given
            // message type with the given field number.
            ExtensionRequest file_containing_extension = 5;

            // Finds the tag numbers used by all known extensions of the given message
            // type, and appends them to ExtensionNumberResponse in an undefined order.
            // Its corresponding method is best-effort: it's not guaranteed that the
            // reflection service will implement this method, and it's not guaranteed
            // that this method will provide all extensions. Returns
            // StatusCode::UNIMPLEMENTED if it's not implemented.
            // This field should be a fully-qualified type name. The format is
            // <package>.<type>
            string all_extension_numbers_of_type = 6;

            // List the full names of registered services. The content will not be
            // checked.
            string list_services = 7;
          }
        }

        // The type name and extension number sent by the client when requesting
        // file_containing_extension.
        message ExtensionRequest {
          // Fully-qualified type name. The format should be <package>.<type>
          string containing_type = 1;
          int32 extension_number = 2;
        }

        // The message sent by the server to answer ServerReflectionInfo method.
        message ServerReflectionResponse {
          string valid_host = 1;
          ServerReflectionRequest original_request = 2;
          // The server sets one of the following fields according to the message_request
          // in the request.
          oneof message_response {
            // This message is used to answer file_by_filename, file_containing_symbol,
            // file_containing_extension requests with transitive dependencies.
            // As the repeated label is not allowed in oneof fields, we use a
            // FileDescriptorResponse message to encapsulate the repeated fields.
            // The reflection service is allowed to avoid sending FileDescriptorProtos
            // that were previously sent in response to earlier requests in the stream.
            FileDescriptorResponse file_descriptor_response = 4;

            // This message is used to answer all_extension_numbers_of_type requests.
            ExtensionNumberResponse all_extension_numbers_response = 5;

            // This message is used to answer list_services requests.
            ListServiceResponse list_services_response = 6;

            // This message is used when an error occurs.
            ErrorResponse error_response = 7;
          }
        }

        // Serialized FileDescriptorProto messages sent by the server answering
        // a file_by_filename, file_containing_symbol, or file_containing_extension
        // request.
        message FileDescriptorResponse {
          // Serialized FileDescriptorProto messages. We avoid taking a dependency on
          // descriptor.proto, which uses proto2 only features, by making them opaque
          // bytes instead.
          repeated bytes file_descriptor_proto = 1;
        }

        // A list of extension numbers sent by the server answering
        // all_extension_numbers_of_type request.
        message ExtensionNumberResponse {
          // Full name of the base type, including the package name. The format
          // is <package>.<type>
          string base_type_name = 1;
          repeated int32 extension_number = 2;
        }

        // A list of ServiceResponse sent by the server answering list_services request.
        message ListServiceResponse {
          // The information of each service may be expanded in the future, so we use
          // ServiceResponse message to encapsulate it.
          repeated ServiceResponse service = 1;
        }

        // The information of a single service used by ListServiceResponse to answer
        // list_services request.
        message ServiceResponse {
          // Full name of a registered service, including its package name. The format
          // is <package>.<service>
          string name = 1;
        }

        // The error code and error message sent by the server when an error occurs.
        message ErrorResponse {
          // This field uses the error codes defined in grpc::StatusCode.
          int32 error_code = 1;
          string error_message = 2;
        }
        """#

    /// grpc.health.v1 (`grpc/health/v1/health.proto`), as published by the gRPC project.
    static let health = #"""
        // Copyright 2015 The gRPC Authors
        //
        // Licensed under the Apache License, Version 2.0 (the "License");
        // you may not use this file except in compliance with the License.
        // You may obtain a copy of the License at
        //
        //     http://www.apache.org/licenses/LICENSE-2.0
        //
        // Unless required by applicable law or agreed to in writing, software
        // distributed under the License is distributed on an "AS IS" BASIS,
        // WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
        // See the License for the specific language governing permissions and
        // limitations under the License.

        // The canonical version of this proto can be found at
        // https://github.com/grpc/grpc-proto/blob/master/grpc/health/v1/health.proto
        // This copy carries the file name and package that grpcio-health-checking 1.85.1 registers
        // (grpc_health/v1/health.proto); its descriptor equals the one in health_pb2.py.

        syntax = "proto3";

        package grpc.health.v1;

        option csharp_namespace = "Grpc.Health.V1";
        option go_package = "google.golang.org/grpc/health/grpc_health_v1";
        option java_multiple_files = true;
        option java_outer_classname = "HealthProto";
        option java_package = "io.grpc.health.v1";
        option objc_class_prefix = "GrpcHealthV1";

        message HealthCheckRequest {
          string service = 1;
        }

        message HealthCheckResponse {
          enum ServingStatus {
            UNKNOWN = 0;
            SERVING = 1;
            NOT_SERVING = 2;
            SERVICE_UNKNOWN = 3;  // Used only by the Watch method.
          }
          ServingStatus status = 1;
        }

        message HealthListRequest {}

        message HealthListResponse {
          // statuses contains all the services and their respective status.
          map<string, HealthCheckResponse> statuses = 1;
        }

        // Health is gRPC's mechanism for checking whether a server is able to handle
        // RPCs. Its semantics are documented in
        // https://github.com/grpc/grpc/blob/master/doc/health-checking.md.
        service Health {
          // Check gets the health of the specified service. If the requested service
          // is unknown, the call will fail with status NOT_FOUND. If the caller does
          // not specify a service name, the server should respond with its overall
          // health status.
          //
          // Clients should set a deadline when calling Check, and can declare the
          // server unhealthy if they do not receive a timely response.
          rpc Check(HealthCheckRequest) returns (HealthCheckResponse);

          // List provides a non-atomic snapshot of the health of all the available
          // services.
          //
          // The server may respond with a RESOURCE_EXHAUSTED error if too many services
          // exist.
          //
          // Clients should set a deadline when calling List, and can declare the server
          // unhealthy if they do not receive a timely response.
          //
          // Clients should keep in mind that the list of health services exposed by an
          // application can change over the lifetime of the process.
          rpc List(HealthListRequest) returns (HealthListResponse);

          // Performs a watch for the serving status of the requested service.
          // The server will immediately send back a message indicating the current
          // serving status.  It will then subsequently send a new message whenever
          // the service's serving status changes.
          //
          // If the requested service is unknown when the call is received, the
          // server will send a message setting the serving status to
          // SERVICE_UNKNOWN but will *not* terminate the call.  If at some
          // future point, the serving status of the service becomes known, the
          // server will send a new message with the service's serving status.
          //
          // If the call terminates with status UNIMPLEMENTED, then clients
          // should assume this method is not supported and should not retry the
          // call.  If the call terminates with any other status (including OK),
          // clients should retry the call with appropriate exponential backoff.
          rpc Watch(HealthCheckRequest) returns (stream HealthCheckResponse);
        }
        """#

    /// google.rpc's error detail messages (`google/rpc/error_details.proto`), as published by Google
    /// (googleapis), so rich error details render without the user's schema, as in k6.
    static let errorDetails = #"""
        // Copyright 2026 Google LLC
        //
        // Licensed under the Apache License, Version 2.0 (the "License");
        // you may not use this file except in compliance with the License.
        // You may obtain a copy of the License at
        //
        //     http://www.apache.org/licenses/LICENSE-2.0
        //
        // Unless required by applicable law or agreed to in writing, software
        // distributed under the License is distributed on an "AS IS" BASIS,
        // WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
        // See the License for the specific language governing permissions and
        // limitations under the License.

        syntax = "proto3";

        package google.rpc;

        import "google/protobuf/duration.proto";

        option go_package = "google.golang.org/genproto/googleapis/rpc/errdetails;errdetails";
        option java_multiple_files = true;
        option java_outer_classname = "ErrorDetailsProto";
        option java_package = "com.google.rpc";
        option objc_class_prefix = "RPC";

        // Describes the cause of the error with structured details.
        //
        // Example of an error when contacting the "pubsub.googleapis.com" API when it
        // is not enabled:
        //
        //     { "reason": "API_DISABLED"
        //       "domain": "googleapis.com"
        //       "metadata": {
        //         "resource": "projects/123",
        //         "service": "pubsub.googleapis.com"
        //       }
        //     }
        //
        // This response indicates that the pubsub.googleapis.com API is not enabled.
        //
        // Example of an error that is returned when attempting to create a Spanner
        // instance in a region that is out of stock:
        //
        //     { "reason": "STOCKOUT"
        //       "domain": "spanner.googleapis.com",
        //       "metadata": {
        //         "availableRegions": "us-central1,us-east2"
        //       }
        //     }
        message ErrorInfo {
          // The reason of the error. This is a constant value that identifies the
          // proximate cause of the error. Error reasons are unique within a particular
          // domain of errors. This should be at most 63 characters and match a
          // regular expression of `[A-Z][A-Z0-9_]+[A-Z0-9]`, which represents
          // UPPER_SNAKE_CASE.
          string reason = 1;

          // The logical grouping to which the "reason" belongs. The error domain
          // is typically the registered service name of the tool or product that
          // generates the error. Example: "pubsub.googleapis.com". If the error is
          // generated by some common infrastructure, the error domain must be a
          // globally unique value that identifies the infrastructure. For Google API
          // infrastructure, the error domain is "googleapis.com".
          string domain = 2;

          // Additional structured details about this error.
          //
          // Keys must match a regular expression of `[a-z][a-zA-Z0-9-_]+` but should
          // ideally be lowerCamelCase. Also, they must be limited to 64 characters in
          // length. When identifying the current value of an exceeded limit, the units
          // should be contained in the key, not the value.  For example, rather than
          // `{"instanceLimit": "100/request"}`, should be returned as,
          // `{"instanceLimitPerRequest": "100"}`, if the client exceeds the number of
          // instances that can be created in a single (batch) request.
          map<string, string> metadata = 3;
        }

        // Describes when the clients can retry a failed request. Clients could ignore
        // the recommendation here or retry when this information is missing from error
        // responses.
        //
        // It's always recommended that clients should use exponential backoff when
        // retrying.
        //
        // Clients should wait until `retry_delay` amount of time has passed since
        // receiving the error response before retrying.  If retrying requests also
        // fail, clients should use an exponential backoff scheme to gradually increase
        // the delay between retries based on `retry_delay`, until either a maximum
        // number of retries have been reached or a maximum retry delay cap has been
        // reached.
        message RetryInfo {
          // Clients should wait at least this long between retrying the same request.
          google.protobuf.Duration retry_delay = 1;
        }

        // Describes additional debugging info.
        message DebugInfo {
          // The stack trace entries indicating where the error occurred.
          repeated string stack_entries = 1;

          // Additional debugging information provided by the server.
          string detail = 2;
        }

        // Describes how a quota check failed.
        //
        // For example if a daily limit was exceeded for the calling project,
        // a service could respond with a QuotaFailure detail containing the project
        // id and the description of the quota limit that was exceeded.  If the
        // calling project hasn't enabled the service in the developer console, then
        // a service could respond with the project id and set `service_disabled`
        // to true.
        //
        // Also see RetryInfo and Help types for other details about handling a
        // quota failure.
        message QuotaFailure {
          // A message type used to describe a single quota violation.  For example, a
          // daily quota or a custom quota that was exceeded.
          message Violation {
            // The subject on which the quota check failed.
            // For example, "clientip:<ip address of client>" or "project:<Google
            // developer project id>".
            string subject = 1;

            // A description of how the quota check failed. Clients can use this
            // description to find more about the quota configuration in the service's
            // public documentation, or find the relevant quota limit to adjust through
            // developer console.
            //
            // For example: "Service disabled" or "Daily Limit for read operations
            // exceeded".
            string description = 2;

            // The API Service from which the `QuotaFailure.Violation` orginates. In
            // some cases, Quota issues originate from an API Service other than the one
            // that was called. In other words, a dependency of the called API Service
            // could be the cause of the `QuotaFailure`, and this field would have the
            // dependency API service name.
            //
            // For example, if the called API is Kubernetes Engine API
            // (container.googleapis.com), and a quota violation occurs in the
            // Kubernetes Engine API itself, this field would be
            // "container.googleapis.com". On the other hand, if the quota violation
            // occurs when the Kubernetes Engine API creates VMs in the Compute Engine
            // API (compute.googleapis.com), this field would be
            // "compute.googleapis.com".
            string api_service = 3;

            // The metric of the violated quota. A quota metric is a named counter to
            // measure usage, such as API requests or CPUs. When an activity occurs in a
            // service, such as Virtual Machine allocation, one or more quota metrics
            // may be affected.
            //
            // For example, "compute.googleapis.com/cpus_per_vm_family",
            // "storage.googleapis.com/internet_egress_bandwidth".
            string quota_metric = 4;

            // The id of the violated quota. Also know as "limit name", this is the
            // unique identifier of a quota in the context of an API service.
            //
            // For example, "CPUS-PER-VM-FAMILY-per-project-region".
            string quota_id = 5;

            // The dimensions of the violated quota. Every non-global quota is enforced
            // on a set of dimensions. While quota metric defines what to count, the
            // dimensions specify for what aspects the counter should be increased.
            //
            // For example, the quota "CPUs per region per VM family" enforces a limit
            // on the metric "compute.googleapis.com/cpus_per_vm_family" on dimensions
            // "region" and "vm_family". And if the violation occurred in region
            // "us-central1" and for VM family "n1", the quota_dimensions would be,
            //
            // {
            //   "region": "us-central1",
            //   "vm_family": "n1",
            // }
            //
            // When a quota is enforced globally, the quota_dimensions would always be
            // empty.
            map<string, string> quota_dimensions = 6;

            // The enforced quota value at the time of the `QuotaFailure`.
            //
            // For example, if the enforced quota value at the time of the
            // `QuotaFailure` on the number of CPUs is "10", then the value of this
            // field would reflect this quantity.
            int64 quota_value = 7;

            // The new quota value being rolled out at the time of the violation. At the
            // completion of the rollout, this value will be enforced in place of
            // quota_value. If no rollout is in progress at the time of the violation,
            // this field is not set.
            //
            // For example, if at the time of the violation a rollout is in progress
            // changing the number of CPUs quota from 10 to 20, 20 would be the value of
            // this field.
            optional int64 future_quota_value = 8;
          }

          // Describes all quota violations.
          repeated Violation violations = 1;
        }

        // Describes what preconditions have failed.
        //
        // For example, if an RPC failed because it required the Terms of Service to be
        // acknowledged, it could list the terms of service violation in the
        // PreconditionFailure message.
        message PreconditionFailure {
          // A message type used to describe a single precondition failure.
          message Violation {
            // The type of PreconditionFailure. We recommend using a service-specific
            // enum type to define the supported precondition violation subjects. For
            // example, "TOS" for "Terms of Service violation".
            string type = 1;

            // The subject, relative to the type, that failed.
            // For example, "google.com/cloud" relative to the "TOS" type would indicate
            // which terms of service is being referenced.
            string subject = 2;

            // A description of how the precondition failed. Developers can use this
            // description to understand how to fix the failure.
            //
            // For example: "Terms of service not accepted".
            string description = 3;
          }

          // Describes all precondition violations.
          repeated Violation violations = 1;
        }

        // Describes violations in a client request. This error type focuses on the
        // syntactic aspects of the request.
        message BadRequest {
          // A message type used to describe a single bad request field.
          message FieldViolation {
            // A path that leads to a field in the request body. The value will be a
            // sequence of dot-separated identifiers that identify a protocol buffer
            // field.
            //
            // Consider the following:
            //
            //     message CreateContactRequest {
            //       message EmailAddress {
            //         enum Type {
            //           TYPE_UNSPECIFIED = 0;
            //           HOME = 1;
            //           WORK = 2;
            //         }
            //
            //         optional string email = 1;
            //         repeated EmailType type = 2;
            //       }
            //
            //       string full_name = 1;
            //       repeated EmailAddress email_addresses = 2;
            //     }
            //
            // In this example, in proto `field` could take one of the following values:
            //
            // * `full_name` for a violation in the `full_name` value
            // * `email_addresses[0].email` for a violation in the `email` field of the
            //   first `email_addresses` message
            // * `email_addresses[2].type[1]` for a violation in the second `type`
            //   value in the third `email_addresses` message.
            //
            // In JSON, the same values are represented as:
            //
            // * `fullName` for a violation in the `fullName` value
            // * `emailAddresses[0].email` for a violation in the `email` field of the
            //   first `emailAddresses` message
            // * `emailAddresses[2].type[1]` for a violation in the second `type`
            //   value in the third `emailAddresses` message.
            string field = 1;

            // A description of why the request element is bad.
            string description = 2;

            // The reason of the field-level error. This is a constant value that
            // identifies the proximate cause of the field-level error. It should
            // uniquely identify the type of the FieldViolation within the scope of the
            // google.rpc.ErrorInfo.domain. This should be at most 63
            // characters and match a regular expression of `[A-Z][A-Z0-9_]+[A-Z0-9]`,
            // which represents UPPER_SNAKE_CASE.
            string reason = 3;

            // Provides a localized error message for field-level errors that is safe to
            // return to the API consumer.
            LocalizedMessage localized_message = 4;
          }

          // Describes all violations in a client request.
          repeated FieldViolation field_violations = 1;
        }

        // Contains metadata about the request that clients can attach when filing a bug
        // or providing other forms of feedback.
        message RequestInfo {
          // An opaque string that should only be interpreted by the service generating
          // it. For example, it can be used to identify requests in the service's logs.
          string request_id = 1;

          // Any data that was used to serve this request. For example, an encrypted
          // stack trace that can be sent back to the service provider for debugging.
          string serving_data = 2;
        }

        // Describes the resource that is being accessed.
        message ResourceInfo {
          // A name for the type of resource being accessed, e.g. "sql table",
          // "cloud storage bucket", "file", "Google calendar"; or the type URL
          // of the resource: e.g. "type.googleapis.com/google.pubsub.v1.Topic".
          string resource_type = 1;

          // The name of the resource being accessed.  For example, a shared calendar
          // name: "example.com_4fghdhgsrgh@group.calendar.google.com", if the current
          // error is
          // [google.rpc.Code.PERMISSION_DENIED][google.rpc.Code.PERMISSION_DENIED].
          string resource_name = 2;

          // The owner of the resource (optional).
          // For example, "user:<owner email>" or "project:<Google developer project
          // id>".
          string owner = 3;

          // Describes what error is encountered when accessing this resource.
          // For example, updating a cloud project may require the `writer` permission
          // on the developer console project.
          string description = 4;
        }

        // Provides links to documentation or for performing an out of band action.
        //
        // For example, if a quota check failed with an error indicating the calling
        // project hasn't enabled the accessed service, this can contain a URL pointing
        // directly to the right place in the developer console to flip the bit.
        message Help {
          // Describes a URL link.
          message Link {
            // Describes what the link offers.
            string description = 1;

            // The URL of the link.
            string url = 2;
          }

          // URL(s) pointing to additional information on handling the current error.
          repeated Link links = 1;
        }

        // Provides a localized error message that is safe to return to the user
        // which can be attached to an RPC error.
        message LocalizedMessage {
          // The locale used following the specification defined at
          // https://www.rfc-editor.org/rfc/bcp/bcp47.txt.
          // Examples are: "en-US", "fr-CH", "es-MX"
          string locale = 1;

          // The localized error message in the above locale.
          string message = 2;
        }
        """#
}
