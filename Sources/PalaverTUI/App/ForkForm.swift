import PalaverEngine

/// What a fork from the workbench should change, as `palaver fork --model --steps` would.
public struct ForkRequest: Equatable, Sendable {
    /// The model spec as typed (`offline`, `openai:gpt-4o-mini`, `maya=ollama:llama3`, or several); nil keeps the recorded models.
    public var model: String?
    /// Steps to run past the fork point; nil runs to the recording's own limit.
    public var moreSteps: Int?

    public init(model: String? = nil, moreSteps: Int? = nil) {
        self.model = model
        self.moreSteps = moreSteps
    }
}

/// The two-field form `f` opens over a recording: models, then more steps.
/// Tab moves between the fields; Enter checks both and forks, or says what is wrong.
public struct ForkForm: Equatable, Sendable {
    public enum Field: Sendable { case model, steps }

    public var model = ""
    public var steps = ""
    public var field: Field = .model
    /// What is wrong, once the user has tried to go on; checked again as they type.
    public var error: String?

    public init() {}

    /// Most steps a fork may add (the limit on every run's steps).
    public static let stepLimit = Scenario.stepLimit

    /// The request the fields describe, or the first thing wrong with them.
    public func request(agents: [AgentSpec]) -> Result<ForkRequest, ModelChoice.Failure> {
        var request = ForkRequest()
        let model = self.model.trimmingWhitespace
        if !model.isEmpty {
            do { _ = try ModelChoice.parse(model, agents: agents) } catch { return .failure(error) }
            request.model = model
        }
        let steps = self.steps.trimmingWhitespace
        if !steps.isEmpty {
            guard let n = moreSteps else {
                return .failure(ModelChoice.Failure(reason: "steps: a whole number from 1 to \(Self.stepLimit) (got '\(steps)')"))
            }
            request.moreSteps = n
        }
        return .success(request)
    }

    /// The steps typed, when they are a valid count (`20` or `+20`).
    public var moreSteps: Int? {
        let steps = self.steps.trimmingWhitespace
        return CheckedNumber.int(steps.hasPrefix("+") ? String(steps.dropFirst()) : steps, in: 1...Self.stepLimit)
    }
}
