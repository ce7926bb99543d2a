import ArgumentParser
import Foundation
import PalaverEngine

extension BeerGameSettings.Setting: ExpressibleByArgument {}
extension TabularLearner.Kind: ExpressibleByArgument {}

/// `--policy AGENT=SPEC …` into one player per stage; unnamed stages play `fallback`.
struct BeerTeamOptions: ParsableArguments {
    @Option(name: .customLong("policy"), help: ArgumentHelp(
        "AGENT=SPEC, repeatable. AGENT: retailer, wholesaler, distributor, factory or all. SPEC: \(BeerPolicySpec.forms).",
        valueName: "AGENT=SPEC"))
    var policies: [String] = []

    /// A stage nobody names plays base-stock at its starting inventory position in this game.
    func specs(_ settings: BeerGameSettings) throws -> [BeerPolicySpec] {
        var specs = settings.startingPositions.map { BeerPolicySpec.baseStock($0) }
        for text in policies {
            do {
                let (stages, spec) = try BeerPolicySpec.assignment(text)
                for s in stages { specs[s] = spec.forStage(s) }
            } catch {
                throw BadInput("--policy \(error)")
            }
        }
        return specs
    }

    func players(_ settings: BeerGameSettings) throws -> [BeerPlayer] {
        var library = PolicyLibrary()
        return try specs(settings).enumerated().map { i, spec in
            do { return try BeerPlayer.make(spec, stage: i, library: &library) } catch { throw BadInput("--policy \(error)") }
        }
    }
}

/// Only the beer game has policies to evaluate and train so far.
private func checkGame(_ name: String) throws {
    guard name == "beer-game" else { throw BadInput("'\(name)' has no environment to evaluate or train; try beer-game") }
}

struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Play a team of ordering policies in the beer game and report cost and the bullwhip effect.",
        discussion: """
            Examples: palaver eval beer-game --policy all=sterman
                      palaver eval beer-game --setting sterman-1989 --policy all=sterman:theta=0,alpha=1,beta=1,stock=28/28/28/20
                      palaver eval beer-game --setting uniform --policy retailer=learned:policies/team.json --episodes 200 --json
            Stages without a --policy play base-stock at their starting position (28, 28, 28, 20; the factory 24 in sterman-1989).
            """
    )

    @Argument(help: "The environment: beer-game.") var game: String
    @Option(help: "The game: classic (demand 4, then 8 from week 5), sterman-1989 (classic demand, Sterman's board: 3-week factory lead time, orders of 4 in weeks 1–4), uniform (0…8) or normal (10 ± 2).") var setting: BeerGameSettings.Setting = .classic
    @OptionGroup var team: BeerTeamOptions
    @Option(help: "Episodes to average over (seeds from --seed on).") var episodes: Int = 1
    @Option(help: "The first episode's seed.") var seed: UInt64 = BeerTrainer.heldOutSeed
    @Flag(help: "One JSON object per line: total_cost, stage_costs, bullwhip.") var json = false
    @Option(help: "Also write the first game's orders and net stock per stage, with customer demand, as an SVG chart.") var chart: String?
    @Flag(help: "Search for the cheapest team of base-stock levels (stage by stage until nothing improves) and evaluate it.") var bestBaseStock = false

    func validate() throws {
        if episodes < 1 { throw ValidationError("--episodes must be at least 1 (got \(episodes))") }
    }

    func run() throws {
        try checkGame(game)
        let settings = BeerGameSettings(setting: setting)
        var specs = try team.specs(settings)
        var players = try team.players(settings)
        if bestBaseStock {
            // Searched on other seeds than the ones it is reported on.
            let levels = BeerEvaluation.bestBaseStock(settings: settings, episodes: episodes, firstSeed: BeerTrainer.validationSeed).levels
            specs = levels.map { .baseStock($0) }
            players = levels.map { .baseStock(BaseStockPolicy(level: $0)) }
        }
        let result = BeerEvaluation.run(players, settings: settings, episodes: episodes, firstSeed: seed)
        if let chart {
            let picture = BullwhipChart.play(players, settings: settings, seed: seed)
            let title = "beer game · \(setting.rawValue) · seed \(seed) · team $\(String(format: "%.2f", picture.costs.reduce(0, +)))"
            do { try picture.svg(title: title).write(toFile: chart, atomically: true, encoding: .utf8) } catch {
                throw BadInput("--chart \(chart): cannot write: \(error.localizedDescription)")
            }
        }
        let names = BeerGameSettings.stages
        if json {
            var w = JSONWriter()
            w.beginObject()
            w.key("setting"); w.string(setting.rawValue)
            w.key("episodes"); w.int(episodes)
            w.key("total_cost"); w.number(result.totalCost)
            w.key("stage_costs"); w.beginObject(); for i in 0..<4 { w.key(names[i]); w.number(result.stageCosts[i]) }; w.endObject()
            w.key("bullwhip"); w.beginObject(); for i in 0..<4 { w.key(names[i]); w.number(result.bullwhip[i]) }; w.endObject()
            w.key("policies"); w.beginObject(); for i in 0..<4 { w.key(names[i]); w.string(specs[i].description) }; w.endObject()
            w.endObject()
            print(String(decoding: w.bytes, as: UTF8.self))
            return
        }
        print("beer game · \(setting.rawValue) demand · \(episodes) episode\(episodes == 1 ? "" : "s")\(episodes > 1 ? " (mean)" : "")")
        print(BeerTable.render(players: specs.map(\.description), evaluation: result))
    }
}

