import Foundation
import Testing
@testable import PalaverEngine
@testable import PalaverTUI

@Suite struct DiffScreenTests {
    @Test func showsBothSidesFromWhereTheyPart() throws {
        var reader = try SessionReader(path: "sessions/examples/debate.jsonl")
        let parent = try reader.readAll()
        // A copy whose fourth message says something else.
        var changed = parent
        var seen = 0
        for i in changed.indices {
            if case .messageSent(let m) = changed[i].body {
                seen += 1
                if seen == 4 { changed[i].body = .messageSent(m.withText("A different answer entirely.")) }
            }
        }
        let diff = SessionDiff(parent, changed)
        #expect(diff.divergence == 3)
        let text = DiffScreen(diff: diff, nameA: "parent.jsonl", nameB: "fork.jsonl", theme: .defaultDark).render(width: 100, height: 24).text
        assertSnapshot(text, named: "screen-diff-100x24")
        #expect(text.contains("A · parent.jsonl") && text.contains("B · fork.jsonl"))
        #expect(text.contains("A different answer entirely."))
        #expect(text.contains("then they part at message 4"))
        let same = DiffScreen(diff: SessionDiff(parent, parent), nameA: "a", nameB: "b", theme: .defaultDark).render(width: 100, height: 24).text
        #expect(same.contains("identical"))
    }
}
