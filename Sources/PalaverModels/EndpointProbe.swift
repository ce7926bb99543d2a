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
        guard let url = URL(string: baseURL), let host = url.host, !host.isEmpty else { return nil }
        let port = url.port ?? (url.scheme == "https" ? 443 : 80)
        let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.milliseconds(Int64(timeout * 1000)))
        do {
            let channel = try await bootstrap.connect(host: host, port: port).get()
            try? await channel.close()
            return nil
        } catch {
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
}
