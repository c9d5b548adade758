/* The floor of probing cost on this machine: connect-only TCP probes in C with nothing but
 * the system calls a probe needs (socket, connect, epoll_ctl ADD, epoll_wait shared by many,
 * setsockopt SO_LINGER 0, close), to the listeners of bench/listeners, spread over each second.
 * Prints its own user and sys CPU per second, as scenario 3 reports the daemon's.
 * Usage: connect-floor N PORT SECONDS   (N peers on 127.0.16.0 and up, each once a second) */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc != 4) { fprintf(stderr, "usage: %s N PORT SECONDS\n", argv[0]); return 2; }
    int n = atoi(argv[1]), port = atoi(argv[2]);
    double seconds = atof(argv[3]);
    int ep = epoll_create1(0);
    struct epoll_event events[256];
    long done = 0, failed = 0;
    double start = now(), end = start + seconds;
    long next = 0;
    struct rusage r0, r1;
    getrusage(RUSAGE_SELF, &r0);
    for (;;) {
        double t = now();
        if (t >= end) break;
        long due = (long)((t - start) * n);
        for (; next < due; next++) {
            unsigned i = (unsigned)(next % n);
            int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
            struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
            sin.sin_addr.s_addr = htonl((127u << 24) | ((16u + i / 256) << 8) | (i % 256));
            connect(fd, (struct sockaddr *)&sin, sizeof sin);
            struct epoll_event ev = { .events = EPOLLOUT, .data.fd = fd };
            epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
        }
        int k = epoll_wait(ep, events, 256, 1);
        for (int j = 0; j < k; j++) {
            int fd = events[j].data.fd;
            if (events[j].events & (EPOLLERR | EPOLLHUP)) failed++;
            else {
                struct linger l = { 1, 0 };
                setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
                done++;
            }
            close(fd);
        }
    }
    getrusage(RUSAGE_SELF, &r1);
    double elapsed = now() - start;
    double user = (double)(r1.ru_utime.tv_sec - r0.ru_utime.tv_sec) + (double)(r1.ru_utime.tv_usec - r0.ru_utime.tv_usec) / 1e6;
    double sys = (double)(r1.ru_stime.tv_sec - r0.ru_stime.tv_sec) + (double)(r1.ru_stime.tv_usec - r0.ru_stime.tv_usec) / 1e6;
    printf("probes=%ld failed=%ld seconds=%.2f probes_per_s=%.0f user=%.3f sys=%.3f us_per_probe=%.1f\n", done, failed, elapsed,
           done / elapsed, user / elapsed, sys / elapsed, 1e6 * (user + sys) / (double)(done + failed));
    return 0;
}
