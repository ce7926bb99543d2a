import Foundation

/// A policy named on the command line or in a scenario: `base-stock:LEVEL`,
/// `sterman` (optionally `sterman:alpha=0.3,beta=0.5,theta=0.4,stock=20`),
/// `llm` (the agent's model decides), or `learned:PATH`.
public enum BeerPolicySpec: Hashable, Sendable, CustomStringConvertible {
    case baseStock(Int)
    case sterman(StermanPolicy.Parameters)
    case llm
    case learned(path: String)

    public struct Failure: Error, CustomStringConvertible {
        public let reason: String
        public var description: String { reason }
    }

    public static let forms = "base-stock:LEVEL, sterman, llm or learned:PATH"

    public init(parsing text: String) throws(Failure) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let (head, rest): (String, String?) = {
            guard let colon = trimmed.firstIndex(of: ":") else { return (trimmed, nil) }
            return (String(trimmed[..<colon]), String(trimmed[trimmed.index(after: colon)...]))
        }()
        switch head.lowercased() {
        case "base-stock", "basestock":
            guard let rest, let level = Int(rest), level >= 0 else {
                throw Failure(reason: "'\(text)': base-stock needs a level, e.g. base-stock:28")
            }
            self = .baseStock(level)
        case "sterman":
            var p = StermanPolicy.Parameters()
            for pair in (rest ?? "").split(separator: ",") where !pair.isEmpty {
                let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard parts.count == 2, let value = Double(parts[1]) else {
                    throw Failure(reason: "'\(text)': expected name=value in '\(pair)'")
                }
                switch parts[0] {
                case "alpha": p.alpha = value
                case "beta": p.beta = value
                case "theta": p.theta = value
                case "stock": p.desiredStock = value
                default: throw Failure(reason: "'\(text)': unknown Sterman parameter '\(parts[0])' (alpha, beta, theta, stock)")
                }
            }
            self = .sterman(p)
        case "llm":
            self = .llm
        case "learned":
            guard let rest, !rest.isEmpty else { throw Failure(reason: "'\(text)': learned needs a file, e.g. learned:policies/team.json") }
            self = .learned(path: rest)
        default:
            throw Failure(reason: "'\(text)' is not a policy; use \(Self.forms)")
        }
    }

    public var description: String {
        switch self {
        case .baseStock(let level): return "base-stock:\(level)"
        case .sterman(let p) where p == StermanPolicy.Parameters(): return "sterman"
        case .sterman(let p): return "sterman:alpha=\(p.alpha),beta=\(p.beta),theta=\(p.theta),stock=\(p.desiredStock)"
        case .llm: return "llm"
        case .learned(let path): return "learned:\(path)"
        }
    }

    /// `AGENT=SPEC`: who (lowercased, unchecked) and the parsed spec.
    public static func split(_ text: String) throws(Failure) -> (who: String, spec: BeerPolicySpec) {
        guard let eq = text.firstIndex(of: "=") else {
            throw Failure(reason: "'\(text)': expected AGENT=SPEC, e.g. retailer=base-stock:28 or all=sterman")
        }
        return (text[..<eq].lowercased(), try BeerPolicySpec(parsing: String(text[text.index(after: eq)...])))
    }

    /// `AGENT=SPEC` where AGENT is a stage name or `all`: the stages it names and the spec.
    public static func assignment(_ text: String) throws(Failure) -> (stages: [Int], spec: BeerPolicySpec) {
        let (who, spec) = try split(text)
        if who == "all" { return (Array(0..<4), spec) }
        guard let stage = BeerGameSettings.stages.firstIndex(of: who) else {
            throw Failure(reason: "'\(text)': '\(who)' is not a stage (retailer, wholesaler, distributor, factory or all)")
        }
        return ([stage], spec)
    }
}
