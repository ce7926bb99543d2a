import Testing
@testable import PalaverTUI

@Test func peek() throws {
    let state = try ScreenFixtures.state(steps: 9)
    print(AppView.render(state).text)
    var small = state
    small.width = 40; small.height = 12
    print(AppView.render(small).text)
    var mid = state
    mid.width = 80; mid.height = 24
    print(AppView.render(mid).text)
}
