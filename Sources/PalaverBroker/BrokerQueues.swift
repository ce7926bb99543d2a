#if Broker
/// Declarations every process makes the same way (the broker refuses a queue
/// redeclared with other arguments).
enum BrokerQueues {
    static let deadLettering: [(String, AMQPValue)] = [("x-dead-letter-exchange", .string(BrokerNames.deadLetterExchange))]
    /// A run's private queues expire a day after their last use, so finished runs leave nothing behind.
    static let runQueue: [(String, AMQPValue)] = deadLettering + [("x-expires", .int(86_400_000))]

    static func declareShared(on connection: AMQPConnection) throws(AMQPFailure) {
        try connection.declareExchange(BrokerNames.deadLetterExchange, type: "fanout")
        try connection.declareQueue(BrokerNames.deadLetters)
        try connection.bind(queue: BrokerNames.deadLetters, exchange: BrokerNames.deadLetterExchange, routingKey: "")
        try connection.declareQueue(BrokerNames.turns, arguments: deadLettering)
    }
}
#endif
