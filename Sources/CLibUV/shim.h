#ifndef ZONEREGISTRY_CLIBUV_SHIM_H
#define ZONEREGISTRY_CLIBUV_SHIM_H

#include <uv.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <errno.h>
#include <sys/syscall.h>
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

/* Prefixed helpers so Swift never spells C macros, casts between sockaddr kinds or unions. */

static inline int zr_ignore_sigpipe(void) {
    return signal(SIGPIPE, SIG_IGN) == SIG_ERR ? -1 : 0;
}

/* A parent may start us with signals blocked (the mask survives exec): unblock the ones the
   daemon handles, or SIGTERM and SIGHUP would never reach the loop. */
static inline int zr_unblock_control_signals(void) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    return sigprocmask(SIG_UNBLOCK, &set, NULL);
}

static inline int zr_sockaddr_family(const struct sockaddr *sa) {
    return sa->sa_family;
}

static inline uint16_t zr_sockaddr_port(const struct sockaddr *sa) {
    if (sa->sa_family == AF_INET) return ntohs(((const struct sockaddr_in *)sa)->sin_port);
    if (sa->sa_family == AF_INET6) return ntohs(((const struct sockaddr_in6 *)sa)->sin6_port);
    return 0;
}

/* Host-order IPv4 address. */
static inline uint32_t zr_sockaddr_in_addr(const struct sockaddr *sa) {
    return ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr);
}

/* IPv6 address as two host-order 64-bit halves. */
static inline void zr_sockaddr_in6_addr(const struct sockaddr *sa, uint64_t *high, uint64_t *low) {
    const uint8_t *b = ((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr;
    uint64_t h = 0, l = 0;
    for (int i = 0; i < 8; i++) h = (h << 8) | b[i];
    for (int i = 8; i < 16; i++) l = (l << 8) | b[i];
    *high = h;
    *low = l;
}

static inline void zr_make_sockaddr_in(struct sockaddr_storage *storage, uint32_t address, uint16_t port) {
    struct sockaddr_in *sin = (struct sockaddr_in *)storage;
    memset(storage, 0, sizeof(*storage));
    sin->sin_family = AF_INET;
    sin->sin_port = htons(port);
    sin->sin_addr.s_addr = htonl(address);
}

static inline void zr_make_sockaddr_in6(struct sockaddr_storage *storage, uint64_t high, uint64_t low, uint16_t port) {
    struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)storage;
    memset(storage, 0, sizeof(*storage));
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons(port);
    for (int i = 0; i < 8; i++) sin6->sin6_addr.s6_addr[i] = (uint8_t)(high >> (56 - 8 * i));
    for (int i = 0; i < 8; i++) sin6->sin6_addr.s6_addr[8 + i] = (uint8_t)(low >> (56 - 8 * i));
}

static inline const struct sockaddr *zr_sockaddr(const struct sockaddr_storage *storage) {
    return (const struct sockaddr *)storage;
}

static inline uv_handle_t *zr_udp_handle(uv_udp_t *h) { return (uv_handle_t *)h; }
static inline uv_handle_t *zr_tcp_handle(uv_tcp_t *h) { return (uv_handle_t *)h; }
static inline uv_handle_t *zr_timer_handle(uv_timer_t *h) { return (uv_handle_t *)h; }
static inline uv_handle_t *zr_signal_handle(uv_signal_t *h) { return (uv_handle_t *)h; }
static inline uv_handle_t *zr_stream_handle(uv_stream_t *h) { return (uv_handle_t *)h; }
static inline uv_stream_t *zr_tcp_stream(uv_tcp_t *h) { return (uv_stream_t *)h; }
static inline uv_handle_t *zr_connect_stream_handle(uv_connect_t *r) { return (uv_handle_t *)r->handle; }
static inline uv_tcp_t *zr_stream_tcp(uv_stream_t *h) { return (uv_tcp_t *)h; }

/* SO_RCVBUFFORCE lets root pass net.core.rmem_max; 0 on success. */
static inline int zr_force_receive_buffer(int fd, int bytes) {
    return setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof bytes);
}

/* Replies of one receive batch, sent with one sendmmsg(2) (the syscall, so that no feature
   macro has to reach glibc's declaration). Names are copied: the receive addresses belong to
   libuv's batch. */
#define ZR_UDP_BATCH 32

struct zr_mmsghdr {
    struct msghdr msg_hdr;
    unsigned int msg_len;
};

typedef struct zr_udp_batch {
    int fd;
    unsigned count;
    struct zr_mmsghdr msgs[ZR_UDP_BATCH];
    struct iovec iov[ZR_UDP_BATCH];
    struct sockaddr_storage names[ZR_UDP_BATCH];
} zr_udp_batch;

static inline unsigned zr_udp_batch_capacity(void) { return ZR_UDP_BATCH; }

static inline void zr_udp_batch_add(zr_udp_batch *b, const void *data, size_t length, const struct sockaddr *to) {
    unsigned i = b->count++;
    socklen_t size = to->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
    memcpy(&b->names[i], to, size);
    b->iov[i].iov_base = (void *)data;
    b->iov[i].iov_len = length;
    struct msghdr *h = &b->msgs[i].msg_hdr;
    h->msg_name = &b->names[i];
    h->msg_namelen = size;
    h->msg_iov = &b->iov[i];
    h->msg_iovlen = 1;
    h->msg_control = NULL;
    h->msg_controllen = 0;
    h->msg_flags = 0;
}

/* Sends the batch. Returns how many replies left (or were lost to an error other than a full
   send buffer, as a full queue would lose them); replies from there on met EAGAIN/ENOBUFS and
   are the caller's to queue. */
static inline unsigned zr_udp_batch_flush(zr_udp_batch *b) {
    unsigned done = 0;
    while (done < b->count) {
        long n = syscall(SYS_sendmmsg, b->fd, b->msgs + done, b->count - done, MSG_DONTWAIT);
        if (n > 0) { done += (unsigned)n; continue; }
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS) break;
        done++;
    }
    return done;
}

/* OpenSSL spells these as macros over SSL_ctrl/SSL_CTX_ctrl, which Swift cannot call. */

static inline int zr_SSL_set_tlsext_host_name(SSL *ssl, const char *name) {
    return (int)SSL_set_tlsext_host_name(ssl, name);
}

static inline int zr_SSL_CTX_set_min_proto_version(SSL_CTX *ctx, int version) {
    return (int)SSL_CTX_set_min_proto_version(ctx, version);
}

#endif
