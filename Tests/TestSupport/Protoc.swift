import Foundation

/// The reference compiler: `python -m grpc_tools.protoc` from the venv (libprotoc 35, knows editions).
public enum Protoc {
    /// Compiles `files` (names relative to the import paths) into a binary FileDescriptorSet.
    public static func descriptorSet(
        _ files: [String], importPaths: [URL], includeImports: Bool = true, includeSourceInfo: Bool = false
    ) throws -> Data {
        let out = try TemporaryDirectory(prefix: "reprise-protoc")
        let setPath = out.path("set.protoset").path
        var arguments = [try Repository.python(), "-m", "grpc_tools.protoc"]
        arguments += importPaths.map { "-I\($0.path)" }
        arguments.append("--descriptor_set_out=\(setPath)")
        if includeImports { arguments.append("--include_imports") }
        if includeSourceInfo { arguments.append("--include_source_info") }
        arguments += files
        try Subprocess.check(arguments)
        return try Data(contentsOf: URL(fileURLWithPath: setPath))
    }

    /// Runs protoc on `files` expecting failure and returns its stderr (the error messages).
    public static func errors(_ files: [String], importPaths: [URL]) throws -> String {
        let out = try TemporaryDirectory(prefix: "reprise-protoc")
        var arguments = [try Repository.python(), "-m", "grpc_tools.protoc"]
        arguments += importPaths.map { "-I\($0.path)" }
        arguments.append("--descriptor_set_out=\(out.path("set.protoset").path)")
        arguments += files
        let output = try Subprocess.run(arguments)
        return output.stderrText
    }
}
