import GRPCProtocol
import Testing

@Suite struct StatusCodeTests {
    @Test(arguments: [
        (400, StatusCode.internalError), (401, .unauthenticated), (403, .permissionDenied), (404, .unimplemented),
        (429, .unavailable), (502, .unavailable), (503, .unavailable), (504, .unavailable), (500, .unknown),
        (418, .unknown), (200, .unknown), (0, .unknown),
    ])
    func httpStatusesMapAsTheSpecSays(http: Int, expected: StatusCode) {
        #expect(StatusCode(httpStatus: http) == expected)
    }

    @Test func theSeventeenCodesHaveTheirNumbersAndNames() {
        #expect(StatusCode.allDefined.map(\.rawValue) == Array(0...16))
        #expect(StatusCode.allDefined.map(\.name).first == "OK")
        #expect(StatusCode.internalError.name == "INTERNAL")
        #expect(StatusCode.unauthenticated.description == "UNAUTHENTICATED")
        #expect(StatusCode(rawValue: -1).name == "CODE(-1)")
        #expect(StatusCode(rawValue: 17).name == "CODE(17)")
        #expect(StatusCode.ok < .cancelled)
    }
}
