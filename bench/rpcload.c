/*
 * rpcload: a load generator for ONC RPC portmappers (RFC 1833): PMAPPROC_GETPORT(100000, 2, tcp)
 * calls over UDP or TCP, from C connections each keeping W calls in flight, for D seconds.
 * Prints calls/s and latency percentiles. Single-threaded epoll loop; loopback targets only.
 *
 *   rpcload -t udp|tcp [-a 127.0.0.1] [-p 111] [-c CONNS] [-w WINDOW] [-d SECONDS] [-T TIMEOUT_MS]
 *           [-s FIRST-LAST]
 *
 * -s binds the connections to the IPv4 source addresses FIRST to LAST in turn (e.g.
 * 127.0.0.1-127.0.0.8: a server that counts per source sees eight clients).
 * A good reply is 28 bytes, accepted, SUCCESS, and names the port the calls go to (the portmapper
 * asked for its own TCP port: 111, or 111 + a port offset). Anything else counts as bad. Over UDP a
 * call unanswered for TIMEOUT_MS (default 200) counts as lost and is sent again under a new xid; a
 * reply to the old xid arriving after that counts as late, not as an answer.
 *
 * Built and run by bench/rpc.sh.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_US 1000000          /* latency histogram: 1 us buckets up to 1 s */
#define CALL_BYTES 56           /* 40-byte call header (AUTH_NONE) + 16 bytes of pmap args */
#define REPLY_BYTES 28          /* 24-byte accepted reply header + the port */
#define MAX_CONNS 1024          /* xid = generation << 20 | connection << 10 | slot */
#define MAX_WINDOW 1024

struct conn {
    int fd;
    int index;
    int inflight;
    uint32_t next_seq;
    long long *sent;            /* send time per window slot */
    uint32_t *xid;              /* the xid each slot waits for */
    unsigned char rbuf[4096];
    int rlen;
};

static int udp, window = 1, nconns = 1, seconds = 5, port = 111;
static long long udp_timeout_ns = 200000000LL;
static const char *addr = "127.0.0.1";
static uint32_t source_first, source_count;   /* -s: host order; count 0 = let the kernel choose */
static unsigned *hist;
static long long calls, lost, late, bad, max_us;
static uint32_t generation;

static long long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void put32(unsigned char *p, uint32_t v) { v = htonl(v); memcpy(p, &v, 4); }
static uint32_t get32(const unsigned char *p) { uint32_t v; memcpy(&v, p, 4); return ntohl(v); }

/* the xid names its connection and slot, so a reply finds its send time without a search, and a
 * generation, so a reply to a call given up on (and sent again) is told from the answer to the new one */
static void send_call(struct conn *c, int slot) {
    unsigned char b[4 + CALL_BYTES];
    unsigned char *m = b + 4;
    put32(b, 0x80000000u | CALL_BYTES);
    generation = (generation + 1) & 0xfff;
    c->xid[slot] = generation << 20 | (uint32_t) c->index << 10 | (uint32_t) slot;
    uint32_t words[] = {c->xid[slot], 0, 2, 100000, 2, 3, 0, 0, 0, 0, 100000, 2, 6, 0};
    for (int i = 0; i < 14; i++) put32(m + 4 * i, words[i]);
    c->sent[slot] = now_ns();
    ssize_t n = udp ? send(c->fd, m, CALL_BYTES, 0) : send(c->fd, b, sizeof b, 0);
    if (n < 0 && errno != EAGAIN) { perror("send"); exit(1); }
}

/* a reply: xid (0), REPLY (4), MSG_ACCEPTED (8), verifier flavor and length (12, 16), SUCCESS (20), port (24) */
static void on_reply(struct conn *c, const unsigned char *m, int len) {
    if (len < 4) { bad++; return; }
    uint32_t xid = get32(m);
    int slot = xid & 0x3ff;
    if ((int) (xid >> 10 & 0x3ff) != c->index || slot >= window) { bad++; return; }
    if (xid != c->xid[slot]) { late++; return; }
    if (len != REPLY_BYTES || get32(m + 4) != 1 || get32(m + 8) != 0 || get32(m + 20) != 0
            || get32(m + 24) != (uint32_t) port) {
        bad++;
    }
    long long us = (now_ns() - c->sent[slot]) / 1000;
    if (us > max_us) max_us = us;
    hist[us < MAX_US ? us : MAX_US - 1]++;
    calls++;
    send_call(c, slot);
}

static int parse_sources(const char *range) {
    char first[32], last[32];
    struct in_addr a, b;
    const char *dash = strchr(range, '-');
    if (!dash || dash - range >= (int) sizeof first || strlen(dash + 1) >= sizeof last) return -1;
    memcpy(first, range, dash - range);
    first[dash - range] = 0;
    strcpy(last, dash + 1);
    if (inet_pton(AF_INET, first, &a) != 1 || inet_pton(AF_INET, last, &b) != 1 || ntohl(b.s_addr) < ntohl(a.s_addr)) return -1;
    source_first = ntohl(a.s_addr);
    source_count = ntohl(b.s_addr) - source_first + 1;
    return 0;
}

