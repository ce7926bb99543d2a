import Foundation
import Testing
@testable import PalaverBroker
import PalaverEngine

/// Commands as attached workbenches send them: every command comes back as sent, and a bad one says why.
@Suite struct CommandMessageTests {
    let agents = ["ana", "bo", "cy"]

    @Test func everyCommandComesBackAsSent() throws {
        let commands: [Command] = [
            .pause, .resume, .stepOnce, .stop, .setSpeed(.factor(2)), .setSpeed(.fastest),
            .inject(text: "ship it \"now\"\n✓", from: .user, to: .all), .inject(text: "as bo", from: .agent(AgentID(1)), to: .one(AgentID(2))),
            .inject(text: "two", from: .user, to: .some([AgentID(0), AgentID(2)])),
            .edit(messageID: 7, text: "new"), .drop(messageID: 3), .mute(AgentID(2)), .unmute(AgentID(2)),
            .takeOver(AgentID(0)), .handBack(AgentID(0)), .reply(AgentID(0), text: "typed"),
        ]
        for command in commands {
            let sent = CommandMessage(id: "c-1", sender: "alice@laptop", command: command)
            #expect(try CommandMessage(decoding: sent.encoded(agents: agents), agents: agents) == sent)
        }
    }

    @Test func aBadCommandSaysWhatIsWrong() {
        func reason(_ json: String) -> String? {
            (#expect(throws: BrokerMessageError.self) { try CommandMessage(decoding: Array(json.utf8), agents: agents) })?.reason
        }
        #expect(reason("pause")?.contains("JSON object") == true)
        #expect(reason(#"{"id":"1","by":"a","command":"explode"}"#)?.contains("unknown command 'explode'") == true)
        #expect(reason(#"{"id":"1","by":"a","command":"mute","agent":"zed"}"#)?.contains("no agent 'zed'") == true)
        #expect(reason(#"{"id":"1","command":"pause"}"#)?.contains("'by'") == true)
        #expect(reason(#"{"id":"1","by":"   ","command":"pause"}"#)?.contains("'by'") == true)
        #expect(reason(#"{"id":"1","by":"a","command":"speed","speed":"900"}"#)?.contains("speed") == true)
        #expect(reason(#"{"id":"1","by":"a","command":"drop","message":-4}"#)?.contains("message id") == true)
        #expect(reason(#"{"id":"1","by":"a","command":"inject","text":"x","from":"user","to":[]}"#)?.contains("empty") == true)
    }

    @Test func theSenderIsRecordedAsOneCleanLine() throws {
        let long = String(repeating: "é", count: 100)
        let sent = CommandMessage(id: "c", sender: "eve\u{1b}[2J\nmallory" + long, command: .pause)
        let got = try CommandMessage(decoding: sent.encoded(agents: agents), agents: agents)
        #expect(!got.sender.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7f })
        #expect(got.sender.count == CommandMessage.senderLimit)
    }

    @Test func aSentCommandIsASessionEventThatReadsBack() throws {
        let info = SessionInfo(scenario: "s", title: "t", seed: 1, turnRule: .roundRobin,
                               agents: [AgentSpec(id: "ana", name: "Ana", role: "r")], maxSteps: 3, speed: .factor(1))
        var encoder = EventEncoder()
        var decoder = EventDecoder()
        for event in [Event(step: 0, time: 0, .sessionStarted(info)), Event(step: 2, time: 1.5, .commanded(by: "alice@laptop", command: "inject"))] {
            #expect(try decoder.decode(line: encoder.line(event)) == event)
        }
        #expect(encoder.line(Event(step: 2, time: 1.5, .commanded(by: "bo", command: "pause")))
                == #"{"type":"command","step":2,"t":1.5,"by":"bo","command":"pause"}"#)
    }
}
