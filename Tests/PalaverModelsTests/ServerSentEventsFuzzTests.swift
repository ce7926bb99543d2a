import Foundation
import Testing
import PalaverEngine
@testable import PalaverModels

/// Seeded fuzzing of the server-sent events splitter: however a hostile or
/// broken stream is cut into chunks, the events are the same as when it
/// arrives whole, and a line with no end cannot grow memory without bound.
@Suite struct ServerSentEventsFuzzTests {
    static func directory(filePath: String = #filePath) -> URL {
        URL(fileURLWithPath: filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("FuzzCorpus/sse")
    }

    static func names() -> [String] { (try? FileManager.default.contentsOfDirectory(atPath: directory().path).sorted()) ?? [] }

    @Test(arguments: names()) func chunkingNeverChangesTheEvents(name: String) {
        let seed = (name: name, bytes: FileManager.default.contents(atPath: Self.directory().appendingPathComponent(name).path).map { Array($0) } ?? [])
        var mutator = HostileMutator(seed: DeterministicRandom.hash(seed.name))
        for round in 0..<400 {
            let input = round == 0 ? seed.bytes : mutator.mutate(seed.bytes)
            var whole = ServerSentEvents()
            let expected = whole.feed(input) + whole.finish()
            var pieces = ServerSentEvents()
            var got: [String] = []
            for chunk in mutator.chunks(input) { got += pieces.feed(chunk) }
            got += pieces.finish()
            #expect(got == expected)
        }
    }

    @Test func aLineWithNoEndIsDroppedNotKept() {
        var events = ServerSentEvents()
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1 << 20)
        for _ in 0..<(ServerSentEvents.maxLineLength >> 20) + 4 { #expect(events.feed(chunk).isEmpty) }
        #expect(events.bufferedBytes <= ServerSentEvents.maxLineLength)
        #expect(events.droppedLines == 1)
        // The stream recovers at the next line.
        #expect(events.feed(Array("\ndata: ok\n\n".utf8)) == ["ok"])
    }
}
