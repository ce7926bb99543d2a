import PalaverEngine
import Testing
@testable import PalaverTUI

@Suite struct BufferTests {
    @Test func wideCharactersFillTwoCellsAndAreNotSplitAtTheEdge() {
        var buffer = Buffer(width: 5, height: 1)
        let end = buffer.write("a中b文", x: 0, y: 0, style: .plain)
        // "文" would straddle the edge (columns 4–5 of 5), so it is left out, and "…" says so.
        #expect(end == 5)
        #expect(buffer.text == "a中b…")
        #expect(buffer[1, 0].width == 2)
        #expect(buffer[2, 0].isContinuation)
    }

    @Test func cutTextEndsInAnEllipsisAndWholeTextDoesNot() {
        var buffer = Buffer(width: 12, height: 2)
        buffer.write("no such theme (keeping palaver-dark)", x: 0, y: 0, style: .plain, limit: 10)
        buffer.write("fits", x: 0, y: 1, style: .plain, limit: 4)
        #expect(buffer.text == "no such t…\nfits")
    }

    @Test func textWithoutABackgroundKeepsTheOneUnderIt() {
        let panel = Color.rgb(1, 2, 3)
        var buffer = Buffer(width: 6, height: 1, fill: Cell(" ", style: Style(background: panel)))
        buffer.write("ab中", x: 0, y: 0, style: Style(foreground: .indexed(1)))
        buffer.set("x", x: 5, y: 0, style: .plain)
        #expect(buffer.cells.allSatisfy { $0.style.background == panel })
        buffer.write("c", x: 0, y: 0, style: Style(background: .indexed(4)))
        #expect(buffer[0, 0].style.background == .indexed(4))
    }

    @Test func overwritingHalfAWideCharacterBlanksTheOtherHalf() {
        var buffer = Buffer(width: 6, height: 1)
        buffer.write("中文", x: 0, y: 0, style: .plain)
        buffer.write("x", x: 1, y: 0, style: .plain)
        #expect(buffer.text == " x文")
        #expect(!buffer.cells.contains { $0.isContinuation && $0 == buffer[0, 0] })
    }

    @Test func theDiffHoldsOnlyWhatChanged() {
        var a = Buffer(width: 20, height: 3)
        a.write("hello world", x: 0, y: 1, style: .plain)
        var b = a
        b.write("W", x: 6, y: 1, style: .plain)
        let diff = BufferDiff(from: a, to: b)
        #expect(diff.runs.count == 1)
        #expect(diff.runs[0].x == 6 && diff.runs[0].y == 1 && diff.changedCells == 1)
        #expect(BufferDiff(from: b, to: b).isEmpty)
        #expect(BufferDiff(from: nil, to: b).changedCells == 60)
    }

    @Test func aDiffNeverStartsOnTheRightHalfOfAWideCharacter() {
        var a = Buffer(width: 10, height: 1)
        a.write("中", x: 2, y: 0, style: .plain)
        var b = Buffer(width: 10, height: 1)
        b.write("中", x: 2, y: 0, style: Style(attributes: .bold))
        let diff = BufferDiff(from: a, to: b)
        #expect(diff.runs.first?.x == 2)
    }

    @Test func applyingDiffsReproducesEveryFrame() throws {
        let backend = TestBackend(width: 100, height: 30)
        var previous: Buffer?
        for steps in [1, 3, 6] {
            let state = try ScreenFixtures.state(steps: steps, width: 100, height: 30)
            let frame = AppView.render(state)
            backend.apply(BufferDiff(from: previous, to: frame))
            #expect(backend.screen == frame)
            previous = frame
        }
    }

    @Test func plainASCIIIsWrittenAsTheCharacterWayWritesIt() {
        var random = SeededGenerator(seed: 14)
        for _ in 0..<2_000 {
            let text = String((0..<Int.random(in: 0...14, using: &random)).map { _ in "ab .x-~Z0".randomElement(using: &random)! })
            expectWrittenAsCharacters(text, x: Int.random(in: -3...9, using: &random), edge: Int.random(in: 0...10, using: &random))
        }
    }

    @Test func clustersOfSeveralScalarsReadBackWholeAndCompareByCharacter() {
        let family: Character = "👩\u{200D}👩\u{200D}👧", thumb: Character = "👍\u{1F3FD}", accented: Character = "e\u{301}"
        var buffer = Buffer(width: 12, height: 1)
        buffer.write("\(family)\(thumb)\(accented)x", x: 0, y: 0, style: .plain)
        #expect(buffer[0, 0].character == family)
        #expect(buffer[2, 0].character == thumb)
        #expect(buffer[4, 0].character == accented)
        #expect(buffer[5, 0].character == "x")
        // The same cluster written again is the same cell; a different one is not.
        #expect(Cell(family, width: 2) == buffer[0, 0])
        #expect(Cell(thumb, width: 2) != buffer[0, 0])
        #expect(buffer.text == "\(family)\(thumb)\(accented)x")
    }
}

@Suite struct StandaloneScalarTextTests {
    /// Text of scalars that are characters on their own takes a path without grapheme breaking;
    /// it must give the same cells, end column and width as the character-by-character path.
    @Test func textOfStandaloneScalarsIsWrittenAndMeasuredAsCharactersAre() {
        var random = SeededGenerator(seed: 29)
        let alphabet: [String] = ["a", " ", "·", "●", "→", "中", "文", "é", "Ж", "─", "⠋", "✅", "한", "。", "…", "\u{AD}", "½"]
        // Scalars that join their neighbours: text holding one falls back to the character path.
        let joiners: [String] = ["e\u{301}", "👍\u{1F3FD}", "👩\u{200D}👧", "\u{1F1E9}\u{1F1EA}", "☀\u{FE0F}", "\u{1100}\u{1161}"]
        for round in 0..<3_000 {
            var pieces = (0..<Int.random(in: 0...12, using: &random)).map { _ in alphabet.randomElement(using: &random)! }
            if round % 4 == 0 { pieces.insert(joiners.randomElement(using: &random)!, at: Int.random(in: 0...pieces.count, using: &random)) }
            let text = pieces.joined()
            expectWrittenAsCharacters(text, x: Int.random(in: -3...9, using: &random), edge: Int.random(in: 0...12, using: &random))
            #expect(DisplayWidth.of(text) == text.reduce(0) { $0 + DisplayWidth.of($1) }, "\(text.debugDescription)")
        }
    }
}

/// `write` (whichever path it takes) gives the cells and end column that writing character by character
/// gives, over a wide character that either may cut in half and must repair the same way.
func expectWrittenAsCharacters(_ text: String, x: Int, edge: Int, sourceLocation: SourceLocation = #_sourceLocation) {
    var fast = Buffer(width: 12, height: 1), characters = fast
    fast.write("中文", x: 4, y: 0, style: .plain)
    characters.write("中文", x: 4, y: 0, style: .plain)
    let end = fast.write(text, x: x, y: 0, style: .plain, limit: edge)
    #expect(end == characters.writeCharacters(text, x: x, y: 0, style: .plain, edge: min(edge, 12)), sourceLocation: sourceLocation)
    #expect(fast.cells == characters.cells, "\(text.debugDescription) at \(x), edge \(edge)", sourceLocation: sourceLocation)
}
