import Foundation

/// A policy named on the command line or in a scenario: `base-stock:LEVEL`,
/// `sterman` (optionally `sterman:theta=0,alpha=1,beta=1,stock=28`, or one
/// value per stage, downstream first: `stock=28/28/28/20`), `llm` (the agent's
/// model decides), or `learned:PATH`. Every number is checked here, once.
public enum BeerPolicySpec: Hashable, Sendable, CustomStringConvertible {
    case baseStock(Int)
    case sterman(StermanPolicy.Parameters)
    /// Sterman's rule with its own parameters for each of the four stages.
    case stermanByStage([StermanPolicy.Parameters])
    case llm
    case learned(path: String)

    public struct Failure: Error, CustomStringConvertible {
        public let reason: String
        public var description: String { reason }
    }

    public static let forms = "base-stock:LEVEL, sterman[:theta=…,alpha=…,beta=…,stock=…], llm or learned:PATH"
    public static let levelRange = 0...BeerGame.maximumOrder

    public init(parsing text: String) throws(Failure) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let (head, rest): (String, String?) = {
            guard let colon = trimmed.firstIndex(of: ":") else { return (trimmed, nil) }
            return (String(trimmed[..<colon]), String(trimmed[trimmed.index(after: colon)...]))
        }()
        let shown = Self.excerpt(text)
        switch head.lowercased() {
        case "base-stock", "basestock":
            guard let rest else { throw Failure(reason: "'\(shown)': base-stock needs a level, e.g. base-stock:28") }
            guard let level = CheckedNumber.int(rest.trimmingCharacters(in: .whitespaces), in: Self.levelRange) else {
                throw Failure(reason: "'\(shown)': the base-stock level must be a whole number from 0 to \(BeerGame.maximumOrder)")
            }
            self = .baseStock(level)
        case "sterman":
            self = try Self.sterman(rest ?? "", text: shown)
        case "llm":
            self = .llm
        case "learned":
            guard let rest, !rest.isEmpty else { throw Failure(reason: "'\(shown)': learned needs a file, e.g. learned:policies/team.json") }
            self = .learned(path: rest)
        default:
            throw Failure(reason: "'\(shown)' is not a policy; use \(Self.forms)")
        }
    }

    /// `name=value` pairs; a value may be `a/b/c/d`, one per stage.
    private static func sterman(_ list: String, text: String) throws(Failure) -> BeerPolicySpec {
        var stages = Array(repeating: StermanPolicy.Parameters(), count: 4)
        var perStage = false
        for pair in list.split(separator: ",") where !pair.trimmingCharacters(in: .whitespaces).isEmpty {
            let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2 else { throw Failure(reason: "'\(text)': expected name=value in '\(excerpt(String(pair)))'") }
            let field: WritableKeyPath<StermanPolicy.Parameters, Double>, range: ClosedRange<Double>
            switch parts[0].lowercased() {
            case "alpha", "α": (field, range) = (\.alpha, StermanPolicy.Parameters.alphaRange)
            case "beta", "β": (field, range) = (\.beta, StermanPolicy.Parameters.betaRange)
            case "theta", "θ": (field, range) = (\.theta, StermanPolicy.Parameters.thetaRange)
            case "stock", "s'", "s′": (field, range) = (\.desiredStock, StermanPolicy.Parameters.stockRange)
            default:
                throw Failure(reason: "'\(text)': unknown Sterman parameter '\(excerpt(parts[0]))' (theta, alpha, beta, stock — S′)")
            }
            let values = parts[1].split(separator: "/", omittingEmptySubsequences: false)
            guard values.count == 1 || values.count == 4 else {
                throw Failure(reason: "'\(text)': \(parts[0]) takes one value or four (retailer/wholesaler/distributor/factory)")
            }
            for (i, item) in values.enumerated() {
                guard let number = Double(item.trimmingCharacters(in: .whitespaces)),
                      let value = CheckedNumber.double(number, in: range) else {
                    throw Failure(reason: "'\(text)': \(parts[0]) must be a number from \(format(range.lowerBound)) to \(format(range.upperBound)) (got '\(excerpt(String(item)))')")
                }
                if values.count == 1 {
                    for s in 0..<4 { stages[s][keyPath: field] = value }
                } else {
                    stages[i][keyPath: field] = value
                    perStage = true
                }
            }
        }
        return perStage ? .stermanByStage(stages) : .sterman(stages[0])
    }

    private static func format(_ x: Double) -> String { x == x.rounded() ? String(Int(x)) : String(x) }

    /// Untrusted text shown in an error: control characters out, at most 60 characters.
    static func excerpt(_ text: String) -> String {
        let clean = String(String.UnicodeScalarView(text.unicodeScalars.map {
            $0.properties.generalCategory == .control || $0.properties.generalCategory == .format ? "?" : $0
        }))
        return clean.count > 60 ? String(clean.prefix(59)) + "…" : clean
    }

    public var description: String {
        func params(_ p: StermanPolicy.Parameters) -> String {
            "theta=\(Self.format(p.theta)),alpha=\(Self.format(p.alpha)),beta=\(Self.format(p.beta)),stock=\(Self.format(p.desiredStock))"
        }
        switch self {
        case .baseStock(let level): return "base-stock:\(level)"
        case .sterman(let p) where p == StermanPolicy.Parameters(): return "sterman"
        case .sterman(let p): return "sterman:" + params(p)
        case .stermanByStage(let ps):
            func list(_ f: (StermanPolicy.Parameters) -> Double) -> String {
                let v = ps.map(f)
                return v.allSatisfy({ $0 == v[0] }) ? Self.format(v[0]) : v.map(Self.format).joined(separator: "/")
            }
            return "sterman:theta=\(list(\.theta)),alpha=\(list(\.alpha)),beta=\(list(\.beta)),stock=\(list(\.desiredStock))"
        case .llm: return "llm"
        case .learned(let path): return "learned:\(path)"
        }
    }

    /// What one stage plays: a per-stage Sterman spec becomes that stage's parameters.
    public func forStage(_ stage: Int) -> BeerPolicySpec {
        guard case .stermanByStage(let ps) = self else { return self }
        return .sterman(ps[min(max(stage, 0), ps.count - 1)])
    }

    /// `AGENT=SPEC`: who (lowercased, unchecked) and the parsed spec.
    public static func split(_ text: String) throws(Failure) -> (who: String, spec: BeerPolicySpec) {
        guard let eq = text.firstIndex(of: "=") else {
            throw Failure(reason: "'\(excerpt(text))': expected AGENT=SPEC, e.g. retailer=base-stock:28 or all=sterman")
        }
        return (text[..<eq].lowercased(), try BeerPolicySpec(parsing: String(text[text.index(after: eq)...])))
    }

    /// `AGENT=SPEC` where AGENT is a stage name or `all`: the stages it names and the spec.
    public static func assignment(_ text: String) throws(Failure) -> (stages: [Int], spec: BeerPolicySpec) {
        let (who, spec) = try split(text)
        if who == "all" { return (Array(0..<4), spec) }
        guard let stage = BeerGameSettings.stages.firstIndex(of: who) else {
            throw Failure(reason: "'\(excerpt(text))': '\(excerpt(who))' is not a stage (retailer, wholesaler, distributor, factory or all)")
        }
        return ([stage], spec)
    }
}
