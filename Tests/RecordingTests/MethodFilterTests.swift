import Recording
import Testing

/// `MethodFilter`: globs over `/pkg.Service/Method`, the leading slash optional, exclusions winning.
@Suite struct MethodFilterTests {
    @Test(arguments: [
        ("demo.v1.Demo/*", "/demo.v1.Demo/SayHello", true),
        ("/demo.v1.Demo/*", "/demo.v1.Demo/SayHello", true),
        ("demo.v1.*", "/demo.v1.Demo/Echo", true),
        ("*/Say*", "/hello.HelloService/SayHello", true),
        ("*/Say*", "/demo.v1.Demo/Echo", false),
        ("demo.v1.Demo/Echo", "/demo.v1.Demo/Echo", true),
        ("demo.v1.Demo/Echo", "/demo.v1.Demo/EchoAll", false),
        ("demo.v1.Demo/Ech?", "/demo.v1.Demo/Echo", true),
        ("demo.v?.Demo/*", "/demo.v10.Demo/Echo", false),
        ("*", "/anything/at.all", true),
        ("grpc.health.v1.Health/*", "/demo.v1.Demo/Check", false),
    ])
    func aGlobMatchesTheWholePath(_ pattern: String, _ path: String, _ kept: Bool) throws {
        #expect(try MethodFilter(include: [pattern], exclude: []).keeps(path: path) == kept)
    }

    @Test func exclusionsWinAndNoIncludesMeansEverything() throws {
        let filter = try MethodFilter(include: [], exclude: ["*/Fail", "grpc.reflection.*"])
        #expect(filter.keeps(path: "/demo.v1.Demo/SayHello"))
        #expect(!filter.keeps(path: "/demo.v1.Demo/Fail"))
        #expect(!filter.keeps(path: "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo"))
        let both = try MethodFilter(include: ["demo.v1.Demo/*"], exclude: ["demo.v1.Demo/Fail"])
        #expect(!both.keeps(path: "/demo.v1.Demo/Fail"))
        #expect(!both.keeps(path: "/hello.HelloService/SayHello"))
        #expect(MethodFilter.all.keepsEverything && MethodFilter.all.keeps(path: "/x.Y/Z"))
    }

    @Test func anEmptyPatternIsRejectedWithWhatToWrite() {
        let error = #expect(throws: MethodFilterError.self) { try MethodFilter(include: ["ok/*"], exclude: [""]) }
        #expect(error?.description.contains(#"the method pattern "" is empty"#) == true)
        #expect(error?.description.contains("e.g. demo.v1.Demo/*") == true)
    }
}
