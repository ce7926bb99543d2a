#if Broker
import CRabbitMQ
#if canImport(Glibc)
import Glibc
#endif

/// A value in an AMQP argument or header table.
enum AMQPValue: Equatable {
    case string(String)
    case int(Int64)
}

/// What arrived on a consumer: the body and the few properties Palaver reads.
struct AMQPDelivery {
    var deliveryTag: UInt64
    var redelivered: Bool
    var routingKey: String
    var body: [UInt8]
    var type: String?
    var correlationID: String?
    var replyTo: String?
    var headers: [String: AMQPValue]
}

/// What a publish carries besides its body.
struct AMQPMessageProperties {
    var type: String?
    var correlationID: String?
    var replyTo: String?
    var persistent = true
    var headers: [(String, AMQPValue)] = []
}

struct AMQPFailure: Error, CustomStringConvertible {
    let description: String
}

/// One connection to a broker with one channel. rabbitmq-c is not thread-safe
/// and blocks, so a connection belongs to the one thread that made it.
final class AMQPConnection {
    private let state: amqp_connection_state_t
    private let channel: amqp_channel_t = 1
    private var open = false
    /// Publisher confirms: the sequence number of the last publish, and the highest confirmed.
    private(set) var lastPublished: UInt64 = 0
    private(set) var confirmed: UInt64 = 0
    private(set) var nacked: [UInt64] = []

    /// Connects and logs in; the error names the broker (never the password) and what failed.
    init(url: BrokerURL, connectTimeout: Double = 5) throws(AMQPFailure) {
        guard let state = amqp_new_connection() else { throw AMQPFailure(description: "out of memory") }
        self.state = state
        let socket: OpaquePointer?
        if url.tls {
            socket = amqp_ssl_socket_new(state)
            if let socket {
                amqp_ssl_socket_set_verify_peer(socket, 1)
                amqp_ssl_socket_set_verify_hostname(socket, 1)
                if let ca = BrokerTLS.caFile { _ = amqp_ssl_socket_set_cacert(socket, ca) }
            }
        } else {
            socket = amqp_tcp_socket_new(state)
        }
        guard let socket else {
            amqp_destroy_connection(state)
            throw AMQPFailure(description: "cannot make a socket")
        }
        var timeout = timeval(seconds: connectTimeout)
        let status = amqp_socket_open_noblock(socket, url.host, Int32(url.port), &timeout)
        guard status == AMQP_STATUS_OK.rawValue else {
            amqp_destroy_connection(state)
            throw AMQPFailure(description: "cannot reach \(url): \(String(cString: amqp_error_string2(status)))")
        }
        var rpcTimeout = timeval(seconds: 10)
        amqp_set_rpc_timeout(state, &rpcTimeout)
        let login = palaver_amqp_login_plain(state, url.virtualHost, 131072, Int32(url.heartbeat), url.user, url.password)
        guard login.reply_type == AMQP_RESPONSE_NORMAL else {
            let reason = AMQPConnection.describe(login)
            amqp_destroy_connection(state)
            throw AMQPFailure(description: "\(url): login failed: \(reason)")
        }
        open = true
        amqp_channel_open(state, channel)
        try check("open a channel")
    }

    deinit { close() }

    func close() {
        guard open else { return }
        open = false
        amqp_channel_close(state, channel, Int32(AMQP_REPLY_SUCCESS))
        amqp_connection_close(state, Int32(AMQP_REPLY_SUCCESS))
        amqp_destroy_connection(state)
    }

    /// The socket, for waiting on it together with a wake-up pipe.
    var socket: Int32 { amqp_get_sockfd(state) }
    /// True when frames are already read and waiting: don't block on the socket then.
    var hasBufferedInput: Bool { amqp_frames_enqueued(state) != 0 || amqp_data_in_buffer(state) != 0 }

    private func check(_ what: String) throws(AMQPFailure) {
        let reply = amqp_get_rpc_reply(state)
        guard reply.reply_type == AMQP_RESPONSE_NORMAL else {
            throw AMQPFailure(description: "\(what): \(AMQPConnection.describe(reply))")
        }
    }

    static func describe(_ reply: amqp_rpc_reply_t) -> String {
        switch reply.reply_type {
        case AMQP_RESPONSE_LIBRARY_EXCEPTION:
            return String(cString: amqp_error_string2(reply.library_error))
        case AMQP_RESPONSE_SERVER_EXCEPTION:
            if reply.reply.id == AMQP_CHANNEL_CLOSE_METHOD || reply.reply.id == AMQP_CONNECTION_CLOSE_METHOD,
               let decoded = reply.reply.decoded {
                // Both close methods start with the reply code and text.
                let close = decoded.assumingMemoryBound(to: amqp_channel_close_t.self).pointee
                return "the broker said \(close.reply_code): \(String(bytes: close.reply_text))"
            }
            return "the broker refused (method \(reply.reply.id))"
        default:
            return "no reply"
        }
    }

