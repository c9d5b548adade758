/* Peers for probing scenarios: N TCP listeners on 127.0.(16 + i/256).(i%256):PORT,
 * i = 0..N-1 (127.0.16.0-127.0.63.255 holds 12,288), one epoll loop that accepts and closes.
 * Prints "ready" once every socket listens, and "accepted COUNT" on each SIGUSR1 (how the
 * bench counts probes without asking the daemon, whose /metrics scrape would cost CPU).
 * The accept queues are deep: on a busy machine this process may wait for a core, and a full
 * queue drops SYNs, which turns probes into 1 s retransmits and timeouts.
 * Usage: listeners [-first A.B.C.D] N PORT [GROUPS TICK_MS]
 * With -first the addresses count up from A.B.C.D instead of 127.0.16.0 (loopback only), for
 * a bench whose loopback range is not 127.0.16.0 and up (bench/transfer.py).
 * With GROUPS and TICK_MS the peers flap (bench/soak.py): peer i belongs to group i % GROUPS;
 * every TICK_MS the next group's listeners close (connects are refused) and the group closed
 * on the previous tick listens again, so each peer is down one tick in every GROUPS. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t report;
static int ep, port, n, *fds;
static unsigned first = (127u << 24) | (16u << 8);

static void on_usr1(int sig) { (void)sig; report = 1; }

static void open_listener(int i) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    sin.sin_addr.s_addr = htonl(first + (unsigned)i);
    if (bind(fd, (struct sockaddr *)&sin, sizeof sin) < 0 || listen(fd, 1024) < 0) {
        perror("bind/listen");
        exit(1);
    }
    struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };
    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
    fds[i] = fd;
}

static void flap_group(int group, int groups, int listen_again) {
    for (int i = group; i < n; i += groups) {
        if (listen_again) open_listener(i);
        else { close(fds[i]); fds[i] = -1; }
    }
}

static long long now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int main(int argc, char **argv) {
    if (argc > 2 && !strcmp(argv[1], "-first")) {
        struct in_addr a;
        if (inet_pton(AF_INET, argv[2], &a) != 1 || (ntohl(a.s_addr) >> 24) != 127) {
            fprintf(stderr, "-first %s: expected a loopback IPv4 address\n", argv[2]);
            return 2;
        }
        first = ntohl(a.s_addr);
        argv += 2;
        argc -= 2;
    }
    if (argc != 3 && argc != 5) { fprintf(stderr, "usage: %s [-first A.B.C.D] N PORT [GROUPS TICK_MS]\n", argv[0]); return 2; }
    n = atoi(argv[1]);
    port = atoi(argv[2]);
    int groups = argc == 5 ? atoi(argv[3]) : 0, tick = argc == 5 ? atoi(argv[4]) : 0;
    if (n < 1 || n > 48 * 256) { fprintf(stderr, "N must be 1..12288\n"); return 2; }
    if (((first + (unsigned)n - 1) >> 24) != 127) { fprintf(stderr, "N addresses from -first leave 127.0.0.0/8\n"); return 2; }
    if (argc == 5 && (groups < 2 || groups > n || tick < 10)) { fprintf(stderr, "GROUPS must be 2..N, TICK_MS >= 10\n"); return 2; }
    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    if (rl.rlim_max < (rlim_t)n + 64) rl.rlim_max = (rlim_t)n + 64;
    rl.rlim_cur = rl.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &rl) < 0) { perror("setrlimit"); return 1; }
    ep = epoll_create1(0);
    fds = calloc((size_t)n, sizeof *fds);
    for (int i = 0; i < n; i++) open_listener(i);
    struct sigaction sa = { .sa_handler = on_usr1 };
    sigaction(SIGUSR1, &sa, NULL);
    printf("ready\n");
    fflush(stdout);
    struct epoll_event events[256];
    unsigned long long accepted = 0;
    int down = -1;
    long long next_tick = now_ms() + tick;
    for (;;) {
        int wait = -1;
        if (groups) {
            long long left = next_tick - now_ms();
            if (left <= 0) {
                if (down >= 0) flap_group(down, groups, 1);
                down = (down + 1) % groups;
                flap_group(down, groups, 0);
                next_tick += tick;
                left = next_tick - now_ms();
            }
            wait = left > 0 ? (int)left : 0;
        }
        int k = epoll_wait(ep, events, 256, wait);
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
