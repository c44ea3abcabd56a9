import Foundation
import TestSupport
import Testing

@testable import Metrics

/// `--out csv=FILE`: k6's CSV rows for the same samples, checked against k6 itself.
@Suite struct CSVOutputTests {
    static let fixedTime = JSONLinesOutputTests.fixedTime  // 2026-08-21T10:00:00.123456789Z

    /// The samples of the JSON lines tests, plus tags that need quoting and a tag with no column.
    static func writeSamples(to path: String, timeFormat: CSVOutput.TimeFormat = .unix) throws -> [String] {
        try JSONLinesOutputTests.recordSamples(into: CSVOutput(path: path, timeFormat: timeFormat)) {
            registry, sink, base in
            let odd = base.adding("method", "a,b \"c\"").adding("rpc_type", "unary")
            sink.add(registry.counter(registry.metric(named: "my_counter")!, odd), 2, at: fixedTime + 4)
        }
        if path.hasSuffix(".gz") { return [] }
        return try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    @Test func rowsFollowK6sColumnsNumbersAndQuoting() throws {
        let directory = try TemporaryDirectory()
        let rows = try Self.writeSamples(to: directory.path("out.csv").path)
        #expect(
            rows.first
                == "metric_name,timestamp,metric_value,check,error,error_code,expected_response,group,method,name,"
                + "proto,scenario,service,status,subproto,tls_version,url,extra_tags,metadata")
        #expect(rows.contains("grpc_req_duration,1787306400,12.500000,,,,,,SayHello,,,default,,,,,,,"))
        #expect(rows.contains("grpc_req_duration,1787306400,0.000012,,,,,,SayHello,,,default,,,,,,,"))
        #expect(rows.contains("grpc_req_duration,1787306401,33.750000,,,,,,SayHello,,,default,,,,,,,"))
        #expect(rows.contains("my_counter,1787306400,1234567.000000,,,,,,,,,default,,,,,,,"))
        #expect(rows.contains("my_rate,1787306400,0.000000,,,,,,,,,default,,,,,,,"))
        // Quoted as Go's encoding/csv quotes; a tag without a column goes to extra_tags.
        #expect(rows.contains(#"my_counter,1787306400,2.000000,,,,,,"a,b ""c""",,,default,,,,,,rpc_type=unary,"#))
        #expect(rows.contains("vus,1787306400,3.000000,,,,,,,,,default,,,,,,,"))
        #expect(rows.count == 8)
    }

    /// Go's `fieldNeedsQuotes`: a comma, quote or line break anywhere, a leading space, or `\.`; extra tags
    /// join sorted with `&`.
    @Test func fieldsAreQuotedAsGoQuotesThem() throws {
        func written(_ text: String) -> String {
            var bytes: [UInt8] = []
            CSVOutput.field(Array(text.utf8), into: &bytes)
            return String(decoding: bytes, as: UTF8.self)
        }
        #expect(written("") == "")
        #expect(written("plain text") == "plain text")
        #expect(written(" eu") == "\" eu\"")
        #expect(written("a\nb") == "\"a\nb\"")
        #expect(written("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(written("\\.") == "\"\\.\"")
        let directory = try TemporaryDirectory()
        let output = try CSVOutput(path: directory.path("extra.csv").path)
        let registry = MetricsRegistry(outputs: [output])
        let sink = registry.makeSink()
        let counter = try registry.define("c", .counter)
        sink.add(registry.counter(counter, ["zone": "eu", "a_tag": "1", "status": "0"]), 1, at: Self.fixedTime)
        sink.flush()
        try output.close()
        let rows = try String(contentsOfFile: directory.path("extra.csv").path, encoding: .utf8)
        #expect(rows.hasSuffix("\nc,1787306400,1.000000,,,,,,,,,,,0,,,,a_tag=1&zone=eu,\n"))
    }

    @Test func timeFormatsAndGzip() throws {
        let directory = try TemporaryDirectory()
        let nano = try Self.writeSamples(to: directory.path("nano.csv").path, timeFormat: .unixNano)
        #expect(nano.contains("my_rate,1787306400123456792,0.000000,,,,,,,,,default,,,,,,,"))
        let rfc = try Self.writeSamples(to: directory.path("rfc.csv").path, timeFormat: .rfc3339)
        #expect(rfc.contains("my_rate,2026-08-21T10:00:00Z,0.000000,,,,,,,,,default,,,,,,,"))
        let plain = try Self.writeSamples(to: directory.path("out.csv").path)
        let gzPath = directory.path("out.csv.gz").path
        _ = try Self.writeSamples(to: gzPath)
        #expect(try JSONLinesOutputTests.gunzippedLines(gzPath) == plain)
    }

    /// k6 v1.1.0 writes the same rows for the same samples (the wall-clock timestamps aside).
    @Test func rowsMatchRealK6ForTheSameSamples() throws {
        let k6 = try K6Peer.run(
            script: JSONLinesOutputTests.k6Script(more: "c.add(2, {method: 'a,b \"c\"', rpc_type: 'unary'});"),
            arguments: ["--out", "csv=out.csv"])
        let theirs = try k6.file("out.csv").split(separator: "\n").map(String.init)
        let directory = try TemporaryDirectory()
        let ours = try Self.writeSamples(to: directory.path("out.csv").path)
        #expect(ours.first == theirs.first)
        let metrics: Set<String> = ["grpc_req_duration", "my_counter", "my_rate"]
        func comparable(_ rows: [String]) -> [String] {
            rows.dropFirst().filter { metrics.contains(String($0.prefix { $0 != "," })) }
                .map { $0.replacing(/^([a-z_]+),\d+,/, with: { "\($0.1),T," }) }
        }
        #expect(comparable(ours) == comparable(theirs), "k6 wrote:\n\(theirs.joined(separator: "\n"))")
    }

    @Test(arguments: [
        ("csv=results.csv", OutputOption.csv(path: "results.csv", timeFormat: .unix)),
        ("csv=fileName=r.csv.gz,timeFormat=unix_nano", .csv(path: "r.csv.gz", timeFormat: .unixNano)),
        ("csv=timeFormat=rfc3339,file_name=r.csv", .csv(path: "r.csv", timeFormat: .rfc3339)),
        ("json=out.json", .json(path: "out.json")),
    ])
    func outputArgumentsParseAsK6Takes(_ text: String, _ expected: OutputOption) throws {
        #expect(try OutputOption.parse(text) == expected)
    }

    @Test(arguments: [
        ("csv=", "give a file name, as in csv=results.csv"),
        ("csv=timeFormat=unix", "csv needs fileName=FILE"),
        ("csv=fileName=a.csv,timeFormat=iso", "timeFormat 'iso' is not one of unix, unix_nano, rfc3339"),
        ("csv=fileName=a.csv,saveInterval=5s", "saveInterval is not supported"),
        ("csv=fileName=a.csv,colour=red", "unknown key 'colour'; csv takes fileName and timeFormat"),
        ("influxdb=http://x", "unsupported output 'influxdb'"),
    ])
    func badOutputArgumentsSayWhatIsWrong(_ text: String, _ message: String) throws {
        let error = #expect(throws: MetricsError.self) { try OutputOption.parse(text) }
        #expect(error?.message.contains(message) == true, "\(String(describing: error))")
    }
}
