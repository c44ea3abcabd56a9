import ArgumentParser
import Foundation
import LocalFile

/// Where a command reads its input and writes its output (standard input and output by default).
struct InputOutputOptions: ParsableArguments {
    @Option(
        name: [.short, .long], help: ArgumentHelp("Read from this file instead of standard input.", valueName: "file"))
    var input: String?

    @Option(
        name: [.short, .long], help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file"))
    var output: String?

    /// The name of the input for error messages.
    var inputName: String { input ?? "standard input" }

    func read() throws -> Data {
        guard let input else { return FileHandle.standardInput.readDataToEndOfFile() }
        do {
            return Data(try LocalFile.read(input))
        } catch {
            throw CommandError.unreadable("--input", error)
        }
    }

    func write(_ data: Data) throws {
        guard let output else {
            StandardStream.output.write(data)
            return
        }
        do {
            try LocalFile.write([UInt8](data), to: output)
        } catch {
            throw CommandError(
                "cannot write --output \(output): \(error.reason); check the folder exists and is writable",
                status: .unwritableOutput)
        }
    }
}
