import Foundation
import PalaverEngine

/// Where a broker is and how to log in: `amqp://USER:PASSWORD@HOST:PORT/VHOST` or `amqps://…`.
/// A missing user or password comes from PALAVER_BROKER_USER / PALAVER_BROKER_PASSWORD, else guest.
/// Its description never shows the password (it is what logs, errors and the screen print).
public struct BrokerURL: Sendable, Equatable, CustomStringConvertible {
    public var tls: Bool
    public var host: String
    public var port: Int
    public var virtualHost: String
    public var user: String
    public var password: String
    /// Seconds between heartbeats (`?heartbeat=N`, 1 to 600): a link that goes silent is given up after about
    /// two of them, then reconnected. Shorter notices a cut link sooner.
    public var heartbeat = 10

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public init(parsing text: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(Failure) {
        let scheme: String
        if text.hasPrefix("amqp://") { scheme = "amqp" } else if text.hasPrefix("amqps://") { scheme = "amqps" } else {
            throw Failure(description: "broker URL must start with amqp:// or amqps:// (got '\(BrokerURL.redacting(text))')")
        }
        tls = scheme == "amqps"
        var rest = Substring(text.dropFirst(scheme.count + 3))
        var query = Substring("")
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        var path = Substring("")
        if let slash = rest.firstIndex(of: "/") {
            path = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
        }
        var userInfo: Substring?
        if let at = rest.lastIndex(of: "@") {
            userInfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
        }
        var hostPart = rest
        var portNumber = tls ? 5671 : 5672
        if let colon = rest.lastIndex(of: ":"), !rest.hasSuffix("]") {
            hostPart = rest[..<colon]
            guard let p = Int(rest[rest.index(after: colon)...]), (1...65535).contains(p) else {
                throw Failure(description: "broker URL has a bad port (got '\(BrokerURL.redacting(text))')")
            }
            portNumber = p
        }
        if hostPart.hasPrefix("["), hostPart.hasSuffix("]") { hostPart = hostPart.dropFirst().dropLast() }
        guard !hostPart.isEmpty else { throw Failure(description: "broker URL has no host (got '\(BrokerURL.redacting(text))')") }
        host = String(hostPart)
        port = portNumber
        let decodedPath = path.removingPercentEncoding ?? String(path)
        virtualHost = decodedPath.isEmpty ? "/" : decodedPath
        var user = environment["PALAVER_BROKER_USER"].flatMap { $0.isEmpty ? nil : $0 } ?? "guest"
        var password = environment["PALAVER_BROKER_PASSWORD"].flatMap { $0.isEmpty ? nil : $0 } ?? "guest"
        if let userInfo {
            let parts = userInfo.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            if let u = parts.first, !u.isEmpty { user = u.removingPercentEncoding ?? String(u) }
            if parts.count == 2 { password = parts[1].removingPercentEncoding ?? String(parts[1]) }
        }
        self.user = user
        self.password = password
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, parts[0] == "heartbeat" else {
                throw Failure(description: "broker URL: unknown query '\(BrokerURL.redacting(String(pair)).excerpt(40))' (known: heartbeat=SECONDS)")
            }
            guard let seconds = Int(parts[1]), (1...600).contains(seconds) else {
                throw Failure(description: "broker URL: heartbeat must be 1 to 600 seconds (got '\(String(parts[1]).excerpt(20))')")
            }
            heartbeat = seconds
        }
    }

    /// The URL without its password: safe to print.
    public var description: String {
        let vhost = virtualHost == "/" ? "" : virtualHost.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? virtualHost
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return "\(tls ? "amqps" : "amqp")://\(user)@\(shownHost):\(port)/\(vhost)"
    }

    /// A URL as typed, with any password replaced, for error messages about the URL itself.
    public static func redacting(_ text: String) -> String {
        guard let schemeEnd = text.range(of: "://") else { return text }
        let afterScheme = text[schemeEnd.upperBound...]
        let authorityEnd = afterScheme.firstIndex(of: "/") ?? afterScheme.endIndex
        let authority = afterScheme[..<authorityEnd]
        guard let at = authority.lastIndex(of: "@") else { return text }
        let userInfo = authority[..<at]
        guard let colon = userInfo.firstIndex(of: ":") else { return text }
        return String(text[..<colon]) + ":***" + String(text[at...])
    }
}
