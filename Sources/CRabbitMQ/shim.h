#ifndef PALAVER_CRABBITMQ_SHIM_H
#define PALAVER_CRABBITMQ_SHIM_H
#include <amqp.h>
#include <amqp_framing.h>
#include <amqp_tcp_socket.h>
#include <amqp_ssl_socket.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

/// amqp_login is variadic, which Swift cannot call: PLAIN login with a user and password.
static inline amqp_rpc_reply_t palaver_amqp_login_plain(amqp_connection_state_t state, const char *vhost,
                                                        int frame_max, int heartbeat,
                                                        const char *user, const char *password) {
    return amqp_login(state, vhost, 0, frame_max, heartbeat, AMQP_SASL_METHOD_PLAIN, user, password);
}

/// Lowers the calling thread's CPU priority (Linux: a thread's own nice value), so the engine's
/// thread keeps its core when the machine is saturated.
static inline int palaver_lower_thread_priority(int nice_value) {
    return setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), nice_value);
}
#endif
