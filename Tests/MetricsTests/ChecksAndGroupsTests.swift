import Testing

@testable import Metrics

@Suite struct ChecksAndGroupsTests {
    @Test func checkEmitsOneSamplePerPredicateAndReturnsWhetherAllPassed() throws {
        let registry = MetricsRegistry()
        let sink = registry.makeSink()
        let group = try GroupPath.root.child("auth").child("login")
        #expect(group.path == "::auth::login")
        #expect(group.name == "login")
        #expect(group.parent?.path == "::auth")
        #expect(try sink.check(200, ["status is 200": { $0 == 200 }], group: group))
        #expect(try !sink.check(500, ["status is 200": { $0 == 200 }, "not empty": { $0 > 0 }], group: group))
        sink.flush()
        let snapshot = registry.snapshot()
        let okSeries = snapshot.rates.first { $0.info.tags["check"] == "status is 200" }
        #expect(okSeries?.totals == RateAccumulator(trues: 1, total: 2))
        #expect(okSeries?.info.tags["group"] == "::auth::login")
        let summary = Summary.build(snapshot: snapshot, testRunDuration: .seconds(1))
        #expect(summary.rootGroup.groups.first?.path == "::auth")
        #expect(summary.rootGroup.groups.first?.groups.first?.checks.map(\.name) == ["status is 200", "not empty"])
        #expect(summary.rootGroup.groups.first?.groups.first?.checks.first?.path == "::auth::login::status is 200")
    }

    @Test func namesWithDoubleColonsAreRejected() {
        let registry = MetricsRegistry()
        #expect(throws: MetricsError.self) { try registry.check("a::b") }
        #expect(throws: MetricsError.self) { try GroupPath.root.child("x::y") }
        #expect(throws: MetricsError.self) { try GroupPath(path: "no-leading-colons") }
    }

    @Test func customMetricsFollowK6sNamingAndTypeRules() throws {
        let registry = MetricsRegistry()
        let first = try registry.define("my_latency", .trend, contains: .time)
        #expect(try registry.define("my_latency", .trend, contains: .time) == first)
        #expect(throws: MetricsError.self) { try registry.define("my_latency", .counter) }
        #expect(throws: MetricsError.self) { try registry.define("1abc", .counter) }
        #expect(throws: MetricsError.self) { try registry.define("has space", .counter) }
    }

    @Test func builtinMetricsHaveK6sNamesAndTypes() {
        let builtin = MetricsRegistry().builtin
        let expected: [(Metric, String, MetricType, ValueKind)] = [
            (builtin.grpcReqDuration, "grpc_req_duration", .trend, .time),
            (builtin.grpcStreams, "grpc_streams", .counter, .default),
            (builtin.grpcStreamsMsgsSent, "grpc_streams_msgs_sent", .counter, .default),
            (builtin.grpcStreamsMsgsReceived, "grpc_streams_msgs_received", .counter, .default),
            (builtin.dataSent, "data_sent", .counter, .data),
            (builtin.dataReceived, "data_received", .counter, .data),
            (builtin.iterations, "iterations", .counter, .default),
            (builtin.iterationDuration, "iteration_duration", .trend, .time),
            (builtin.droppedIterations, "dropped_iterations", .counter, .default),
            (builtin.vus, "vus", .gauge, .default),
            (builtin.vusMax, "vus_max", .gauge, .default),
            (builtin.checks, "checks", .rate, .default),
            (builtin.groupDuration, "group_duration", .trend, .time),
            (builtin.grpcReqs, "grpc_reqs", .counter, .default),
            (builtin.grpcReqFailed, "grpc_req_failed", .rate, .default),
        ]
        for (metric, name, type, contains) in expected {
            #expect(metric.name == name && metric.type == type && metric.contains == contains)
        }
    }

    @Test func callTagsFollowK6() {
        let tags = GRPCCallSeries.callTags(address: "127.0.0.1:10000", path: "/main.FeatureExplorer/GetFeature")
        #expect(tags["url"] == "127.0.0.1:10000/main.FeatureExplorer/GetFeature")
        #expect(tags["name"] == "/main.FeatureExplorer/GetFeature")
        #expect(tags["service"] == "main.FeatureExplorer")
        #expect(tags["method"] == "GetFeature")
        #expect(tags["scenario"] == "default")
        #expect(tags["group"] == "")
        #expect(tags["status"] == nil)
    }
}
