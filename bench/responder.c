/* The physical limit of one core: a UDP "DNS server" that parses nothing.
 * recvmmsg a batch, flip the QR bit of each datagram, sendmmsg the batch back.
 * Usage: responder ADDR PORT   (loopback only; runs until killed) */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define BATCH 64
#define SLOT 4096

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: %s ADDR PORT\n", argv[0]); return 2; }
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[2])) };
    if (fd < 0 || inet_pton(AF_INET, argv[1], &sin.sin_addr) != 1) { perror("socket"); return 1; }
    int size = 4 << 20;
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) < 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    if (bind(fd, (struct sockaddr *)&sin, sizeof sin) < 0) { perror("bind"); return 1; }
    static char bufs[BATCH][SLOT];
    static struct sockaddr_storage peers[BATCH];
    static struct iovec iov[BATCH];
    static struct mmsghdr msgs[BATCH];
    for (;;) {
        for (int i = 0; i < BATCH; i++) {
            iov[i].iov_base = bufs[i];
            iov[i].iov_len = SLOT;
            memset(&msgs[i].msg_hdr, 0, sizeof msgs[i].msg_hdr);
            msgs[i].msg_hdr.msg_iov = &iov[i];
            msgs[i].msg_hdr.msg_iovlen = 1;
            msgs[i].msg_hdr.msg_name = &peers[i];
            msgs[i].msg_hdr.msg_namelen = sizeof peers[i];
        }
        int n = recvmmsg(fd, msgs, BATCH, MSG_WAITFORONE, NULL);
        if (n <= 0) continue;
        for (int i = 0; i < n; i++) {
            if (msgs[i].msg_len >= 12) bufs[i][2] |= (char)0x80;
            iov[i].iov_len = msgs[i].msg_len;
        }
        int done = 0;
        while (done < n) {
            int s = sendmmsg(fd, msgs + done, (unsigned)(n - done), 0);
            if (s <= 0) break;
            done += s;
        }
    }
}
