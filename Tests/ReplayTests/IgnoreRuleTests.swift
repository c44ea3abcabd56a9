import Testing

@testable import Replay

@Suite struct IgnoreRuleTests {
    @Test(arguments: [
        ("createTime", ["createTime"], true),
        ("create_time", ["createTime"], true),
        ("user.id", ["user", "id"], true),
        ("user.id", ["user", "name"], false),
        ("items.*.etag", ["items", "3", "etag"], true),
        ("items.*.etag", ["items", "etag"], false),
        ("**.etag", ["a", "b", "c", "etag"], true),
        ("**.etag", ["etag"], true),
        ("$.user", ["user"], true),
    ])
    func pathsMatchLikeTheDocumentationSays(rule: String, path: [String], covered: Bool) throws {
        #expect(try IgnoreRule(parsing: rule).covers(path, method: "pkg.S/M") == covered)
    }

    @Test func methodRulesApplyToThatMethodOrService() throws {
        let method = try IgnoreRule(parsing: "pkg.S/M:id")
        #expect(method.covers(["id"], method: "pkg.S/M"))
        #expect(!method.covers(["id"], method: "pkg.S/Other"))
        let service = try IgnoreRule(parsing: "pkg.S/*:id")
        #expect(service.covers(["id"], method: "pkg.S/Other"))
        #expect(!service.covers(["id"], method: "pkg.T/M"))
    }

    @Test(arguments: ["", "a..b", "pkg.S/M:", ".a"])
    func malformedRulesAreRejectedWithAnExample(rule: String) {
        #expect {
            try IgnoreRule(parsing: rule)
        } throws: { error in
            "\(error)".contains("expected [METHOD:]PATH")
        }
    }
}
