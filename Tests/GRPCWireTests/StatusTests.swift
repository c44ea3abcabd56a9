import GRPCProtocol
import NIOHPACK
import Testing

@testable import GRPCWire

/// Status codes, HTTP mapping, response header interpretation, grpc-message encoding, status details.
@Suite struct StatusTests {
    @Test(arguments: [
        (400, StatusCode.internalError), (401, .unauthenticated), (403, .permissionDenied), (404, .unimplemented),
        (429, .unavailable), (502, .unavailable), (503, .unavailable), (504, .unavailable), (500, .unknown),
        (418, .unknown),
    ])
    func httpStatusWithoutGRPCStatusMapsAsTheSpecSays(http: Int, expected: StatusCode) {
        #expect(StatusCode(httpStatus: http) == expected)
    }

    @Test func allSeventeenCodesHaveTheirSpecNames() {
        #expect(StatusCode.allDefined.count == 17)
        #expect(StatusCode.allDefined.map(\.rawValue) == Array(0...16))
        #expect(StatusCode.deadlineExceeded.name == "DEADLINE_EXCEEDED")
        #expect(StatusCode.unauthenticated.name == "UNAUTHENTICATED")
        #expect(StatusCode(rawValue: 99).name == "CODE(99)")
    }

    @Test func non200ResponseUsesTheHTTPMappingEvenWithAnHTMLBody() {
        let head = ResponseHead.initial([":status": "503", "content-type": "text/html"], endStream: true)
        guard case .end(let status, _) = head else {
            Issue.record("expected the call to end, got \(head)")
            return
        }
        #expect(status.code == .unavailable)
        #expect(
            status.message
                == "unexpected HTTP status code received from server: 503 (Service Unavailable); "
                + "transport: received unexpected content-type \"text/html\"")
    }

    @Test(
        arguments: [
            ([":status": "200"], .unknown, "malformed header: missing HTTP content-type"),
            (
                [":status": "200", "content-type": "text/plain"], .unknown,
                "transport: received unexpected content-type \"text/plain\""
            ),
            (["content-type": "application/grpc"], .internalError, "malformed header: missing HTTP status"),
            (
                [":status": "200", "content-type": "application/grpc", "grpc-status": "x"], .internalError,
                "transport: malformed grpc-status: \"x\""
            ),
        ] as [(HPACKHeaders, StatusCode, String)])
    func malformedResponseHeadersEndTheCall(headers: HPACKHeaders, code: StatusCode, message: String) {
        guard case .end(let status, _) = ResponseHead.initial(headers, endStream: true) else {
            Issue.record("expected the call to end")
            return
        }
        #expect(status.code == code)
        #expect(status.message == message)
    }

    @Test func contentTypeWithSubtypeOrParametersIsGRPC() {
        #expect(ContentType.isGRPC("application/grpc"))
        #expect(ContentType.isGRPC("application/grpc+proto"))
        #expect(ContentType.isGRPC("application/grpc; charset=utf-8"))
        #expect(!ContentType.isGRPC("application/grpc-web"))
        #expect(!ContentType.isGRPC("application/json"))
    }

    @Test func trailersOnlyResponseCarriesStatusMessageAndMetadata() {
        let headers: HPACKHeaders = [
            ":status": "200", "content-type": "application/grpc", "grpc-status": "5",
            "grpc-message": "not%20found%3A %E2%9C%93", "x-extra": "1",
        ]
        guard case .end(let status, let trailers) = ResponseHead.initial(headers, endStream: true) else {
            Issue.record("expected the call to end")
            return
        }
        #expect(status.code == .notFound)
        #expect(status.message == "not found: ✓")
        #expect(trailers.first("x-extra") == .string("1"))
        #expect(trailers.first("content-type") == .string("application/grpc"))
    }

    @Test func responseHeadersNameTheirEncoding() {
        let head = ResponseHead.initial(
            [":status": "200", "content-type": "application/grpc", "grpc-encoding": "gzip"], endStream: false)
        #expect(head == .headers(["content-type": "application/grpc"], encoding: .supported(.gzip)))
        #expect(ResponseHead.encodingName("snappy") == .unsupported("snappy"))
        #expect(ResponseHead.encodingName("identity") == .identity)
    }

    @Test(arguments: ["plain", "100% sure", "ünïcödé ✓", "line\nbreak", "tab\tand ~ tilde", ""])
    func grpcMessagePercentEncodingRoundTrips(message: String) {
        let encoded = PercentEncoding.encode(message)
        #expect(encoded.utf8.allSatisfy { $0 >= 0x20 && $0 <= 0x7E })
        #expect(PercentEncoding.decode(encoded) == message)
    }

    @Test func malformedPercentSequencesAreKept() {
        #expect(PercentEncoding.decode("50%zz off %4") == "50%zz off %4")
        #expect(PercentEncoding.encode("100%") == "100%25")
    }

    @Test func rpcStatusRoundTripsThroughProtobuf() throws {
        let status = RPCStatus(
            code: 7, message: "no way",
            details: [
                .init(typeURL: "type.googleapis.com/google.rpc.ErrorInfo", value: [10, 1, 65]),
                .init(typeURL: "type.googleapis.com/google.rpc.RetryInfo", value: []),
            ])
        let decoded = try RPCStatus(serializedBytes: status.serializedBytes())
        #expect(decoded == status)
        #expect(decoded.details.first?.typeName == "google.rpc.ErrorInfo")
    }

    @Test func rpcStatusSkipsUnknownFieldsAndRejectsTruncation() throws {
        // Field 9 (varint 1), field 10 (fixed64), then code = 2.
        let bytes: [UInt8] = [0x48, 0x01, 0x51, 1, 2, 3, 4, 5, 6, 7, 8, 0x08, 0x02]
        #expect(try RPCStatus(serializedBytes: bytes).code == 2)
        #expect(throws: ProtobufReadError.self) { try RPCStatus(serializedBytes: [0x12, 0x05, 0x41]) }
    }

    @Test func undecodableDetailsEndTheCallAsInternal() {
        let headers: HPACKHeaders = ["grpc-status": "3", "grpc-status-details-bin": "!!!"]
        guard case .end(let status, _) = ResponseHead.trailers(headers) else {
            Issue.record("expected the call to end")
            return
        }
        #expect(status.code == .internalError)
    }
}
