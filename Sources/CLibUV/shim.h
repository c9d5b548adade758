#ifndef ZONEREGISTRY_CLIBUV_SHIM_H
#define ZONEREGISTRY_CLIBUV_SHIM_H

#include <uv.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

/* Prefixed helpers so Swift never spells C macros or unions directly. */

static inline int zr_ignore_sigpipe(void) {
    return signal(SIGPIPE, SIG_IGN) == SIG_ERR ? -1 : 0;
}

/* OpenSSL spells these as macros over SSL_ctrl/SSL_CTX_ctrl, which Swift cannot call. */

static inline int zr_SSL_set_tlsext_host_name(SSL *ssl, const char *name) {
    return (int)SSL_set_tlsext_host_name(ssl, name);
}

static inline int zr_SSL_CTX_set_min_proto_version(SSL_CTX *ctx, int version) {
    return (int)SSL_CTX_set_min_proto_version(ctx, version);
}

#endif
