import Foundation
import Testing
import PalaverEngine

/// `palaver train` and `palaver eval` as a user runs them.
@Suite struct BeerGameCommandTests {
    @Test func evalPrintsJSONWithCostsAndBullwhip() throws {
        let out = try PalaverProcess.run(["eval", "beer-game", "--policy", "all=sterman", "--json"])
        #expect(out.status == 0, "\(out.stderr)")
        let object = try #require(try JSONParser.parse(out.stdout.trimmingCharacters(in: .whitespacesAndNewlines)).object)
        let total = try #require(object["total_cost"]?.double)
        let stages = try #require(object["stage_costs"]?.object)
        let sum = BeerGameSettings.stages.compactMap { stages[$0]?.double }.reduce(0, +)
        #expect(abs(sum - total) < 0.01)
        #expect(BeerGameSettings.stages.allSatisfy { (object["bullwhip"]?.object?[$0]?.double ?? 0) > 2 })
    }

    @Test func evalTableNamesEachStageAndTheTeam() throws {
        let out = try PalaverProcess.run(["eval", "beer-game", "--setting", "uniform", "--episodes", "5", "--policy", "retailer=base-stock:20"])
        #expect(out.status == 0)
        #expect(out.stdout.contains("uniform demand · 5 episodes"))
        #expect(out.lines.contains { $0.contains("retailer") && $0.contains("base-stock:20") })
        #expect(out.lines.contains { $0.contains("factory") && $0.contains("base-stock:20") })
        #expect(out.lines.last?.contains("team") == true)
    }

    @Test func trainSavesAPolicyThatEvalPlays() throws {
        let dir = try PalaverProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/policies/retailer.json"
        let train = try PalaverProcess.run(["train", "beer-game", "--episodes", "3000", "--agents", "retailer", "--learner", "sarsa", "--out", path])
        #expect(train.status == 0, "\(train.stderr)")
        #expect(train.stdout.contains("learning curve"))
        #expect(train.stdout.contains("▁"))
        #expect(FileManager.default.fileExists(atPath: path))
        let eval = try PalaverProcess.run(["eval", "beer-game", "--policy", "retailer=learned:\(path)", "--json"])
        #expect(eval.status == 0, "\(eval.stderr)")
        // The wholesaler was not trained: asking for it names the file and what it holds.
        let missing = try PalaverProcess.run(["eval", "beer-game", "--policy", "wholesaler=learned:\(path)"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("has no policy for the wholesaler (it has: retailer)"))
    }

    @Test func stermansBoardGameAndItsBenchmarkRule() throws {
        let out = try PalaverProcess.run(["eval", "beer-game", "--setting", "sterman-1989", "--json",
                                          "--policy", "all=sterman:theta=0,alpha=1,beta=1,stock=28/28/28/20"])
        #expect(out.status == 0, "\(out.stderr)")
        let object = try #require(try JSONParser.parse(out.stdout.trimmingCharacters(in: .whitespacesAndNewlines)).object)
        #expect(object["total_cost"]?.double == 204)
        #expect(object["setting"]?.string == "sterman-1989")
        #expect(object["policies"]?.object?["factory"]?.string == "sterman:theta=0,alpha=1,beta=1,stock=20")
    }

    @Test func evalDrawsTheBullwhipAsSVG() throws {
        let dir = try PalaverProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = try PalaverProcess.run(["eval", "beer-game", "--policy", "all=sterman", "--chart", dir + "/whip.svg"])
        #expect(out.status == 0, "\(out.stderr)")
        let svg = try String(contentsOfFile: dir + "/whip.svg", encoding: .utf8)
        #expect(svg.hasPrefix("<svg") && svg.hasSuffix("</svg>\n"))
        // Four stages' orders and stock, and customer demand.
        #expect(svg.components(separatedBy: "<polyline").count - 1 == 9)
        #expect(BeerGameSettings.stages.allSatisfy { svg.contains($0 + " $") })
    }

    /// The bar is erased before the summary, even in a terminal narrower than the bar.
    @Test(.enabled(if: Tmux.available)) func trainingLeavesNoProgressBarBehind() throws {
        let dir = try PalaverProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let tmux = Tmux("\(PalaverProcess.binary) train beer-game --episodes 4000 --out \(dir)/team.json", width: 36, height: 30)
        guard tmux.waitFor(text: "PALAVER_EXIT=0", timeout: 120) else { return }
        let screen = tmux.screen
        #expect(!screen.split(separator: "\n").contains { $0.hasPrefix("  training") } && !screen.contains("%") && !screen.contains("··"), "\(screen)")
        #expect(screen.contains("saved"))
    }

    @Test func badInputIsOneLineAndExitTwo() throws {
        for (arguments, mention) in [
            (["eval", "beer-game", "--policy", "retailer=magic"], "'magic' is not a policy"),
            (["eval", "beer-game", "--policy", "brewer=sterman"], "'brewer' is not a stage"),
            (["eval", "chess"], "'chess' has no environment"),
            (["eval", "beer-game", "--setting", "chaotic"], "chaotic"),
            (["train", "beer-game", "--agents", "brewer"], "'brewer' is not a stage"),
            (["eval", "beer-game", "--policy", "all=learned:/no/such/file.json"], "/no/such/file.json"),
            (["eval", "beer-game", "--policy", "all=sterman:theta=nan"], "theta must be a number from 0 to 1"),
            (["eval", "beer-game", "--policy", "all=sterman:alpha=1e300"], "alpha must be a number from 0 to 10"),
            (["eval", "beer-game", "--policy", "all=base-stock:9223372036854775807"], "from 0 to 100000"),
            (["run", "beer-game", "--headless", "--policy", "all=base-stock:9223372036854775807"], "from 0 to 100000"),
        ] {
            let out = try PalaverProcess.run(arguments)
            #expect(out.status == 2, "\(arguments)")
            #expect(out.stderr.split(separator: "\n").count == 1, "\(arguments): \(out.stderr)")
            #expect(out.stderr.contains(mention), "\(arguments): \(out.stderr)")
        }
    }
}