static long long percentile(double p) {
    long long total = 0, seen = 0;
    for (int i = 0; i < MAX_US; i++) total += hist[i];
    for (int i = 0; i < MAX_US; i++) {
        seen += hist[i];
        if (seen >= total * p) return i;
    }
    return MAX_US;
}

int main(int argc, char **argv) {
    int opt;
    while ((opt = getopt(argc, argv, "t:a:p:c:w:d:T:s:")) != -1) {
        switch (opt) {
        case 't': udp = strcmp(optarg, "udp") == 0; break;
        case 'a': addr = optarg; break;
        case 'p': port = atoi(optarg); break;
        case 'c': nconns = atoi(optarg); break;
        case 'w': window = atoi(optarg); break;
        case 'd': seconds = atoi(optarg); break;
        case 'T': udp_timeout_ns = atoll(optarg) * 1000000LL; break;
        case 's': if (parse_sources(optarg) < 0) { fprintf(stderr, "rpcload: -s takes FIRST-LAST, e.g. 127.0.0.1-127.0.0.8\n"); return 2; } break;
        default: fprintf(stderr, "usage: rpcload -t udp|tcp [-a ADDR] [-p PORT] [-c CONNS] [-w WINDOW] [-d SECONDS] [-T TIMEOUT_MS] [-s FIRST-LAST]\n"); return 2;
        }
    }
    if (nconns < 1 || nconns > MAX_CONNS || window < 1 || window > MAX_WINDOW || udp_timeout_ns <= 0) {
        fprintf(stderr, "rpcload: -c and -w take 1 to %d, -T a positive number of ms\n", MAX_CONNS);
        return 2;
    }
    hist = calloc(MAX_US, sizeof *hist);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
    inet_pton(AF_INET, addr, &sa.sin_addr);
    int ep = epoll_create1(0);
    struct conn *conns = calloc(nconns, sizeof *conns);
    for (int i = 0; i < nconns; i++) {
        struct conn *c = &conns[i];
        c->index = i;
        c->sent = calloc(window, sizeof *c->sent);
        c->xid = calloc(window, sizeof *c->xid);
        c->fd = socket(AF_INET, udp ? SOCK_DGRAM : SOCK_STREAM, 0);
        if (source_count > 0) {
            struct sockaddr_in src = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(source_first + i % source_count)};
            if (bind(c->fd, (struct sockaddr *) &src, sizeof src) < 0) { perror("bind -s"); return 1; }
        }
        if (connect(c->fd, (struct sockaddr *) &sa, sizeof sa) < 0) { perror("connect"); return 1; }
        int one = 1;
        if (!udp) setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
        epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev);
        for (int s = 0; s < window; s++) send_call(c, s);
    }
    long long end = now_ns() + seconds * 1000000000LL, start = now_ns();
    struct epoll_event events[64];
    while (now_ns() < end) {
        int n = epoll_wait(ep, events, 64, 50);
        for (int e = 0; e < n; e++) {
            struct conn *c = events[e].data.ptr;
            if (udp) {
                unsigned char m[512];
                ssize_t len;
                while ((len = recv(c->fd, m, sizeof m, MSG_DONTWAIT)) > 0) on_reply(c, m, (int) len);
                continue;
            }
            ssize_t len = recv(c->fd, c->rbuf + c->rlen, sizeof c->rbuf - c->rlen, MSG_DONTWAIT);
            if (len == 0) { fprintf(stderr, "server closed the connection\n"); return 1; }
            if (len < 0) continue;
            c->rlen += (int) len;
            int off = 0;
            while (c->rlen - off >= 4) {
                int rec = get32(c->rbuf + off) & 0x7fffffff;
                if (c->rlen - off < 4 + rec) break;
                on_reply(c, c->rbuf + off + 4, rec);
                off += 4 + rec;
            }
            memmove(c->rbuf, c->rbuf + off, c->rlen - off);
            c->rlen -= off;
        }
        if (udp) {      /* resend what the server dropped */
            long long t = now_ns();
            for (int i = 0; i < nconns; i++)
                for (int s = 0; s < window; s++)
                    if (t - conns[i].sent[s] > udp_timeout_ns) { lost++; send_call(&conns[i], s); }
        }
    }
    double secs = (now_ns() - start) / 1e9;
    printf("%s conns=%d window=%d sources=%u calls=%lld seconds=%.2f calls_per_s=%.0f p50_us=%lld p99_us=%lld p999_us=%lld max_us=%lld lost=%lld late=%lld bad=%lld\n",
           udp ? "udp" : "tcp", nconns, window, source_count == 0 ? 1 : source_count < (uint32_t) nconns ? source_count : (uint32_t) nconns, calls, secs, calls / secs, percentile(0.50), percentile(0.99),
           percentile(0.999), max_us, lost, late, bad);
    return 0;
}
