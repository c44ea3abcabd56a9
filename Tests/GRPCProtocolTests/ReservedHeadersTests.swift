import GRPCProtocol
import Testing

@Suite struct ReservedHeadersTests {
    @Test(arguments: [":path", "content-type", "grpc-timeout", "grpc-status-details-bin", "te", "connection", "host"])
    func transportNamesCannotBeSent(name: String) {
        #expect(ReservedHeaders.isReservedForSending(name))
    }

    @Test(arguments: ["x-trace-bin", "authorization", "grpc-trace-bin", "tenant"])
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
}
