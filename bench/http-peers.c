/* Peers for bench/probe_close.py: HTTP health endpoints on 127.0.11.FIRST .. FIRST+N-1, port
 * PORT, one epoll loop. Each connection: read the request head, answer
 * "HTTP/1.1 200 OK" with a 3-byte body and `Connection: close`, close its own side
 * (shutdown(SHUT_WR), as a server does after a `Connection: close` response), then read until
 * the prober's side ends, counting how: `clean` (read returns 0: the prober sent FIN) or
 * `reset` (ECONNRESET). `early`: the prober left before the response was written.
 * Prints "ready" once listening and "accepted A clean C reset R early E" on each SIGUSR1.
 * Usage: http-peers FIRST N PORT */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

static volatile sig_atomic_t report;
static void on_usr1(int sig) { (void)sig; report = 1; }

enum { LISTENER = 1, READING = 2, LINGERING = 3 };
static unsigned char *state;   /* per descriptor */
static long long accepted, clean, resets, early;

static const char response[] =
    "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\nConnection: close\r\n\r\nOK\n";

static void finish(int ep, int fd, long long *counter) {
    (*counter)++;
    epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
    state[fd] = 0;
    close(fd);
}

static void readable(int ep, int fd) {
    char buf[4096];
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    if (state[fd] == READING) {
        if (n <= 0) { finish(ep, fd, &early); return; }
        /* A probe's request fits one read; anything after its head is not expected. */
        if (write(fd, response, sizeof response - 1) < 0) { finish(ep, fd, &early); return; }
        shutdown(fd, SHUT_WR);
        state[fd] = LINGERING;
        return;
    }
    if (n == 0) finish(ep, fd, &clean);
    else if (n < 0) finish(ep, fd, errno == ECONNRESET ? &resets : &early);
}

int main(int argc, char **argv) {
    if (argc != 4) { fprintf(stderr, "usage: %s FIRST N PORT\n", argv[0]); return 2; }
    int first = atoi(argv[1]), n = atoi(argv[2]), port = atoi(argv[3]);
    if (first < 1 || n < 1 || first + n > 255) { fprintf(stderr, "FIRST+N must stay within 127.0.11.1-254\n"); return 2; }
    struct rlimit limit;
    getrlimit(RLIMIT_NOFILE, &limit);
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
    state = calloc(limit.rlim_cur, 1);
    signal(SIGUSR1, on_usr1);
    int ep = epoll_create1(0);
    for (int i = 0; i < n; i++) {
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
        sin.sin_addr.s_addr = htonl((127u << 24) | (11u << 8) | (unsigned)(first + i));
        if (bind(fd, (struct sockaddr *)&sin, sizeof sin) < 0 || listen(fd, 4096) < 0) { perror("bind/listen"); return 1; }
        struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };
        epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
        state[fd] = LISTENER;
    }
    printf("ready\n");
    fflush(stdout);
    struct epoll_event events[256];
    for (;;) {
        if (report) {
            report = 0;
            printf("accepted %lld clean %lld reset %lld early %lld\n", accepted, clean, resets, early);
            fflush(stdout);
        }
        int count = epoll_wait(ep, events, 256, 100);
        for (int i = 0; i < count; i++) {
            int fd = events[i].data.fd;
            if (state[fd] != LISTENER) { readable(ep, fd); continue; }
            for (;;) {
                int c = accept4(fd, NULL, NULL, SOCK_NONBLOCK);
                if (c < 0) break;
                accepted++;
                state[c] = READING;
                struct epoll_event ev = { .events = EPOLLIN, .data.fd = c };
                epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev);
            }
        }
    }
}
