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
#include <openssl/evp.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>

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

static inline void zr_sockaddr_copy(struct sockaddr_storage *storage, const struct sockaddr *address) {
    memset(storage, 0, sizeof *storage);
    memcpy(storage, address, address->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in));
}

static inline uv_handle_t *zr_poll_handle(uv_poll_t *h) { return (uv_handle_t *)h; }
static inline uv_handle_t *zr_tcp_handle(uv_tcp_t *h) { return (uv_handle_t *)h; }
static inline uv_handle_t *zr_timer_handle(uv_timer_t *h) { return (uv_handle_t *)h; }
static inline uv_handle_t *zr_udp_handle(uv_udp_t *h) { return (uv_handle_t *)h; }
static inline uv_handle_t *zr_signal_handle(uv_signal_t *h) { return (uv_handle_t *)h; }
static inline uv_handle_t *zr_stream_handle(uv_stream_t *h) { return (uv_handle_t *)h; }
static inline uv_stream_t *zr_tcp_stream(uv_tcp_t *h) { return (uv_stream_t *)h; }
static inline uv_handle_t *zr_connect_stream_handle(uv_connect_t *r) { return (uv_handle_t *)r->handle; }
static inline uv_tcp_t *zr_stream_tcp(uv_stream_t *h) { return (uv_tcp_t *)h; }

/* SO_RCVBUFFORCE lets root pass net.core.rmem_max; 0 on success. */
static inline int zr_force_receive_buffer(int fd, int bytes) {
    return setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof bytes);
}

/* One UDP socket's batches: up to ZR_UDP_BATCH datagrams taken with one recvmmsg(2), their
   replies given back with one sendmmsg(2). The syscalls are called directly so that no feature
   macro has to reach glibc's declarations. A reply's address is the query's own sockaddr in
   `names`, not a copy: replies are flushed before the next receive reuses it. */
#define ZR_UDP_BATCH 64

struct zr_mmsghdr {
    struct msghdr msg_hdr;
    unsigned int msg_len;
};

typedef struct zr_udp_io {
    int fd;
    unsigned received;
    unsigned count;
    struct zr_mmsghdr in[ZR_UDP_BATCH];
    struct iovec in_iov[ZR_UDP_BATCH];
    struct sockaddr_storage names[ZR_UDP_BATCH];
    struct zr_mmsghdr out[ZR_UDP_BATCH];
    struct iovec out_iov[ZR_UDP_BATCH];
} zr_udp_io;

static inline unsigned zr_udp_batch_capacity(void) { return ZR_UDP_BATCH; }

/* A non-blocking, close-on-exec datagram socket; -errno on failure. */
static inline int zr_udp_socket(int family, int ipv6_only, int receive_buffer) {
    int fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return -errno;
    if (family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &ipv6_only, sizeof ipv6_only) != 0) {
        int error = errno;
        close(fd);
        return -error;
    }
    /* SO_RCVBUFFORCE (root) passes net.core.rmem_max; otherwise the kernel caps SO_RCVBUF. */
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &receive_buffer, sizeof receive_buffer) != 0)
        (void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
    return fd;
}

static inline int zr_bind(int fd, const struct sockaddr *address) {
    socklen_t size = address->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
    return bind(fd, address, size) == 0 ? 0 : -errno;
}

static inline int zr_close(int fd) { return close(fd) == 0 ? 0 : -errno; }

/* Whether a TCP socket can be bound to `address` (port 0 in it): 0, or -errno such as
   -EADDRNOTAVAIL for an address this machine does not have. */
static inline int zr_tcp_bind_check(const struct sockaddr *address) {
    int fd = socket(address->sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -errno;
    int rc = zr_bind(fd, address);
    close(fd);
    return rc;
}

#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24
#endif

/* Linux 4.2+: a socket bound to a source address with port 0 takes its port at connect(),
   unique per destination, instead of reserving one ephemeral port for all destinations at
   bind(). Best effort: an older kernel only narrows the port range. */
static inline void zr_bind_address_no_port(int fd) {
    int on = 1;
    (void)setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &on, sizeof on);
}

/* Points receive slot i at `slots + i * stride`, `capacity` bytes each. */
static inline void zr_udp_io_init(zr_udp_io *io, int fd, char *slots, size_t stride, size_t capacity) {
    memset(io, 0, sizeof *io);
    io->fd = fd;
    for (unsigned i = 0; i < ZR_UDP_BATCH; i++) {
        io->in_iov[i].iov_base = slots + i * stride;
        io->in_iov[i].iov_len = capacity;
        struct msghdr *h = &io->in[i].msg_hdr;
        h->msg_name = &io->names[i];
        h->msg_namelen = sizeof io->names[i];
        h->msg_iov = &io->in_iov[i];
        h->msg_iovlen = 1;
        io->out[i].msg_hdr.msg_iov = &io->out_iov[i];
        io->out[i].msg_hdr.msg_iovlen = 1;
    }
}

/* Takes the next batch. Returns how many datagrams came (0: none waiting) or -errno. */
static inline int zr_udp_io_receive(zr_udp_io *io) {
    /* The kernel wrote each used slot's address length: give the slots their room back. */
    for (unsigned i = 0; i < io->received; i++) io->in[i].msg_hdr.msg_namelen = sizeof io->names[i];
    io->received = 0;
    for (;;) {
        long n = syscall(SYS_recvmmsg, io->fd, io->in, ZR_UDP_BATCH, MSG_DONTWAIT, NULL);
        if (n >= 0) { io->received = (unsigned)n; return (int)n; }
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) return 0;
        return -errno;
    }
}

