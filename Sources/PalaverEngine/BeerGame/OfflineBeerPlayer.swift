/// How the offline model plays the beer game: it orders by Sterman's
/// anchoring-and-adjustment rule, as people do, and says why in a line or two,
/// so an offline run looks and behaves like a team of people.
enum OfflineBeerPlayer {
    /// The reply for a turn whose observation is a beer-game week, or nil.
    static func reply(to request: ModelRequest) -> String? {
        func value(_ name: String) -> Int? { request.observation.first { $0.name == name }.map { Int($0.value.rounded()) } }
        guard let incoming = value("incoming"), let inventory = value("inventory"), let backlog = value("backlog"),
              let supplyLine = value("supply_line"),
              let forecast = request.observation.first(where: { $0.name == "forecast" })?.value else { return nil }
        let order = StermanPolicy.order(expectedDemand: forecast, netStock: inventory - backlog, supplyLine: supplyLine,
                                        parameters: StermanPolicy.Parameters())
        let index = request.agent.index
        let upstream = index + 1 < request.roster.count ? request.roster[index + 1].name : nil
        let pick = DeterministicRandom.index(3, request.seed, UInt64(request.step), UInt64(index))
        var line: String
        func cases(_ n: Int) -> String { n == 1 ? "1 case" : "\(n) cases" }
        if backlog > 0 {
            line = ["We owe \(cases(backlog)) and orders are running at \(incoming) a week.",
                    "Backlog is \(backlog) — customers are waiting.",
                    "Still \(backlog) short; \(supplyLine) cases are on the way but not here."][pick]
            if let upstream { line += " @\(upstream), please ship what you can." }
        } else if inventory > 20 {
            line = ["We're sitting on \(inventory) cases, so I'm holding back.",
                    "Plenty in the warehouse (\(inventory)); no need to push.",
                    "\(inventory) on hand is too much — easing off."][pick]
        } else if inventory < 4 {
            line = ["Shelves are nearly empty (\(inventory) left) with \(supplyLine) on order.",
                    "Only \(cases(inventory)) in stock; I'd rather not run out.",
                    "Stock is thin: \(inventory), and \(incoming) ordered from us this week."][pick]
        } else if incoming > Int(forecast.rounded()) {
            line = ["Orders jumped to \(incoming); I expect about \(Int(forecast.rounded())) a week from here.",
                    "Demand is up: \(incoming) this week.",
                    "\(incoming) ordered this week — more than usual."][pick]
        } else {
            line = ["Steady: \(incoming) in, \(inventory) on hand, \(supplyLine) on order.",
                    "Things look calm; \(inventory) in stock.",
                    "Nothing unusual: \(incoming) cases ordered from us."][pick]
        }
        return "\(line) Ordering \(order).\nORDER: \(order)"
    }
}
