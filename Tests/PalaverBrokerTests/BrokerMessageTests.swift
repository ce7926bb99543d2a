import Testing
import PalaverBroker
import PalaverEngine

@Suite struct BrokerURLTests {
    @Test func parsesHostPortVhostAndCredentials() throws {
        let url = try BrokerURL(parsing: "amqp://alice:s%3Dcret@rabbit.example:5673/team%2Fa", environment: [:])
        #expect(url.host == "rabbit.example")
        #expect(url.port == 5673)
        #expect(url.virtualHost == "team/a")
        #expect(url.user == "alice")
        #expect(url.password == "s=cret")
        #expect(!url.tls)
        let tls = try BrokerURL(parsing: "amqps://rabbit.example", environment: ["PALAVER_BROKER_USER": "bob", "PALAVER_BROKER_PASSWORD": "pw"])
        #expect(tls.tls && tls.port == 5671 && tls.virtualHost == "/" && tls.user == "bob" && tls.password == "pw")
    }

    @Test func thePasswordNeverShows() throws {
        let url = try BrokerURL(parsing: "amqp://alice:hunter2@h:1/", environment: [:])
        #expect(!url.description.contains("hunter2"))
        #expect(url.description == "amqp://alice@h:1/")
        let bad = #expect(throws: BrokerURL.Failure.self) { try BrokerURL(parsing: "amqp://alice:hunter2@h:99999/", environment: [:]) }
        #expect(bad?.description.contains("hunter2") == false)
        #expect(bad?.description.contains("port") == true)
        #expect(throws: BrokerURL.Failure.self) { try BrokerURL(parsing: "http://h/", environment: [:]) }
    }
}

@Suite struct TurnMessageTests {
    func request() -> ModelRequest {
        let roster = [AgentSpec(id: "ana", name: "Ana", role: "chair", persona: "brisk", model: "offline", language: "en", color: 2),
                      AgentSpec(id: "bo", name: "Bo", role: "critic")]
        var r = ModelRequest(agent: AgentID(1), spec: roster[1], roster: roster, scenarioTitle: "T", seed: UInt64.max - 3,
                             step: 7, turn: 2, messages: [ChatMessage(role: .system, content: "be \"terse\"\n"),
                                                          ChatMessage(role: .user, name: "ana", content: "hi ✓")], unread: 1)
        r.observation = [Reading("stock", 12.5)]
        r.facts = ["slot": "3"]
        return r
    }

    @Test func aTurnRequestComesBackAsSent() throws {
        let sent = TurnRequest(turnID: "7.1.2.9", run: "r-1", request: request(), offline: OfflineSettings(tokensPerSecond: 33.3, firstTokenDelay: 0.1))
        let got = try TurnRequest(decoding: sent.encoded())
        #expect(got.turnID == sent.turnID && got.run == "r-1")
        #expect(got.offline == sent.offline)
        #expect(got.request.agent == AgentID(1) && got.request.seed == UInt64.max - 3 && got.request.step == 7 && got.request.turn == 2)
        #expect(got.request.spec == sent.request.spec && got.request.roster == sent.request.roster)
        #expect(got.request.messages == sent.request.messages && got.request.observation == sent.request.observation)
        #expect(got.request.facts == sent.request.facts)
        // The offline model answers a decoded request exactly as the original.
        let model = OfflineModel(settings: sent.offline)
        #expect(model.makeScript(for: got.request) == model.makeScript(for: sent.request))
    }

    @Test func repliesComeBackAsSent() throws {
        let script = OfflineModel().makeScript(for: request())
        for reply in [TurnReply.script(script), .chunk(.token("a\u{1}b")), .chunk(.finished(script.usage)),
                      .chunk(.retrying(attempt: 2, reason: "x", delay: 0.5)), .failed("no model")] {
            #expect(try TurnReply(decoding: reply.encoded()) == reply)
        }
    }

    @Test func malformedMessagesSayWhatIsWrong() {
        let notJSON = #expect(throws: BrokerMessageError.self) { try TurnRequest(decoding: Array("hello".utf8)) }
        #expect(notJSON?.reason.contains("not JSON") == true)
        let missing = #expect(throws: BrokerMessageError.self) { try TurnRequest(decoding: Array("{\"turn\":\"1\"}".utf8)) }
        #expect(missing?.reason.contains("'run'") == true)
        #expect(throws: BrokerMessageError.self) { try TurnReply(decoding: Array("{\"kind\":\"weird\"}".utf8)) }
    }
}
