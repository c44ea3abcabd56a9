extension Summary {
    /// Writes the summary JSON to `path`.
    public func write(to path: String) throws {
        let file = try OutputFile(path: path)
        do {
            try file.write(Array(jsonText().utf8))
            try file.close()
        } catch {
            try? file.close()
            throw error
        }
    }

    /// Reads a summary JSON file written by `write(to:)` or `--summary-export`.
    public static func read(from path: String) throws -> Summary {
        try decode(String(decoding: try InputFile.read(path), as: UTF8.self), source: path)
    }
}
