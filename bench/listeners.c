/* Healthy peers for probing scenarios: N TCP listeners on 127.0.(16 + i/256).(i%256):PORT,
 * i = 0..N-1 (127.0.16.0-127.0.63.255 holds 12,288), one epoll loop that accepts and closes.
 * Prints "ready" once every socket listens, and "accepted COUNT" on each SIGUSR1 (how the
 * bench counts probes without asking the daemon, whose /metrics scrape would cost CPU).
 * The accept queues are deep: on a busy machine this process may wait for a core, and a full
 * queue drops SYNs, which turns probes into 1 s retransmits and timeouts.
 * Usage: listeners N PORT */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

static volatile sig_atomic_t report;

static void on_usr1(int sig) { (void)sig; report = 1; }

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: %s N PORT\n", argv[0]); return 2; }
    int n = atoi(argv[1]), port = atoi(argv[2]);
    if (n < 1 || n > 48 * 256) { fprintf(stderr, "N must be 1..12288\n"); return 2; }
    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    if (rl.rlim_max < (rlim_t)n + 64) rl.rlim_max = (rlim_t)n + 64;
    rl.rlim_cur = rl.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &rl) < 0) { perror("setrlimit"); return 1; }
    int ep = epoll_create1(0);
    for (int i = 0; i < n; i++) {
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
        sin.sin_addr.s_addr = htonl((127u << 24) | ((16u + (unsigned)i / 256) << 8) | ((unsigned)i % 256));
        if (bind(fd, (struct sockaddr *)&sin, sizeof sin) < 0 || listen(fd, 1024) < 0) {
            perror("bind/listen");
            return 1;
        }
        struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };
        epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
    }
    struct sigaction sa = { .sa_handler = on_usr1 };
    sigaction(SIGUSR1, &sa, NULL);
    printf("ready\n");
    fflush(stdout);
    struct epoll_event events[256];
    unsigned long long accepted = 0;
    for (;;) {
        int k = epoll_wait(ep, events, 256, -1);
        for (int j = 0; j < k; j++) {
            int c;
            while ((c = accept(events[j].data.fd, NULL, NULL)) >= 0) {
                close(c);
                accepted++;
            }
        }
        if (report) {
            report = 0;
            printf("accepted %llu\n", accepted);
            fflush(stdout);
        }
    }
}
