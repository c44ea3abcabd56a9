import GRPCProtocol
import Testing

@Suite struct ReservedHeadersTests {
    // Every name of the list (the check looks at the first byte before the names).
    @Test(arguments: [
        ":path", "content-type", "user-agent", "te", "grpc-encoding", "grpc-accept-encoding", "grpc-message",
        "grpc-status", "grpc-timeout", "grpc-status-details-bin", "grpc-message-type", "connection", "keep-alive",
        "proxy-connection", "transfer-encoding", "upgrade", "host",
    ])
    func transportNamesCannotBeSent(name: String) {
        #expect(ReservedHeaders.isReservedForSending(name))
    }

    @Test(arguments: ["x-trace-bin", "authorization", "grpc-trace-bin", "tenant", "hosts", "", "cookie", "upgrade-x"])
    func applicationNamesAreNeitherReservedNorHidden(name: String) {
        #expect(!ReservedHeaders.isReservedForSending(name))
        #expect(!ReservedHeaders.isHiddenOnReceipt(name))
        #expect(!ReservedHeaders.isRequestTransportHeader(name))
        #expect(!ReservedHeaders.isTrailerStatusHeader(name, trailersOnly: true))
    }

    @Test func receiversHideWhatTheyInterpretButShowTheContentType() {
        #expect(ReservedHeaders.isHiddenOnReceipt("grpc-status"))
        #expect(ReservedHeaders.isHiddenOnReceipt(":status"))
        #expect(!ReservedHeaders.isHiddenOnReceipt("content-type"))
    }

    @Test func trailersOnlyResponsesAlsoLeaveOutTheResponseHeaders() {
        #expect(ReservedHeaders.isTrailerStatusHeader("grpc-message", trailersOnly: false))
        #expect(!ReservedHeaders.isTrailerStatusHeader("content-type", trailersOnly: false))
        #expect(ReservedHeaders.isTrailerStatusHeader("content-type", trailersOnly: true))
        #expect(ReservedHeaders.isResponseTransportHeader(":status"))
        #expect(!ReservedHeaders.isResponseTransportHeader("grpc-timeout"))
    }

    @Test func replaysDropWhatEveryCallSets() {
        #expect(ReservedHeaders.isSetByEveryCall("user-agent"))
        #expect(ReservedHeaders.isSetByEveryCall("content-length"))
        #expect(!ReservedHeaders.isSetByEveryCall("authorization"))
    }

    @Test func namesAreClassifiedByExactLowercaseName() {
        let expected: [(String, KnownHeader)] = [
            (":method", .method), (":scheme", .scheme), (":path", .path), (":authority", .authority),
            (":status", .status), (":protocol", .otherPseudo), (":", .otherPseudo), ("content-type", .contentType),
            ("te", .te), ("grpc-timeout", .grpcTimeout), ("grpc-encoding", .grpcEncoding),
            ("grpc-accept-encoding", .grpcAcceptEncoding), ("grpc-status", .grpcStatus),
            ("grpc-message", .grpcMessage), ("grpc-status-details-bin", .grpcStatusDetailsBin),
            // Same lengths as known names, and other cases, are other names.
            ("grpc-statux", .other), ("content-typf", .other), ("Content-Type", .other), ("tf", .other),
            ("", .other), ("user-agent", .other), ("grpc-message-type", .other),
        ]
        for (name, known) in expected {
            #expect(KnownHeader(name) == known, "\(name)")
            #expect(KnownHeader(name).isPseudo == name.hasPrefix(":"), "\(name)")
            #expect(HeaderField(name, "v").known == known, "\(name)")
        }
    }

    /// The recorder's questions asked by kind give the answers of the lists they replace.
    @Test(arguments: [
        ":method", ":path", ":authority", ":status", ":protocol", "content-type", "te", "grpc-timeout",
        "grpc-encoding", "grpc-accept-encoding", "grpc-status", "grpc-message", "grpc-status-details-bin",
        "user-agent", "x-trace-bin", "authorization",
    ])
    func kindsAnswerAsTheNamesDo(name: String) {
        let request =
            name.hasPrefix(":")
            || ["te", "content-type", "grpc-timeout", "grpc-encoding", "grpc-accept-encoding"].contains(name)
        let response = name.hasPrefix(":") || ["content-type", "grpc-encoding", "grpc-accept-encoding"].contains(name)
        let status = ["grpc-status", "grpc-message", "grpc-status-details-bin"].contains(name)
        #expect(ReservedHeaders.isRequestTransportHeader(KnownHeader(name)) == request)
        #expect(ReservedHeaders.isResponseTransportHeader(KnownHeader(name)) == response)
        #expect(ReservedHeaders.isTrailerStatusHeader(KnownHeader(name), trailersOnly: false) == status)
        #expect(ReservedHeaders.isTrailerStatusHeader(KnownHeader(name), trailersOnly: true) == (status || response))
    }
}
