import PalaverEngine

/// A line in the broker's list of runs: a run started or finished.
public struct RunRecord: Sendable, Equatable {
    public var run: String
    public var scenario: String
    public var state: String
    public var time: String

    public static let messageType = "palaver.run.v1"

    public init(run: String, scenario: String, state: String, time: String) {
        self.run = run
        self.scenario = scenario
        self.state = state
        self.time = time
    }

    public func encoded() -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        w.key("run"); w.string(run)
        w.key("scenario"); w.string(scenario)
        w.key("state"); w.string(state)
        w.key("time"); w.string(time)
        w.endObject()
        return w.bytes
    }

    public init(decoding bytes: [UInt8]) throws(BrokerMessageError) {
        guard let value = try? bytes.withUnsafeBufferPointer({ try JSONParser.parse($0) }), let o = value.object,
              let run = o["run"]?.string, let state = o["state"]?.string else {
            throw BrokerMessageError(reason: "not a run record")
        }
        self.run = run
        self.state = state
        scenario = o["scenario"]?.string ?? ""
        time = o["time"]?.string ?? ""
    }
}
