extension ProtoLoader {
    /// A loader that reads `.proto` files from memory instead of the disk: `sources` maps import names
    /// (`grpc/health/v1/health.proto`) to their text. For schemas compiled into a binary (server
    /// reflection, the demo service), which must work with no files around. The well-known types stay
    /// built in.
    public init(sources: [String: String]) {
        let files = sources.mapValues { Array($0.utf8) }
        // With the single import path "/", every name is looked up as "/<name>".
        self.init(importPaths: ["/"], baseDirectory: "/") { path in
            files[path.hasPrefix("/") ? String(path.dropFirst()) : path]
        }
    }
}
