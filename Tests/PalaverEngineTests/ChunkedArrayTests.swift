import Testing
@testable import PalaverEngine

/// The log is kept in chunks of 1,024 entries; reading it chunk by chunk must find
/// what reading it entry by entry finds, across chunk edges too.
@Suite struct ChunkedArrayTests {
    @Test func positionsFoundChunkByChunkAreThoseFoundOneByOne() {
        var list = ChunkedArray<Int>()
        for i in 0..<5_000 { list.append(i * 7 % 13) }
        var random = SeededGenerator(seed: 41)
        for _ in 0..<300 {
            let a = Int.random(in: 0...5_000, using: &random), b = Int.random(in: 0...5_000, using: &random)
            let range = min(a, b)..<max(a, b)
            let threshold = Int.random(in: 0...13, using: &random)
            let expected = range.filter { list[$0] < threshold }
            #expect(list.positions(in: range, where: { $0 < threshold }) == expected, "\(range)")
            let some = (0..<5_000).filter { _ in Bool.random(using: &random) }
            #expect(list.positions(among: some, where: { $0 < threshold }) == some.filter { list[$0] < threshold })
        }
    }
}