    // MARK: Declarations

    func declareQueue(_ name: String, durable: Bool = true, arguments: [(String, AMQPValue)] = []) throws(AMQPFailure) {
        try withTable(arguments) { table in
            name.withAMQPBytes { queue in
                _ = amqp_queue_declare(state, channel, queue, 0, durable ? 1 : 0, 0, 0, table)
            }
        }
        try check("declare queue \(name)")
    }

    func declareExchange(_ name: String, type: String) throws(AMQPFailure) {
        name.withAMQPBytes { exchange in
            type.withAMQPBytes { kind in
                _ = amqp_exchange_declare(state, channel, exchange, kind, 0, 1, 0, 0, amqp_empty_table)
            }
        }
        try check("declare exchange \(name)")
    }

    func bind(queue: String, exchange: String, routingKey: String) throws(AMQPFailure) {
        queue.withAMQPBytes { q in
            exchange.withAMQPBytes { e in
                routingKey.withAMQPBytes { k in
                    _ = amqp_queue_bind(state, channel, q, e, k, amqp_empty_table)
                }
            }
        }
        try check("bind \(queue) to \(exchange)")
    }

    func queueDepth(_ name: String) throws(AMQPFailure) -> (messages: Int, consumers: Int) {
        var result: (Int, Int) = (0, 0)
        name.withAMQPBytes { queue in
            if let ok = amqp_queue_declare(state, channel, queue, 1, 0, 0, 0, amqp_empty_table) {
                result = (Int(ok.pointee.message_count), Int(ok.pointee.consumer_count))
            }
        }
        try check("look at queue \(name)")
        return result
    }

    func deleteQueue(_ name: String) throws(AMQPFailure) {
        name.withAMQPBytes { queue in _ = amqp_queue_delete(state, channel, queue, 0, 0) }
        try check("delete queue \(name)")
    }

    func qos(prefetch: UInt16) throws(AMQPFailure) {
        amqp_basic_qos(state, channel, 0, prefetch, 0)
        try check("set prefetch")
    }

    func selectConfirms() throws(AMQPFailure) {
        amqp_confirm_select(state, channel)
        try check("turn on publisher confirms")
    }

    // MARK: Publishing

    /// Publishes to the default exchange (routing key = queue name) unless an exchange is given.
    /// Returns the publish's sequence number, for matching its confirm.
    @discardableResult
    func publish(to routingKey: String, exchange: String = "", body: UnsafeRawBufferPointer,
                 properties: AMQPMessageProperties) throws(AMQPFailure) -> UInt64 {
        var status: Int32 = 0
        var strings = CStringArena()
        var props = amqp_basic_properties_t()
        props._flags = amqp_flags_t(AMQP_BASIC_DELIVERY_MODE_FLAG)
        props.delivery_mode = properties.persistent ? 2 : 1
        if let type = properties.type { props._flags |= amqp_flags_t(AMQP_BASIC_TYPE_FLAG); props.type = strings.bytes(type) }
        if let id = properties.correlationID {
            props._flags |= amqp_flags_t(AMQP_BASIC_CORRELATION_ID_FLAG); props.correlation_id = strings.bytes(id)
        }
        if let replyTo = properties.replyTo { props._flags |= amqp_flags_t(AMQP_BASIC_REPLY_TO_FLAG); props.reply_to = strings.bytes(replyTo) }
        var entries = properties.headers.map { entry(for: $0.0, $0.1, strings: &strings) }
        entries.withUnsafeMutableBufferPointer { buffer in
            if !buffer.isEmpty {
                props._flags |= amqp_flags_t(AMQP_BASIC_HEADERS_FLAG)
                props.headers = amqp_table_t(num_entries: Int32(buffer.count), entries: buffer.baseAddress)
            }
            let bodyBytes = amqp_bytes_t(len: body.count, bytes: UnsafeMutableRawPointer(mutating: body.baseAddress))
            status = amqp_basic_publish(state, channel, strings.bytes(exchange), strings.bytes(routingKey), 0, 0, &props, bodyBytes)
        }
        strings.free()
        guard status == AMQP_STATUS_OK.rawValue else {
            throw AMQPFailure(description: "publish to \(routingKey): \(String(cString: amqp_error_string2(status)))")
        }
        lastPublished += 1
        return lastPublished
    }

    @discardableResult
    func publish(to routingKey: String, exchange: String = "", body: [UInt8], properties: AMQPMessageProperties) throws(AMQPFailure) -> UInt64 {
        var result: Result<UInt64, AMQPFailure> = .success(0)
        body.withUnsafeBytes { raw in
            do throws(AMQPFailure) { result = .success(try publish(to: routingKey, exchange: exchange, body: raw, properties: properties)) } catch { result = .failure(error) }
        }
        return try result.get()
    }