/// The per-stage table `eval` and `train` print.
enum BeerTable {
    static func render(players: [String], evaluation e: BeerEvaluation) -> String {
        let names = BeerGameSettings.stages
        let width = max(8, players.map(\.count).max() ?? 0)
        func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
        func left(_ s: String, _ n: Int) -> String { s.count >= n ? s : String(repeating: " ", count: n - s.count) + s }
        var lines = ["  \(pad("stage", 12)) \(pad("policy", width))  \(left("cost", 9))  \(left("bullwhip", 8))"]
        for i in 0..<4 {
            lines.append("  \(pad(names[i], 12)) \(pad(players[i], width))  \(left(MoneyText.dollars(e.stageCosts[i]), 9))  \(left(String(format: "%.2f", e.bullwhip[i]), 8))")
        }
        lines.append("  \(pad("team", 12)) \(pad("", width))  \(left(MoneyText.dollars(e.totalCost), 9))")
        return lines.joined(separator: "\n")
    }
}

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Teach beer-game stages an ordering strategy by reinforcement learning, and save it.",
        discussion: """
            Example: palaver train beer-game --episodes 20000 --learner q --agents all --out policies/team.json
            then:    palaver eval beer-game --policy all=learned:policies/team.json
                     palaver run beer-game --policy retailer=learned:policies/team.json
            Stages that do not learn play what --policy gives them (default base-stock at their starting position).
            """
    )

    @Argument(help: "The environment: beer-game.") var game: String
    @Option(help: "Training episodes (36 weeks each).") var episodes: Int = 60_000
    @Option(help: "q (Q-learning, week by week), sarsa, or level (each stage learns one order-up-to level from the team's costs).") var learner: TabularLearner.Kind = .q
    @Option(help: "Who learns: all, or a stage name (retailer, wholesaler, distributor, factory); comma-separated for several.") var agents: String = "all"
    @Option(help: "The game to train on: classic, sterman-1989, uniform or normal.") var setting: BeerGameSettings.Setting = .classic
    @OptionGroup var team: BeerTeamOptions
    @Option(help: "Where to save the learned policies (JSON).") var out: String = "policies/team.json"
    @Option(help: "Random seed.") var seed: UInt64 = 1

    func validate() throws {
        if episodes < 1 { throw ValidationError("--episodes must be at least 1 (got \(episodes))") }
    }

    func run() throws {
        try checkGame(game)
        var options = BeerTrainer.Options()
        options.learner = learner
        options.settings = BeerGameSettings(setting: setting)
        options.episodes = episodes
        options.seed = seed
        if agents.lowercased() == "all" {
            options.learning = [0, 1, 2, 3]
        } else {
            options.learning = try agents.split(separator: ",").map { name in
                guard let i = BeerGameSettings.stages.firstIndex(of: name.trimmingCharacters(in: .whitespaces).lowercased()) else {
                    throw BadInput("--agents: '\(name)' is not a stage (retailer, wholesaler, distributor, factory or all)")
                }
                return i
            }
        }
        let specs = try team.specs(options.settings)
        options.others = try team.players(options.settings)
        let bar = ProgressBar(enabled: isatty(2) != 0)
        let started = Date()
        let report = BeerTrainer(options: options).train { bar.show($0) }
        bar.finish()
        let seconds = Date().timeIntervalSince(started)
        do { try report.file.write(to: out) } catch { throw BadInput("\(out): cannot write: \(error.localizedDescription)") }
        let who = options.learning.map { BeerGameSettings.stages[$0] }.joined(separator: ", ")
        let how = ["q": "Q-learning", "sarsa": "SARSA", "level": "order-up-to levels learned from the team's costs"][learner.rawValue] ?? learner.rawValue
        print("trained \(who) with \(how) in the \(setting.rawValue) game: \(episodes) episodes, \(report.agentSteps) agent-steps in \(String(format: "%.1f", seconds)) s")
        print("learning curve (team cost on held-out games, lower is better):")
        print("  \(Sparkline.render(report.curve))  $\(Int(report.curve.first ?? 0)) → $\(Int(report.curve.last ?? 0))")
        print("before training: $\(String(format: "%.2f", report.before.totalCost))   after: $\(String(format: "%.2f", report.after.totalCost)) (the best snapshot on validation games is kept)")
        let names = (0..<4).map { options.learning.contains($0) ? "learned (\(learner.rawValue))" : specs[$0].description }
        print(BeerTable.render(players: names, evaluation: report.after))
        print("saved \(out) — play it: palaver eval beer-game --policy \(options.learning.count == 4 ? "all" : who.components(separatedBy: ", ")[0])=learned:\(out)")
    }
}

/// A one-line bar on standard error, redrawn in place. It is sized to the terminal each time
/// (a line that wrapped would leave its first row behind when redrawn), and `finish` erases it.
final class ProgressBar {
    let enabled: Bool
    private var shown = -1
    init(enabled: Bool) { self.enabled = enabled }

    func show(_ fraction: Double) {
        guard enabled else { return }
        let percent = CheckedNumber.clamped(fraction * 100, to: 0...100)
        guard percent != shown else { return }
        shown = percent
        let label = "  training ", tail = " \(percent)%"
        // Two bracket cells, and one column spare so the cursor never wraps.
        let width = max(0, min(30, Self.columns() - label.count - tail.count - 3))
        let filled = width * percent / 100
        let bar = width > 0 ? "[" + String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled) + "]" : ""
        FileHandle.standardError.write(Data(("\r\u{1B}[2K" + label + bar + tail).utf8))
    }

    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
    }

    private static func columns() -> Int {
        var size = winsize()
        guard ioctl(2, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return 80 }
        return Int(size.ws_col)
    }
}
