import Testing

@testable import Replay

@Suite struct IgnoreRuleTests {
    @Test(arguments: [
        ("createTime", ["createTime"], true),
        ("create_time", ["createTime"], true),
        ("user.id", ["user", "id"], true),
        ("user.id", ["user", "name"], false),
        ("items.*.etag", ["items", "3", "etag"], true),
        ("items[*].etag", ["items", "3", "etag"], true),
        ("items[3].etag", ["items", "3", "etag"], true),
        ("items[2].etag", ["items", "3", "etag"], false),
        ("items.*.etag", ["items", "etag"], false),
        ("**.etag", ["a", "b", "c", "etag"], true),
        ("**.etag", ["etag"], true),
        ("$.user", ["user"], true),
        // Paths as the check prints them name the message too.
        ("responses[1].user", ["user"], true),
        ("responses[0].user", ["user"], false),
        ("responses.*.user", ["user"], true),
        ("responses[*].items[*].etag", ["items", "0", "etag"], true),
    ])
    func pathsMatchLikeTheDocumentationSays(rule: String, path: [String], covered: Bool) throws {
        #expect(try IgnoreRule(parsing: rule).covers(path, message: 1, method: "pkg.S/M") == covered)
    }

    @Test func everyPrintedPathParsesBackToItsSegments() throws {
        let path = ["items", "2", "inner", "0", "id"]
        let printed = FieldPath.render(message: 3, path)
        #expect(printed == "responses[3].items[2].inner[0].id")
        #expect(try IgnoreRule(parsing: printed).covers(path, message: 3, method: "pkg.S/M"))
        #expect(!(try IgnoreRule(parsing: printed).covers(path, message: 2, method: "pkg.S/M")))
    }

    @Test func methodRulesApplyToThatMethodOrService() throws {
        let method = try IgnoreRule(parsing: "pkg.S/M:id")
        #expect(method.covers(["id"], message: 0, method: "pkg.S/M"))
        #expect(!method.covers(["id"], message: 0, method: "pkg.S/Other"))
        let service = try IgnoreRule(parsing: "pkg.S/*:id")
        #expect(service.covers(["id"], message: 0, method: "pkg.S/Other"))
        #expect(!service.covers(["id"], message: 0, method: "pkg.T/M"))
    }

    @Test(arguments: ["", "a..b", "pkg.S/M:", ".a", "items[2", "items[x].id", "items[2]id", "a."])
    func malformedRulesAreRejectedWithAnExample(rule: String) {
        #expect {
            try IgnoreRule(parsing: rule)
        } throws: { error in
            "\(error)".contains("expected [METHOD:]PATH")
        }
    }
}
