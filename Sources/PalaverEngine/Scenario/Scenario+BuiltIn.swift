extension Scenario {
    /// The name of the scenario that runs when none is named.
    public static let defaultName = "ship-it"

    /// A four-person product team deciding whether to ship on Friday: small,
    /// quick to follow, and with enough disagreement to be worth watching.
    public static let builtIn = Scenario(
        name: defaultName,
        title: "Ship the new onboarding flow this Friday?",
        description: "A product team argues over a Friday release. Built in; runs when no scenario is named.",
        turnRule: .roundRobin,
        maxSteps: 40,
        seed: 42,
        agents: [
            AgentSpec(id: "maya", name: "Maya", role: "product lead",
                      persona: "Activation is flat and the new flow lifts sign-ups by eleven percent in tests. Every week we wait costs us users we never get back. I would rather ship behind a flag than ship nothing.",
                      color: 0),
            AgentSpec(id: "ravi", name: "Ravi", role: "backend engineer",
                      persona: "The migration has not been run against production-sized data yet. Two of the error paths have no tests. I can be ready by Tuesday with a rollback plan I trust.",
                      color: 1),
            AgentSpec(id: "lena", name: "Lena", role: "designer",
                      persona: "Users in the last study got stuck on the permissions screen. The copy is still placeholder in three places. A rushed first impression is worse than a late one.",
                      color: 2),
            AgentSpec(id: "otto", name: "Otto", role: "support lead",
                      persona: "Friday releases land on my team all weekend. We need a help article and a canned reply before anything ships. If it ships Friday, I want an engineer on call.",
                      color: 3),
        ],
        opening: [
            Opening(from: .system, to: .all,
                    text: "Decision needed by end of day: does the new onboarding flow ship this Friday? Give your view and respond to each other."),
        ]
    )
}