    /// Waits until every publish so far is confirmed (or `timeout` passes); false on timeout.
    func waitForConfirms(timeout: Double) throws(AMQPFailure) -> Bool {
        let deadline = MonotonicSeconds.now() + timeout
        while confirmed < lastPublished {
            let left = deadline - MonotonicSeconds.now()
            if left <= 0 { return false }
            _ = try nextDelivery(timeout: left)
        }
        return true
    }

    // MARK: Consuming

    func consume(queue: String, arguments: [(String, AMQPValue)] = [], noAck: Bool = false) throws(AMQPFailure) {
        try withTable(arguments) { table in
            queue.withAMQPBytes { q in
                _ = amqp_basic_consume(state, channel, q, amqp_empty_bytes, 0, noAck ? 1 : 0, 0, table)
            }
        }
        try check("consume from \(queue)")
    }

    func ack(_ tag: UInt64, multiple: Bool = false) throws(AMQPFailure) {
        let status = amqp_basic_ack(state, channel, tag, multiple ? 1 : 0)
        guard status == AMQP_STATUS_OK.rawValue else { throw AMQPFailure(description: "ack: \(String(cString: amqp_error_string2(status)))") }
    }

    /// Refuses a message; with `requeue` false it goes to the queue's dead-letter exchange.
    func reject(_ tag: UInt64, requeue: Bool) throws(AMQPFailure) {
        let status = amqp_basic_reject(state, channel, tag, requeue ? 1 : 0)
        guard status == AMQP_STATUS_OK.rawValue else { throw AMQPFailure(description: "reject: \(String(cString: amqp_error_string2(status)))") }
    }

    /// The next delivery, or nil when `timeout` seconds pass first (0 polls).
    /// Publisher confirms that arrive meanwhile are counted.
    func nextDelivery(timeout: Double) throws(AMQPFailure) -> AMQPDelivery? {
        amqp_maybe_release_buffers(state)
        var envelope = amqp_envelope_t()
        var tv = timeval(seconds: max(0, timeout))
        let reply = amqp_consume_message(state, &envelope, &tv, 0)
        if reply.reply_type == AMQP_RESPONSE_NORMAL {
            defer { amqp_destroy_envelope(&envelope) }
            return delivery(from: envelope)
        }
        if reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION {
            if reply.library_error == AMQP_STATUS_TIMEOUT.rawValue { return nil }
            if reply.library_error == AMQP_STATUS_UNEXPECTED_STATE.rawValue {
                try handleOtherFrame()
                return nil
            }
        }
        throw AMQPFailure(description: "connection lost: \(AMQPConnection.describe(reply))")
    }

    /// A frame that is not a delivery: a confirm, a returned message, or the broker closing.
    private func handleOtherFrame() throws(AMQPFailure) {
        var frame = amqp_frame_t()
        var tv = timeval(seconds: 0)
        let status = amqp_simple_wait_frame_noblock(state, &frame, &tv)
        if status == AMQP_STATUS_TIMEOUT.rawValue { return }
        guard status == AMQP_STATUS_OK.rawValue else { throw AMQPFailure(description: "connection lost: \(String(cString: amqp_error_string2(status)))") }
        guard frame.frame_type == UInt8(AMQP_FRAME_METHOD) else { return }
        let method = frame.payload.method
        switch method.id {
        case AMQP_BASIC_ACK_METHOD:
            let ack = method.decoded.assumingMemoryBound(to: amqp_basic_ack_t.self).pointee
            confirmed = max(confirmed, ack.delivery_tag)
        case AMQP_BASIC_NACK_METHOD:
            let nack = method.decoded.assumingMemoryBound(to: amqp_basic_nack_t.self).pointee
            nacked.append(nack.delivery_tag)
            confirmed = max(confirmed, nack.delivery_tag)
        case AMQP_BASIC_RETURN_METHOD:
            var message = amqp_message_t()
            let reply = amqp_read_message(state, frame.channel, &message, 0)
            if reply.reply_type == AMQP_RESPONSE_NORMAL { amqp_destroy_message(&message) }
        case AMQP_CHANNEL_CLOSE_METHOD, AMQP_CONNECTION_CLOSE_METHOD:
            let close = method.decoded.assumingMemoryBound(to: amqp_channel_close_t.self).pointee
            throw AMQPFailure(description: "the broker closed the connection: \(close.reply_code) \(String(bytes: close.reply_text))")
        default:
            break
        }
    }