static inline const void *zr_udp_io_datagram(const zr_udp_io *io, unsigned i) { return io->in_iov[i].iov_base; }

/* Bytes of datagram i held in its slot (a longer datagram was cut to the slot's capacity). */
static inline size_t zr_udp_io_length(const zr_udp_io *io, unsigned i) {
    size_t length = io->in[i].msg_len;
    return length < io->in_iov[i].iov_len ? length : io->in_iov[i].iov_len;
}

static inline const struct sockaddr *zr_udp_io_sender(const zr_udp_io *io, unsigned i) {
    return (const struct sockaddr *)&io->names[i];
}

/* Queues a reply to datagram i's sender. */
static inline void zr_udp_io_reply(zr_udp_io *io, unsigned i, const void *data, size_t length) {
    unsigned j = io->count++;
    io->out_iov[j].iov_base = (void *)data;
    io->out_iov[j].iov_len = length;
    struct msghdr *h = &io->out[j].msg_hdr;
    h->msg_name = &io->names[i];
    h->msg_namelen = io->in[i].msg_hdr.msg_namelen;
}

/* Sends the queued replies. Returns how many left (or were lost to an error other than a full
   send buffer, as a full queue would lose them); replies from there on met EAGAIN/ENOBUFS and
   are the caller's to keep. */
static inline unsigned zr_udp_io_flush(zr_udp_io *io) {
    unsigned done = 0;
    while (done < io->count) {
        long n = syscall(SYS_sendmmsg, io->fd, io->out + done, io->count - done, MSG_DONTWAIT);
        if (n > 0) { done += (unsigned)n; continue; }
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS) break;
        done++;
    }
    return done;
}

static inline const void *zr_udp_io_reply_bytes(const zr_udp_io *io, unsigned j, size_t *length) {
    *length = io->out_iov[j].iov_len;
    return io->out_iov[j].iov_base;
}

static inline const struct sockaddr *zr_udp_io_reply_address(const zr_udp_io *io, unsigned j) {
    return (const struct sockaddr *)io->out[j].msg_hdr.msg_name;
}

/* One datagram; 0 when sent or lost to an error other than a full buffer, -EAGAIN when the
   send buffer is full. */
static inline int zr_udp_send_to(int fd, const void *data, size_t length, const struct sockaddr *to) {
    socklen_t size = to->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
    for (;;) {
        if (sendto(fd, data, length, MSG_DONTWAIT, to, size) >= 0) return 0;
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS) return -EAGAIN;
        return 0;
    }
}

/* OpenSSL spells these as macros over SSL_ctrl/SSL_CTX_ctrl, which Swift cannot call. */

static inline int zr_SSL_set_tlsext_host_name(SSL *ssl, const char *name) {
    return (int)SSL_set_tlsext_host_name(ssl, name);
}

static inline int zr_SSL_CTX_set_min_proto_version(SSL_CTX *ctx, int version) {
    return (int)SSL_CTX_set_min_proto_version(ctx, version);
}


/* HMAC (RFC 2104) fed in pieces: a TSIG digest (RFC 8945 §4.3) covers a prior MAC, the message
   and the TSIG variables, which are never contiguous. `digest` is OpenSSL's name ("SHA256").
   NULL on failure; the context is freed by zr_hmac_finish or zr_hmac_free. */
static inline EVP_MAC_CTX *zr_hmac_begin(const char *digest, const uint8_t *key, size_t key_length) {
    static const uint8_t empty_key = 0;
    EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    if (mac == NULL) return NULL;
    EVP_MAC_CTX *ctx = EVP_MAC_CTX_new(mac);
    EVP_MAC_free(mac);
    if (ctx == NULL) return NULL;
    OSSL_PARAM params[2];
    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)digest, 0);
    params[1] = OSSL_PARAM_construct_end();
    /* A NULL key would mean "keep the previous key" to EVP_MAC_init. */
    if (EVP_MAC_init(ctx, key_length ? key : &empty_key, key_length, params) != 1) {
        EVP_MAC_CTX_free(ctx);
        return NULL;
    }
    return ctx;
}

static inline int zr_hmac_update(EVP_MAC_CTX *ctx, const void *data, size_t length) {
    if (length == 0) return 0;
    return EVP_MAC_update(ctx, (const unsigned char *)data, length) == 1 ? 0 : -1;
}

/* Writes the MAC into out (capacity bytes), frees ctx; returns the MAC's length or -1. */
static inline int zr_hmac_finish(EVP_MAC_CTX *ctx, uint8_t *out, size_t capacity) {
    size_t length = 0;
    int ok = EVP_MAC_final(ctx, out, &length, capacity);
    EVP_MAC_CTX_free(ctx);
    return ok == 1 ? (int)length : -1;
}

static inline void zr_hmac_free(EVP_MAC_CTX *ctx) { EVP_MAC_CTX_free(ctx); }

/* 1 when the length bytes at a and b are equal, in time independent of where they differ. */
static inline int zr_constant_time_equal(const void *a, const void *b, size_t length) {
    return CRYPTO_memcmp(a, b, length) == 0;
}

#endif
