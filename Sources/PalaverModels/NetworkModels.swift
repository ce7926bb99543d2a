import AsyncHTTPClient
import Foundation
import NIOCore
import PalaverEngine

/// Registers the HTTP providers with a model catalog: `openai:MODEL` and
/// `ollama:MODEL` (any Chat Completions server), with base URLs and keys
/// taken from flags, the scenario and the environment, in that order.
public enum NetworkModels {
    public struct Options: Sendable {
        /// `--base-url`: overrides every agent's server.
        public var baseURL: String?
        /// Requests in flight per endpoint.
        public var maxInFlight = 64
        /// `--call-timeout`: the longest a whole call may take.
        public var callTimeout = ChatCompletionsProvider.defaultCallTimeout
        public var environment: [String: String] = ProcessInfo.processInfo.environment
        public init(baseURL: String? = nil, maxInFlight: Int = 64) {
            self.baseURL = baseURL
            self.maxInFlight = maxInFlight
        }
    }

    public static let openAIDefaultBaseURL = "https://api.openai.com/v1"
    public static let ollamaDefaultBaseURL = "http://localhost:11434/v1"

    /// The server for a provider family, as `palaver models` and the run would use it.
    public static func baseURL(for provider: String, agent: AgentSpec? = nil, options: Options) -> String {
        if let url = agent?.endpoint.baseURL { return url }
        if let url = options.baseURL { return url }
        if provider == "ollama" {
            guard var host = options.environment["OLLAMA_HOST"], !host.isEmpty else { return ollamaDefaultBaseURL }
            if !host.hasPrefix("http://") && !host.hasPrefix("https://") { host = "http://" + host }
            return host.trimmingSlash.hasSuffix("/v1") ? host.trimmingSlash : host.trimmingSlash + "/v1"
        }
        return options.environment["OPENAI_BASE_URL"].flatMap { $0.isEmpty ? nil : $0 } ?? openAIDefaultBaseURL
    }

    /// One client for the process, allowed as many connections per server as
    /// requests may be in flight (the library's default of 8 would queue the rest).
    static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 1024)
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    public static func register(into catalog: inout ModelCatalog, options: Options) {
        let gates = GateRegistry(limit: options.maxInFlight)
        for family in ["openai", "ollama"] {
            catalog.register(family) { name, agent in
                let base = baseURL(for: family, agent: agent, options: options)
                var key: String?
                let variable = agent.endpoint.apiKeyVariable ?? (family == "openai" ? "OPENAI_API_KEY" : nil)
                if let variable {
                    key = options.environment[variable].flatMap { $0.isEmpty ? nil : $0 }
                    if key == nil && (family == "openai" || agent.endpoint.apiKeyVariable != nil) {
                        throw ModelCatalog.Failure(spec: "\(family):\(name)", reason: "no API key: set \(variable) in the environment")
                    }
                }
                var settings = ChatCompletionsProvider.Settings(model: name, baseURL: base, apiKey: key)
                settings.temperature = agent.endpoint.temperature
                settings.maxTokens = agent.endpoint.maxTokens
                settings.callTimeout = options.callTimeout
                settings.extraHeaders = agent.endpoint.headers.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
                return ChatCompletionsProvider(settings: settings, client: client, gate: gates.gate(for: base))
            }
        }
    }

    /// Why one of these providers' servers cannot be reached (nothing listens, no such host), checked
    /// with a bare connect per distinct server; nil when each one accepted a connection or could not be judged.
    public static func unreachableEndpoint(among providers: [any ModelProvider]) -> String? {
        var seen: Set<String> = []
        for case let provider as ChatCompletionsProvider in providers where seen.insert(provider.settings.baseURL).inserted {
            if let refusal = EndpointProbe.refusalNow(at: provider.settings.baseURL) { return refusal.description }
        }
        return nil
    }

    /// The model names a server offers (`GET /models`): a quick connectivity check. A server
    /// that is not running is found out with a bare connect first (the client would retry until its deadline).
    public static func listModels(baseURL: String, apiKey: String?, timeout: Double = 10) async throws -> [String] {
        if let refusal = await EndpointProbe.refusal(at: baseURL) { throw refusal }
        var request = HTTPClientRequest(url: baseURL.trimmingSlash + "/models")
        request.headers.add(name: "User-Agent", value: ChatCompletionsProvider.userAgent)
        if let apiKey { request.headers.add(name: "Authorization", value: "Bearer \(apiKey)") }
        let response: HTTPClientResponse
        do {
            response = try await HTTPClient.shared.execute(request, timeout: .milliseconds(Int64(timeout * 1000)))
        } catch {
            throw ChatCompletionsProvider.describe(error, redactor: SecretRedactor([apiKey]))
        }
        let body = String(buffer: try await response.body.collect(upTo: 4 * 1024 * 1024))
        guard response.status == .ok else {
            let message = ChatCompletionsProvider.errorMessage(in: body) ?? response.status.reasonPhrase
            throw ModelError.http(status: Int(response.status.code), message: SecretRedactor([apiKey]).redact(message))
        }
        guard let object = (try? JSONParser.parse(body))?.object, let data = object["data"]?.array ?? object["models"]?.array else {
            throw ModelError.malformed("the server's model list is not the expected JSON")
        }
        return data.compactMap { $0.object?["id"]?.string ?? $0.object?["name"]?.string }.sorted()
    }
}

/// One gate per endpoint, shared by every agent that calls it.
final class GateRegistry: @unchecked Sendable {
    private let lock = NSLock()
    private var gates: [String: EndpointGate] = [:]
    private let limit: Int
    init(limit: Int) { self.limit = limit }
    func gate(for base: String) -> EndpointGate {
        lock.withLock {
            if let g = gates[base] { return g }
            let g = EndpointGate(limit: limit)
            gates[base] = g
            return g
        }
    }
}
