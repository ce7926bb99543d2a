import Testing
@testable import PalaverEngine

/// Exports say what happened to each message, not just its last text.
@Suite struct ExportTruthTests {
    @Test func markdownMarksEditsDropsInjectionsTakeoversAndTypedTurns() {
        let (engine, log) = Fixtures.engine(3)
        engine.start(opening: [(.agent(AgentID(0)), Outgoing(to: .all, text: "first"))])
        engine.apply(.edit(messageID: 1, text: "first, edited"))
        engine.apply(.inject(text: "drop me", from: .user, to: .one(AgentID(2))))
        engine.apply(.drop(messageID: 2))
        engine.apply(.takeOver(AgentID(0)))
        _ = engine.beginStep()
        engine.apply(.reply(AgentID(0), text: "typed by me"))
        engine.apply(.handBack(AgentID(0)))
        let md = SessionExporter.export(log.events, format: .markdown)
        #expect(md.contains("> ~~first~~"))
        #expect(md.contains("> → first, edited"))
        #expect(md.contains("edited in flight"))
        #expect(md.contains("injected; dropped before Agent2 read it"))
        #expect(md.contains("*You took over Agent0.*"))
        #expect(md.contains("typed by a person"))
        #expect(md.contains("*Agent0 was handed back to its model.*"))
        // In the order they happened: the takeover before the typed turn, the hand-back after.
        let takeover = md.range(of: "You took over")!.lowerBound
        let typed = md.range(of: "typed by me")!.lowerBound
        let handBack = md.range(of: "handed back")!.lowerBound
        #expect(takeover < typed && typed < handBack)
    }

    @Test func markdownNamesWhoInjectedFromAnAttachedWorkbench() {
        let (engine, log) = Fixtures.engine(2)
        engine.start(opening: [(.agent(AgentID(0)), Outgoing(to: .all, text: "first"))])
        engine.emit(.commanded(by: "alice@laptop", command: "inject"))
        engine.apply(.inject(text: "from afar", from: .user, to: .one(AgentID(1))))
        engine.apply(.inject(text: "from here", from: .user, to: .one(AgentID(1))))
        let md = SessionExporter.export(log.events, format: .markdown)
        #expect(md.contains("*(injected by alice@laptop from an attached workbench)*\n\n> from afar"), "\(md)")
        #expect(md.contains("*(injected)*\n\n> from here"), "\(md)")
    }
}

@Suite struct ExportWordingTests {
    @Test func theMarkdownFooterSaysWhyInWordsAndCountsInTheSingularForOne() throws {
        let log = EventLog()
        let run = try SessionRun(scenario: .builtIn, options: .init(maxSteps: 1, speed: .fastest), sinks: [log])
        run.run()
        let markdown = SessionExporter.export(log.events, format: .markdown)
        #expect(markdown.contains("Ended after 1 step (the step limit): "), "\(markdown.suffix(200))")
        #expect(!markdown.contains("(steps)"))
        #expect(NumberText.counted(1, "agent") == "1 agent")
        #expect(NumberText.counted(4, "agent") == "4 agents")
        #expect(NumberText.counted(2, "reply", plural: "replies") == "2 replies")
    }
}
