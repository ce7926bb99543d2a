/// Whether this build can talk to a broker, and what to say when it cannot.
public enum BrokerSupport {
    #if Broker
    public static let available = true
    #else
    public static let available = false
    #endif

    public struct Missing: Error, CustomStringConvertible {
        public let description = "this build has no broker support: apt-get install librabbitmq-dev, then build with 'swift build --traits Broker'"
    }

    public static let missing = Missing()
}
