import Foundation
import Testing
@testable import PalaverEngine
@testable import PalaverModels

/// Secrets a server echoes back — whole, in part, in errors or in the reply — never get through.
@Suite(.serialized) struct SecretRedactionTests {
    static let key = "sk-proj-Zq81LmN0pQrStUvWxYz4455"
    static let header = "org-secret-7788aa99bb"

    func provider(_ server: LoopbackChatServer) -> ChatCompletionsProvider {
        var settings = ChatCompletionsProvider.Settings(model: "fake-model", baseURL: server.baseURL, apiKey: Self.key)
        settings.extraHeaders = [("X-Org-Token", Self.header)]
        settings.maxRetries = 0
        return ChatCompletionsProvider(settings: settings)
    }

    var request: ModelRequest {
        let roster = [AgentSpec(id: "ada", name: "Ada", role: "planner")]
        return ModelRequest(agent: AgentID(0), spec: roster[0], roster: roster, scenarioTitle: "t", seed: 1, step: 1, turn: 0,
                            messages: [ChatMessage(role: .user, content: "hi")])
    }

    func collect(_ provider: ChatCompletionsProvider) async -> (text: String, error: String) {
        var text = ""
        do {
            for try await chunk in provider.stream(request) { if case .token(let t) = chunk { text += t } }
            return (text, "")
        } catch {
            return (text, "\(error)")
        }
    }

    @Test func piecesOfEightOrMoreAreRedactedAnywhere() {
        let r = SecretRedactor([Self.key, Self.header, nil, "ab"])
        #expect(r.redact("key=\(Self.key).") == "key=[redacted].")
        #expect(r.redact("prefix \(Self.key.prefix(12))…") == "prefix [redacted]…")
        #expect(r.redact("suffix …\(Self.key.suffix(9))") == "suffix …[redacted]")
        #expect(r.redact("header \(Self.header)") == "header [redacted]")
        // Seven characters of a key are not an echo; a two-letter "secret" is ignored.
        #expect(r.redact("sk-proj is the prefix; ab") == "sk-proj is the prefix; ab")
    }

    @Test func aStreamedEchoIsCaughtAcrossTokens() {
        var stream = SecretRedactor.Stream(SecretRedactor([Self.key]))
        var shown = ""
        for token in ["Your key is ", "sk-proj-Zq", "81LmN0pQ", "rStUvWxYz4455", " — keep it safe."] {
            shown += stream.feed(token)
            #expect(!shown.contains("Zq81"))
        }
        shown += stream.finish()
        #expect(shown == "Your key is [redacted] — keep it safe.")
    }

    @Test func aLongPlainErrorBodyIsRedactedBeforeItIsCut() async throws {
        let server = try LoopbackChatServer()
        defer { server.shutdown() }
        // The key straddles the 200-character cut.
        let body = String(repeating: "x", count: 190) + Self.key + String(repeating: "y", count: 100)
        server.queue(.plainError(400, body))
        let (_, error) = await collect(provider(server))
        #expect(error.contains("[redacted]"))
        #expect(!error.contains(String(Self.key.prefix(8))))
        #expect(!error.contains("sk-proj"))
    }

    @Test func echoedHeaderValuesAndKeysInRepliesAreRedacted() async throws {
        let server = try LoopbackChatServer()
        defer { server.shutdown() }
        server.queue(.jsonError(403, "token \(Self.header) is not allowed"))
        let (_, error) = await collect(provider(server))
        #expect(error.contains("token [redacted] is not allowed"))

        server.queue(.says("My key is \(Self.key) and my org \(Self.header.prefix(10)) ok"))
        let (text, _) = await collect(provider(server))
        #expect(text == "My key is [redacted] and my org [redacted] ok")
    }

    @Test func aKeyEchoedByTheModelNeverReachesTheSession() async throws {
        let server = try LoopbackChatServer()
        defer { server.shutdown() }
        server.reply = "Sure: \(Self.key)"
        var catalog = ModelCatalog()
        var options = NetworkModels.Options(baseURL: server.baseURL)
        options.environment = ["OPENAI_API_KEY": Self.key]
        NetworkModels.register(into: &catalog, options: options)
        let path = NSTemporaryDirectory() + "palaver-echo-\(getpid()).jsonl"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let run = try SessionRun(scenario: .builtIn, options: .init(maxSteps: 2, speed: .fastest, model: "openai:fake-model",
                                                                    recordPath: path, catalog: catalog))
        await run.runDetached()
        let file = try String(contentsOfFile: path, encoding: .utf8)
        #expect(file.contains("Sure: [redacted]"))
        #expect(!file.contains(String(Self.key.suffix(8))))
    }
}