    private func delivery(from envelope: amqp_envelope_t) -> AMQPDelivery {
        let props = envelope.message.properties
        func has(_ flag: Int32) -> Bool { props._flags & amqp_flags_t(flag) != 0 }
        var headers: [String: AMQPValue] = [:]
        if has(AMQP_BASIC_HEADERS_FLAG), let entries = props.headers.entries {
            for i in 0..<Int(props.headers.num_entries) {
                let entry = entries[i]
                let key = String(bytes: entry.key)
                switch UInt32(entry.value.kind) {
                case AMQP_FIELD_KIND_UTF8.rawValue, AMQP_FIELD_KIND_BYTES.rawValue: headers[key] = .string(String(bytes: entry.value.value.bytes))
                case AMQP_FIELD_KIND_I64.rawValue: headers[key] = .int(entry.value.value.i64)
                case AMQP_FIELD_KIND_U64.rawValue: headers[key] = .int(Int64(truncatingIfNeeded: entry.value.value.u64))
                case AMQP_FIELD_KIND_I32.rawValue: headers[key] = .int(Int64(entry.value.value.i32))
                case AMQP_FIELD_KIND_U32.rawValue: headers[key] = .int(Int64(entry.value.value.u32))
                case AMQP_FIELD_KIND_I16.rawValue: headers[key] = .int(Int64(entry.value.value.i16))
                case AMQP_FIELD_KIND_U16.rawValue: headers[key] = .int(Int64(entry.value.value.u16))
                case AMQP_FIELD_KIND_I8.rawValue: headers[key] = .int(Int64(entry.value.value.i8))
                case AMQP_FIELD_KIND_U8.rawValue: headers[key] = .int(Int64(entry.value.value.u8))
                default: break
                }
            }
        }
        let body = envelope.message.body
        return AMQPDelivery(
            deliveryTag: envelope.delivery_tag,
            redelivered: envelope.redelivered != 0,
            routingKey: String(bytes: envelope.routing_key),
            body: body.len > 0 ? Array(UnsafeRawBufferPointer(start: body.bytes, count: body.len)) : [],
            type: has(AMQP_BASIC_TYPE_FLAG) ? String(bytes: props.type) : nil,
            correlationID: has(AMQP_BASIC_CORRELATION_ID_FLAG) ? String(bytes: props.correlation_id) : nil,
            replyTo: has(AMQP_BASIC_REPLY_TO_FLAG) ? String(bytes: props.reply_to) : nil,
            headers: headers)
    }

    // MARK: Tables

    private func entry(for key: String, _ value: AMQPValue, strings: inout CStringArena) -> amqp_table_entry_t {
        var entry = amqp_table_entry_t()
        entry.key = strings.bytes(key)
        switch value {
        case .string(let s):
            entry.value.kind = UInt8(AMQP_FIELD_KIND_UTF8.rawValue)
            entry.value.value.bytes = strings.bytes(s)
        case .int(let n):
            entry.value.kind = UInt8(AMQP_FIELD_KIND_I64.rawValue)
            entry.value.value.i64 = n
        }
        return entry
    }

    private func withTable(_ arguments: [(String, AMQPValue)], _ body: (amqp_table_t) -> Void) throws(AMQPFailure) {
        var strings = CStringArena()
        defer { strings.free() }
        var entries = arguments.map { entry(for: $0.0, $0.1, strings: &strings) }
        entries.withUnsafeMutableBufferPointer { buffer in
            body(amqp_table_t(num_entries: Int32(buffer.count), entries: buffer.baseAddress))
        }
    }
}

/// Copies of Swift strings that stay put while a C call reads them
/// (`amqp_cstring_bytes` on a Swift string would point at a temporary).
private struct CStringArena {
    private var pointers: [UnsafeMutablePointer<CChar>] = []

    mutating func bytes(_ string: String) -> amqp_bytes_t {
        guard let copy = strdup(string) else { return amqp_empty_bytes }
        pointers.append(copy)
        return amqp_bytes_t(len: strlen(copy), bytes: UnsafeMutableRawPointer(copy))
    }

    mutating func free() {
        for p in pointers { Glibc.free(p) }
        pointers.removeAll()
    }
}

extension String {
    init(bytes: amqp_bytes_t) {
        guard bytes.len > 0, let base = bytes.bytes else { self = ""; return }
        self = String(decoding: UnsafeRawBufferPointer(start: base, count: bytes.len), as: UTF8.self)
    }

    func withAMQPBytes<R>(_ body: (amqp_bytes_t) -> R) -> R {
        var copy = self
        return copy.withUTF8 { utf8 in
            body(amqp_bytes_t(len: utf8.count, bytes: UnsafeMutableRawPointer(mutating: utf8.baseAddress)))
        }
    }
}

extension timeval {
    init(seconds: Double) {
        let whole = seconds.rounded(.down)
        self.init(tv_sec: Int(whole), tv_usec: Int((seconds - whole) * 1_000_000))
    }
}
#endif
