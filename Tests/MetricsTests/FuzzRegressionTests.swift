import Metrics
import Testing

/// Inputs `make fuzz` found, fed through the API its threshold-parser target uses.
@Suite struct FuzzRegressionTests {
    /// A `delayAbortEval` of 10^35 seconds trapped converting to Int64 nanoseconds.
    @Test func aDurationPastGosLimitIsAnErrorNotATrap() throws {
        let found = #"""
            {"grtion":["p(90)<200",{"threshold":"max<1005","delayAbortEval":"666666666666666666666666666666666220s"}]}
            """#
        let error = #expect(throws: MetricsError.self) { try ThresholdParser.parse(json: found) }
        #expect(error?.message.contains("longer than Go's limit") == true, "\(error?.message ?? "")")
        for text in ["2562048h", "-2562048h", "1e300", "9223372036854775807ms"] {
            #expect(throws: MetricsError.self, "\(text)") { try GoDuration.parse(text) }
        }
        #expect(try GoDuration.parse("2562047h") == .seconds(2_562_047 * 3600))
    }
}
