/// Formats a session as plain text lines: a heading, one line per message
/// (step, sender → recipients, text), problems marked with `!`, and a
/// closing summary. Everything it prints comes from events, so a live
/// headless run and a replay of its recording print the same thing.
public final class TranscriptPrinter: EventSink {
    private let write: (String) -> Void
    private var info: SessionInfo?
    private var cost: Double = 0
    /// This step's rewards so far, and their running total: printed once every agent has one.
    private var rewards: [Double] = []
    private var environmentCost: Double = 0
    private var breakpoints = BreakpointBoard()

    public init(write: @escaping (String) -> Void) { self.write = write }

    public func receive(_ event: Event) {
        breakpoints.apply(event)
        switch event.body {
        case .sessionStarted(let info):
            self.info = info
            let models = Set(info.agents.map(\.model)).sorted().joined(separator: ", ")
            write(clean("palaver · \(info.scenario) · \(info.title) · seed \(info.seed) · \(NumberText.counted(info.agents.count, "agent")) · \(info.turnsDescription) · \(models)"))
        case .messageSent(let message):
            write(line(message, arrow: "→", note: ""))
        case .injected(let message):
            write(line(message, arrow: "⇒", note: " (injected)"))
        case .edited(let id, let text, _):
            write(clean("\(stepLabel(event.step)) ! message \(id) edited in flight: \(text)"))
        case .dropped(let id, _):
            write(clean("\(stepLabel(event.step)) ! message \(id) dropped in flight"))
        case .restored(let id):
            write(clean("\(stepLabel(event.step)) ! message \(id) restored (back in the mailboxes it was dropped from)"))
        case .mailboxFull(let agent, let id):
            write(clean("\(stepLabel(event.step)) ! \(name(.agent(agent)))'s mailbox is full; message \(id) not delivered"))
        case .agentError(let agent, let message):
            write(clean("\(stepLabel(event.step)) ! \(name(.agent(agent))): \(message)"))
        case .callFinished(_, let usage):
            if let price = info?.prices[usage.model] { cost += price.cost(of: usage) }
        case .retrying(let agent, let attempt, let reason):
            write(clean("\(stepLabel(event.step)) ! \(name(.agent(agent))): retrying (attempt \(attempt)): \(reason)"))
        case .callCancelled(let agent, let reason):
            write(clean("\(stepLabel(event.step)) ! \(name(.agent(agent))): request cancelled (\(reason)); asks again on resume"))
        case .rejected(let command, let reason):
            write(clean("\(stepLabel(event.step)) ! can't \(command): \(reason)"))
        case .commanded(let sender, let command):
            write(clean("\(stepLabel(event.step)) · \(sender): \(command)"))
        case .breakpointHit:
            if let stop = breakpoints.stop { write(clean("\(stepLabel(event.step)) ● stopped at \(stop.describe(in: info))")) }
        case .takeover(let agent, let active):
            write(clean("\(stepLabel(event.step)) · \(name(.agent(agent))) \(active ? "taken over by you" : "handed back to its model")"))
        case .sessionEnded(let summary):
            let why: String
            switch summary.reason {
            case .steps: why = "step limit reached"
            case .stopped: why = "stopped"
            case .quiet: why = "nobody had anything left to answer"
            }
            var line = "— ended after \(NumberText.counted(summary.steps, "step")) (\(why)): \(NumberText.counted(summary.messages, "message")), \(NumberText.counted(summary.tokens, "token")), \(TranscriptPrinter.duration(summary.durationSeconds))"
            if info?.prices.isEmpty == false { line += ", " + MoneyText.dollars(cost) }
            if info?.environment != nil { line += ", environment cost " + MoneyText.dollars(environmentCost) }
            write(line)
        case .action(let agent, let action) where !action.valid:
            write(clean("\(stepLabel(event.step)) ! \(name(.agent(agent))) gave no valid order; \(action.text) (the incoming order) instead"))
        case .reward(let agent, let value):
            rewards.append(value)
            environmentCost -= value
            guard let info, agent.index == info.agents.count - 1 else { return }
            let parts = zip(info.agents, rewards).map { "\($0.name) \(MoneyText.dollars(-$1))" }
            write(clean("\(stepLabel(event.step)) · week cost: \(parts.joined(separator: " · ")) · team so far \(MoneyText.dollars(environmentCost))"))
            rewards.removeAll()
        default:
            break
        }
    }

    private func name(_ party: Party) -> String { info?.name(of: party) ?? "?" }

    private func stepLabel(_ step: Int) -> String {
        let digits = String(step)
        return "[" + String(repeating: " ", count: max(0, 3 - digits.count)) + digits + "]"
    }

    private func line(_ message: Message, arrow: String, note: String) -> String {
        let to = info?.names(of: message.recipients) ?? "?"
        return clean("\(stepLabel(message.step)) \(name(message.sender)) \(arrow) \(to)\(note): \(message.text)")
    }

    /// Session text is untrusted: nothing in it may reach the terminal as a control.
    private func clean(_ text: String) -> String { text.sanitizedForTerminal(singleLine: true) }

    static func duration(_ seconds: Double) -> String {
        let tenths = CheckedNumber.clamped(seconds * 10, to: 0...Int.max / 2)
        if tenths < 600 { return "\(tenths / 10).\(tenths % 10) s" }
        let s = (tenths + 5) / 10
        return "\(s / 60) min \(s % 60) s"
    }
}
