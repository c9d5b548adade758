/* Flood client: drives a one-thread UDP DNS server past what dnsperf's single thread can.
 * Several sockets, each with a window of outstanding queries; sends with sendmmsg, receives
 * with recvmmsg, busy-polls (it owns its core). A socket whose window sees no answer for
 * STALL_MS gives its outstanding queries up as lost so a drop never stalls the run.
 * Queries come from a dnsperf-format file ("name type" per line), encoded once at start.
 * Usage: flood ADDR PORT QUERYFILE SECONDS [SOCKETS [WINDOW [RATE]]]
 * Prints one line: sent=N answered=N noerror=N lost=N seconds=S qps=Q
 * With RATE > 0 it sends at most RATE queries a second, sleeps instead of spinning when it
 * has nothing to do, and prints "progress sent=N answered=N" every second (bench/soak.py). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 32
#define RBATCH 64
#define MAXQ 65536
#define STALL_MS 20

static unsigned char *wire[MAXQ];
static int wirelen[MAXQ];
static int nq;

static int qtype_of(const char *t) {
    static const struct { const char *n; int v; } types[] = {
        {"A", 1}, {"NS", 2}, {"CNAME", 5}, {"SOA", 6}, {"PTR", 12}, {"MX", 15}, {"TXT", 16},
        {"AAAA", 28}, {"SRV", 33}, {"ANY", 255}};
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (!strcasecmp(t, types[i].n)) return types[i].v;
    return atoi(t);
}

static int encode(const char *name, int qtype, unsigned char *out) {
    memset(out, 0, 12);
    out[5] = 1; /* QDCOUNT 1, RD clear: an authoritative query */
    int p = 12;
    const char *s = name;
    while (*s && strcmp(s, ".")) {
        const char *dot = strchr(s, '.');
        int len = dot ? (int)(dot - s) : (int)strlen(s);
        if (len == 0 || len > 63 || p + len + 1 > 270) return -1;
        out[p++] = (unsigned char)len;
        memcpy(out + p, s, (size_t)len);
        p += len;
        s += len + (dot ? 1 : 0);
    }
    out[p++] = 0;
    out[p++] = (unsigned char)(qtype >> 8); out[p++] = (unsigned char)qtype;
    out[p++] = 0; out[p++] = 1;
    return p;
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc < 5) { fprintf(stderr, "usage: %s ADDR PORT QUERYFILE SECONDS [SOCKETS [WINDOW [RATE]]]\n", argv[0]); return 2; }
    double seconds = atof(argv[4]);
    int nsock = argc > 5 ? atoi(argv[5]) : 8, window = argc > 6 ? atoi(argv[6]) : 64;
    double rate = argc > 7 ? atof(argv[7]) : 0;
    if (nsock < 1 || nsock > 64 || window < 1 || window > 4096 || rate < 0) { fprintf(stderr, "bad SOCKETS/WINDOW/RATE\n"); return 2; }
    FILE *f = fopen(argv[3], "r");
    if (!f) { perror(argv[3]); return 1; }
    char line[512], name[300], type[32];
    while (nq < MAXQ && fgets(line, sizeof line, f)) {
        if (sscanf(line, "%299s %31s", name, type) != 2) continue;
        unsigned char buf[300];
        int len = encode(name, qtype_of(type), buf);
        if (len < 0) continue;
        wire[nq] = malloc((size_t)len);
        memcpy(wire[nq], buf, (size_t)len);
        wirelen[nq++] = len;
    }
    fclose(f);
    if (!nq) { fprintf(stderr, "no queries in %s\n", argv[3]); return 1; }

    struct sockaddr_in srv = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[2])) };
    if (inet_pton(AF_INET, argv[1], &srv.sin_addr) != 1 || (ntohl(srv.sin_addr.s_addr) >> 24) != 127) {
        fprintf(stderr, "refusing a non-loopback address %s\n", argv[1]);
        return 2;
    }
    int fds[64], outstanding[64] = {0};
    double last_answer[64];
    for (int i = 0; i < nsock; i++) {
        fds[i] = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
        int size = 4 << 20;
        if (setsockopt(fds[i], SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) < 0)
            setsockopt(fds[i], SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
        if (connect(fds[i], (struct sockaddr *)&srv, sizeof srv) < 0) { perror("connect"); return 1; }
    }
    static unsigned char sendbuf[BATCH][300];
    static struct iovec siov[BATCH], riov[RBATCH];
    static struct mmsghdr smsg[BATCH], rmsg[RBATCH];
    static unsigned char recvbuf[RBATCH][1500];
    for (int i = 0; i < RBATCH; i++) {
        riov[i].iov_base = recvbuf[i];
        riov[i].iov_len = sizeof recvbuf[i];
        rmsg[i].msg_hdr.msg_iov = &riov[i];
        rmsg[i].msg_hdr.msg_iovlen = 1;
    }
    unsigned long long sent = 0, answered = 0, noerror = 0, lost = 0;
    unsigned next = 0;
    unsigned short id = 1;
    double start = now(), end = start + seconds, t = start;
    for (int i = 0; i < nsock; i++) last_answer[i] = start;
    unsigned loops = 0;
    double next_progress = start + 1;
    while (t < end) {
        int idle = 1;
        for (int s = 0; s < nsock; s++) {
            int room = window - outstanding[s];
            if (room > BATCH) room = BATCH;
            if (rate > 0) {
                double budget = rate * (t - start) - (double)sent;
                if (room > budget) room = budget > 0 ? (int)budget : 0;
            }
            if (room >= BATCH / 2 || (room > 0 && outstanding[s] == 0)) {
                for (int k = 0; k < room; k++) {
                    int q = (int)(next++ % (unsigned)nq);
                    memcpy(sendbuf[k], wire[q], (size_t)wirelen[q]);
                    sendbuf[k][0] = (unsigned char)(id >> 8);
                    sendbuf[k][1] = (unsigned char)id;
                    id++;
                    siov[k].iov_base = sendbuf[k];
                    siov[k].iov_len = (size_t)wirelen[q];
                    memset(&smsg[k].msg_hdr, 0, sizeof smsg[k].msg_hdr);
                    smsg[k].msg_hdr.msg_iov = &siov[k];
                    smsg[k].msg_hdr.msg_iovlen = 1;
                }
                int n = sendmmsg(fds[s], smsg, (unsigned)room, 0);
                if (n > 0) {
                    idle = 0;
                    sent += (unsigned)n;
                    if (outstanding[s] == 0) last_answer[s] = t;
                    outstanding[s] += n;
                }
            }
            int r = recvmmsg(fds[s], rmsg, RBATCH, MSG_DONTWAIT, NULL);
            if (r > 0) {
                idle = 0;
                for (int k = 0; k < r; k++) {
                    if (rmsg[k].msg_len < 12 || !(recvbuf[k][2] & 0x80)) continue;
                    answered++;
                    if ((recvbuf[k][3] & 0x0f) == 0) noerror++;
                }
                outstanding[s] -= r;
                if (outstanding[s] < 0) outstanding[s] = 0;
                last_answer[s] = t;
            } else if (outstanding[s] > 0 && t - last_answer[s] > STALL_MS / 1000.0) {
                lost += (unsigned)outstanding[s];
                outstanding[s] = 0;
            }
        }
        if (rate > 0) {
            if (idle) usleep(200);
            t = now();
            if (t >= next_progress) {
                printf("progress sent=%llu answered=%llu\n", sent, answered);
                fflush(stdout);
                next_progress += 1;
            }
        } else if ((++loops & 15) == 0) {
            t = now();
        }
    }
    double elapsed = now() - start;
    /* Let late answers in so "lost" counts only what never came back. */
    double drain = now() + 0.2;
    while (now() < drain) {
        for (int s = 0; s < nsock; s++) {
            int r = recvmmsg(fds[s], rmsg, RBATCH, MSG_DONTWAIT, NULL);
            for (int k = 0; k < r; k++) {
                if (rmsg[k].msg_len < 12 || !(recvbuf[k][2] & 0x80)) continue;
                answered++;
                if ((recvbuf[k][3] & 0x0f) == 0) noerror++;
            }
        }
    }
    printf("sent=%llu answered=%llu noerror=%llu lost=%llu seconds=%.3f qps=%.0f\n", sent, answered, noerror,
           sent > answered ? sent - answered : 0, elapsed, (double)answered / elapsed);
    (void)lost;
    return 0;
}
