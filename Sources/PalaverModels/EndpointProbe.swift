import Foundation
import NIOCore
import NIOPosix

/// A bare TCP connect to a server's host and port. AsyncHTTPClient keeps
/// retrying a refused connection until the request's deadline runs out
/// (swift-server/async-http-client#743), so Palaver checks first.
enum EndpointProbe {
    /// Why nothing can be reached at `baseURL`, or nil when a connection opened
    /// (or the check could not decide, in which case the request itself finds out).
    static func refusal(at baseURL: String, timeout: Double = 2) async -> ModelError? {
        guard let (host, port) = address(of: baseURL) else { return nil }
        do {
            let channel = try await bootstrap(timeout).connect(host: host, port: port).get()
            try? await channel.close()
            return nil
        } catch {
            return meaning(of: error, at: baseURL)
        }
    }

    /// The same check for callers outside async code (the command line, before a run starts).
    static func refusalNow(at baseURL: String, timeout: Double = 2) -> ModelError? {
        guard let (host, port) = address(of: baseURL) else { return nil }
        do {
            let channel = try bootstrap(timeout).connect(host: host, port: port).wait()
            try? channel.close().wait()
            return nil
        } catch {
            return meaning(of: error, at: baseURL)
        }
    }

    private static func address(of baseURL: String) -> (String, Int)? {
        guard let url = URL(string: baseURL), let host = url.host, !host.isEmpty else { return nil }
        return (host, url.port ?? (url.scheme == "https" ? 443 : 80))
    }

    private static func bootstrap(_ timeout: Double) -> ClientBootstrap {
        ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connectTimeout(.milliseconds(Int64(timeout * 1000)))
    }

    private static func meaning(of error: any Error, at baseURL: String) -> ModelError? {
        let text = "\(error)"
        if text.contains("refused") || text.contains("errno: 111") {
            return .connection("nothing is listening at \(baseURL) (connection refused)")
        }
        if text.contains("Name or service not known") || text.contains("nodename nor servname") || text.contains("NXDOMAIN") {
            return .connection("cannot find the server \(baseURL)")
        }
        return nil
    }
}
