import Foundation

/// TLS settings for `amqps://`: the certificate authorities to trust come from PALAVER_BROKER_CA
/// (a PEM file), else the system's bundle.
enum BrokerTLS {
    static var caFile: String? {
        if let path = ProcessInfo.processInfo.environment["PALAVER_BROKER_CA"], !path.isEmpty { return path }
        let system = "/etc/ssl/certs/ca-certificates.crt"
        return FileManager.default.fileExists(atPath: system) ? system : nil
    }
}
