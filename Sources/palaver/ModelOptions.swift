import ArgumentParser
import Foundation
import PalaverEngine
import PalaverModels

/// Flags that choose and reach real models, shared by run and fork.
struct ModelOptions: ParsableArguments {
    @Option(help: "Model for every agent: offline, openai:MODEL or ollama:MODEL (overrides the scenario). A fork also takes models per agent: 'offline maya=ollama:llama3'.")
    var model: String?

    @Option(help: "Server for openai:/ollama: models (else OPENAI_BASE_URL / OLLAMA_HOST, else the provider's own).")
    var baseURL: String?

    @Option(help: "Requests in flight per endpoint at most.")
    var maxInFlight = 64

    @Option(help: "Seconds a model call may take in all, retries included, before the turn fails.")
    var callTimeout: Double = ChatCompletionsProvider.defaultCallTimeout

    @Option(help: "With replay:PATH models, what answers once the recording runs out (e.g. offline or ollama:MODEL).")
    var fallback: String?

    func validate() throws {
        if maxInFlight < 1 { throw ValidationError("--max-in-flight must be at least 1 (got \(maxInFlight))") }
        if !(callTimeout >= 1 && callTimeout <= 86_400) { throw ValidationError("--call-timeout must be 1 to 86400 seconds (got \(callTimeout))") }
        if let baseURL, !(baseURL.hasPrefix("http://") || baseURL.hasPrefix("https://")) {
            throw ValidationError("--base-url must start with http:// or https:// (got \(baseURL))")
        }
    }

    /// The catalog with every provider this build has.
    var catalog: ModelCatalog {
        var catalog = ModelCatalog()
        var options = NetworkModels.Options(baseURL: baseURL, maxInFlight: maxInFlight)
        options.callTimeout = callTimeout
        NetworkModels.register(into: &catalog, options: options)
        let base = catalog
        let fallback = self.fallback
        let recordings = RecordingCache()
        catalog.register("replay") { path, agent in
            var fallbackProvider: (any ModelProvider)?
            if let fallback {
                var spec = agent
                spec.model = fallback
                fallbackProvider = try base.provider(for: spec)
            }
            do {
                return RecordedModel(replies: try recordings.replies(at: path), fallback: fallbackProvider)
            } catch {
                throw ModelCatalog.Failure(spec: "replay:\(path)", reason: "\(error)")
            }
        }
        return catalog
    }
}

/// Each recording named by `replay:PATH` is read once, however many agents replay it.
final class RecordingCache: @unchecked Sendable {
    private let lock = NSLock()
    private var loaded: [String: RecordedReplies] = [:]

    func replies(at path: String) throws -> RecordedReplies {
        try lock.withLock {
            if let replies = loaded[path] { return replies }
            let replies = try RecordedReplies(path: path)
            loaded[path] = replies
            return replies
        }
    }
}

struct ModelsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "List the models a server offers: a quick check that Palaver can reach it.",
        discussion: "PROVIDER is openai or ollama. The key (OPENAI_API_KEY for openai) comes from the environment only."
    )

    @Argument(help: "openai or ollama.")
    var provider: String

    @Option(help: "The server's base URL (else OPENAI_BASE_URL / OLLAMA_HOST, else the provider's own).")
    var baseURL: String?

    func validate() throws {
        guard ["openai", "ollama"].contains(provider) else { throw ValidationError("unknown provider '\(provider)' (use openai or ollama)") }
    }

    func run() async throws {
        let options = NetworkModels.Options(baseURL: baseURL)
        let base = NetworkModels.baseURL(for: provider, options: options)
        let key = provider == "openai" ? options.environment["OPENAI_API_KEY"].flatMap { $0.isEmpty ? nil : $0 } : nil
        if provider == "openai" && key == nil && base == NetworkModels.openAIDefaultBaseURL {
            throw BadInput("no API key: set OPENAI_API_KEY in the environment")
        }
        do {
            let models = try await NetworkModels.listModels(baseURL: base, apiKey: key)
            print("\(models.count) model\(models.count == 1 ? "" : "s") at \(base):")
            for model in models { print("  \(provider):\(model)") }
        } catch {
            throw BadInput("\(base): \(error)")
        }
    }
}
