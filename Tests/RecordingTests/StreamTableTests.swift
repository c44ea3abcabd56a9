import Recording
import TestSupport
import Testing

/// The open-addressing table of open streams, checked against a dictionary over long random runs: inserts,
/// overwrites, lookups and removals (the backward shift after a removal must keep every other entry
/// reachable), growth, and removing a whole connection.
@Suite struct StreamTableTests {
    private struct Key: Hashable {
        var connection: Int
        var stream: Int
    }

    @Test(arguments: [1, 2, 3, 4])
    func agreesWithADictionaryOverRandomOperations(seed: UInt64) {
        var random = SeededGenerator(seed: seed)
        var table = StreamTable<Int>()
        var model: [Key: Int] = [:]
        // Few connections and odd stream ids as HTTP/2 clients use them, so probe runs collide and wrap.
        for step in 0..<200_000 {
            let key = Key(
                connection: Int.random(in: 0..<4, using: &random),
                stream: 2 * Int.random(in: 0..<3000, using: &random) + 1)
            switch Int.random(in: 0..<10, using: &random) {
            case 0..<4:
                table[key.connection, key.stream] = step
                model[key] = step
            case 4..<7:
                #expect(
                    table.removeValue(connection: key.connection, stream: key.stream) == model.removeValue(forKey: key))
            default:
                #expect(table[key.connection, key.stream] == model[key])
            }
            #expect(table.count == model.count)
        }
        for (key, value) in model { #expect(table[key.connection, key.stream] == value) }
        let entries = table.entries.map { (Key(connection: $0.connection, stream: $0.stream), $0.value) }
        #expect(Dictionary(uniqueKeysWithValues: entries) == model)
    }

    @Test func removingAConnectionLeavesTheOthers() {
        var table = StreamTable<String>()
        for connection in 1...3 {
            for stream in stride(from: 1, through: 999, by: 2) { table[connection, stream] = "\(connection)/\(stream)" }
        }
        let removed = table.removeAll(connection: 2)
        #expect(removed.count == 500)
        #expect(removed.allSatisfy { $0.value == "2/\($0.stream)" })
        #expect(table.count == 1000)
        #expect(table[2, 1] == nil)
        #expect(table[1, 999] == "1/999")
        #expect(table[3, 1] == "3/1")
        #expect(table.entries.allSatisfy { $0.connection != 2 })
    }

    @Test func anEmptyTableHasNothing() {
        var table = StreamTable<Int>()
        #expect(table.isEmpty)
        #expect(table[1, 1] == nil)
        #expect(table.removeValue(connection: 1, stream: 1) == nil)
        table[1, 1] = 5
        table[1, 1] = nil
        #expect(table.isEmpty)
        #expect(table.entries.isEmpty)
    }
}
