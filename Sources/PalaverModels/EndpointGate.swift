/// One endpoint's traffic control: limits the requests in flight to it, and
/// remembers whether it has answered, so that a server that is not running
/// is found out with a quick connect instead of a whole request deadline.
public actor EndpointGate {
    public private(set) var limit: Int
    private var inFlight = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []
    /// True once the server has answered; reset by a connection failure.
    private var answered = false
    private var probe: Task<ModelError?, Never>?

    public init(limit: Int) { self.limit = max(1, limit) }

    public func acquire() async throws {
        if inFlight < limit { inFlight += 1; return }
        await withCheckedContinuation { waiting.append($0) }
        try Task.checkCancellation()
    }

    public func release() {
        inFlight -= 1
        while inFlight < limit, !waiting.isEmpty {
            inFlight += 1
            waiting.removeFirst().resume()
        }
    }

    /// A reply was cut off while others were in flight: some local servers
    /// (llama-cpp-python by default) abandon a streaming reply when another
    /// request arrives. Halves the limit to what was in flight; returns the new
    /// limit when it was lowered, nil when one request alone was cut off.
    public func lowerLimitAfterCutOff() -> Int? {
        guard inFlight > 1 else { return nil }
        let lowered = max(1, min(limit, inFlight) / 2)
        guard lowered < limit else { return nil }
        limit = lowered
        return lowered
    }

    /// Throws at once when nothing listens at `baseURL`, unless the server has
    /// answered since the last connection failure. Callers arriving while a
    /// check runs share it.
    public func checkReachable(_ baseURL: String) async throws {
        guard !answered else { return }
        let check: Task<ModelError?, Never>
        if let probe {
            check = probe
        } else {
            check = Task { await EndpointProbe.refusal(at: baseURL) }
            probe = check
        }
        let refusal = await check.value
        probe = nil
        if let refusal { throw refusal }
    }

    public func noteAnswered() { answered = true }
    public func noteConnectionFailed() { answered = false }
}
