#ifndef ZONEREGISTRY_CLIBUV_SHIM_H
#define ZONEREGISTRY_CLIBUV_SHIM_H

#include <uv.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

/* Prefixed helpers so Swift never spells C macros or unions directly. */

static inline int zr_ignore_sigpipe(void) {
    return signal(SIGPIPE, SIG_IGN) == SIG_ERR ? -1 : 0;
}

#endif
