/*
 * smtpload: an SMTP load generator (RFC 5321) for bench/smtp.sh. S sessions in one epoll loop send
 * M messages in all, each of L payload bytes, K messages per connection (1: a new connection per
 * message, like Postfix's smtp-source; 0: one connection per session for everything). With -p it
 * pipelines (RFC 2920) where the server announces PIPELINING: MAIL, RCPT and DATA go in one write,
 * and a message's text, its final dot and the next MAIL/RCPT/DATA (or QUIT) in the next, so a
 * message costs one round trip instead of five. A message counts when its final dot gets 250;
 * any other reply is an error, which ends that connection (the message is not resent).
 *
 *   smtpload [-a 127.0.0.1] -P PORT [-s SESSIONS] [-m MESSAGES] [-l BYTES] [-k PER_CONNECTION] [-p] [-t SECONDS]
 *
 * Prints one line: messages=N errors=E seconds=T rate=R (messages/s). Exits 1 when a message
 * failed or the time limit (default 300 s) passed first.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum expect { GREETING, EHLO, MAIL, RCPT, DATA, DOT, QUIT };
#define QUEUE 8                 /* replies awaited at once: at most 250 250 354 behind a dot */

struct session {
    int fd;
    unsigned generation;        /* counts connections, so a reader sees its connection was replaced */
    int connected;
    int pipelining;             /* the server announced PIPELINING in its EHLO reply */
    int sent_on_conn;           /* messages begun on this connection */
    int inflight;               /* messages begun whose final dot is not answered yet */
    enum expect queue[QUEUE];
    int qhead, qlen;
    char in[8192];
    int inlen;
    int reply_pipelining;       /* the EHLO reply being read named PIPELINING */
    char *out;
    size_t outlen, outoff, outcap;
};

static const char *addr = "127.0.0.1";
static int port, nsessions = 1, per_conn = 1, pipeline, limit_s = 300;
static long total = 1, claimed, done, errors;
static size_t payload = 1024;
static char *text;              /* headers, payload lines, then ".\r\n" */
static size_t text_len;
static int ep;
static int complaints;          /* printed so far: the first few say enough */
static const char envelope[] = "MAIL FROM:<load@smtpload.test>\r\nRCPT TO:<sink@server.test>\r\nDATA\r\n";

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what) {
    perror(what);
    exit(2);
}

/* 76 x's per line, like a base64 body; no line starts with a dot, so nothing needs stuffing */
static void build_text(void) {
    const char *head = "From: <load@smtpload.test>\r\nTo: <sink@server.test>\r\nSubject: smtpload\r\n"
                       "Message-ID: <smtpload@smtpload.test>\r\n\r\n";
    text = malloc(strlen(head) + payload + payload / 76 * 2 + 16);
    size_t n = strlen(head);
    memcpy(text, head, n);
    for (size_t left = payload; left > 0;) {
        size_t line = left < 78 ? left : 78;
        size_t chars = line > 2 ? line - 2 : line;
        memset(text + n, 'x', chars);
        n += chars;
        if (line > 2) {
            memcpy(text + n, "\r\n", 2);
            n += 2;
        }
        left -= line;
    }
    if (n == 0 || text[n - 1] != '\n') {
        memcpy(text + n, "\r\n", 2);
        n += 2;
    }
    memcpy(text + n, ".\r\n", 3);
    text_len = n + 3;
}

static void append(struct session *s, const char *b, size_t n) {
    if (s->outoff == s->outlen) s->outoff = s->outlen = 0;
    if (s->outlen + n > s->outcap) {
        s->outcap = (s->outlen + n) * 2;
        s->out = realloc(s->out, s->outcap);
    }
    memcpy(s->out + s->outlen, b, n);
    s->outlen += n;
}

static void expect(struct session *s, enum expect e) {
    if (s->qlen == QUEUE) {
        fprintf(stderr, "smtpload: reply queue overflow\n");
        exit(2);
    }
    s->queue[(s->qhead + s->qlen++) % QUEUE] = e;
}

static int claim(struct session *s) {
    if (claimed >= total || (per_conn > 0 && s->sent_on_conn >= per_conn)) return 0;
    claimed++;
    s->sent_on_conn++;
    s->inflight++;
    return 1;
}

static void flush(struct session *s) {
    while (s->outoff < s->outlen) {
        ssize_t w = send(s->fd, s->out + s->outoff, s->outlen - s->outoff, MSG_NOSIGNAL);
        if (w < 0 && errno == EAGAIN) break;
        if (w < 0) return;      /* the read side sees the close */
        s->outoff += w;
    }
    struct epoll_event ev = {.events = EPOLLIN | (s->outoff < s->outlen ? EPOLLOUT : 0), .data.ptr = s};
    epoll_ctl(ep, EPOLL_CTL_MOD, s->fd, &ev);
}

static void open_connection(struct session *s) {
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
    inet_pton(AF_INET, addr, &sa.sin_addr);
    s->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    s->generation++;
    if (s->fd < 0) die("socket");
    int one = 1;
    setsockopt(s->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(s->fd, (struct sockaddr *) &sa, sizeof sa) < 0 && errno != EINPROGRESS) die("connect");
    s->connected = 0;
    s->pipelining = 0;
    s->sent_on_conn = 0;
    s->qhead = s->qlen = 0;
    s->inlen = 0;
    s->outoff = s->outlen = 0;
    expect(s, GREETING);
    struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT, .data.ptr = s};
    if (epoll_ctl(ep, EPOLL_CTL_ADD, s->fd, &ev) < 0) die("epoll_ctl");
}

/* ends the connection; a message begun on it and not yet answered is lost, an error */
static void close_connection(struct session *s) {
    errors += s->inflight;
    s->inflight = 0;
    close(s->fd);
    s->fd = -1;
    if (claimed < total) open_connection(s);
}

/* the next transaction, or QUIT when this connection (or the run) has sent its share */
static void next_transaction(struct session *s) {
    if (claim(s)) {
        if (s->pipelining) {
            append(s, envelope, sizeof envelope - 1);
            expect(s, MAIL);
            expect(s, RCPT);
            expect(s, DATA);
        } else {
            append(s, "MAIL FROM:<load@smtpload.test>\r\n", 32);
            expect(s, MAIL);
        }
    } else {
        append(s, "QUIT\r\n", 6);
        expect(s, QUIT);
    }
}

static void on_reply(struct session *s, int code) {
    if (s->qlen == 0) {
        if (complaints++ < 5) fprintf(stderr, "smtpload: reply %d where none was due\n", code);
        close_connection(s);
        return;
    }
    enum expect e = s->queue[s->qhead];
    s->qhead = (s->qhead + 1) % QUEUE;
    s->qlen--;
    int want = e == GREETING ? 220 : e == DATA ? 354 : e == QUIT ? 221 : 250;
    if (code != want) {
        if (e == QUIT) {        /* every message of this connection was answered already */
            close_connection(s);
            return;
        }
        if (complaints++ < 5) fprintf(stderr, "smtpload: reply %d where %d was due\n", code, want);
        close_connection(s);
        return;
    }
    switch (e) {
        case GREETING:
            append(s, "EHLO smtpload.test\r\n", 20);
            expect(s, EHLO);
            break;
        case EHLO:
            s->pipelining = pipeline && s->reply_pipelining;
            next_transaction(s);
            break;
        case MAIL:
            if (!s->pipelining) {
                append(s, "RCPT TO:<sink@server.test>\r\n", 28);
                expect(s, RCPT);
            }
            break;
        case RCPT:
            if (!s->pipelining) {
                append(s, "DATA\r\n", 6);
                expect(s, DATA);
            }
            break;
        case DATA:
            append(s, text, text_len);
            expect(s, DOT);
            if (s->pipelining) next_transaction(s);   /* RFC 2920 3.1: the text may open a group */
            break;
        case DOT:
            done++;
            s->inflight--;
            if (!s->pipelining) next_transaction(s);
            break;
        case QUIT:
            close_connection(s);
            return;
    }
    flush(s);
}

static void on_readable(struct session *s) {
    for (;;) {
        ssize_t r = recv(s->fd, s->in + s->inlen, sizeof s->in - s->inlen, 0);
        if (r < 0 && errno == EAGAIN) return;
        if (r <= 0) {
            if (s->qlen > 0 && complaints++ < 5) fprintf(stderr, "smtpload: the server closed with %d replies due\n", s->qlen);
            close_connection(s);
            return;
        }
        s->inlen += r;
        char *line = s->in;
        char *lf;
        unsigned generation = s->generation;
        while ((lf = memchr(line, '\n', s->in + s->inlen - line)) != NULL) {
            if (lf - line >= 4 && memcmp(line + 4, "PIPELINING", 10) == 0) s->reply_pipelining = 1;
            int last = lf - line < 4 || line[3] != '-';
            int code = atoi(line);
            line = lf + 1;
            if (last) {
                on_reply(s, code);
                s->reply_pipelining = 0;
                if (s->generation != generation) return;   /* closed (maybe reopened): the rest was the old one's */
            }
        }
        s->inlen -= line - s->in;
        memmove(s->in, line, s->inlen);
        if (s->inlen == sizeof s->in) {
            fprintf(stderr, "smtpload: reply line too long\n");
            exit(2);
        }
    }
}

int main(int argc, char **argv) {
    int o;
    while ((o = getopt(argc, argv, "a:P:s:m:l:k:pt:")) != -1) {
        switch (o) {
            case 'a': addr = optarg; break;
            case 'P': port = atoi(optarg); break;
            case 's': nsessions = atoi(optarg); break;
            case 'm': total = atol(optarg); break;
            case 'l': payload = strtoul(optarg, NULL, 10); break;
            case 'k': per_conn = atoi(optarg); break;
            case 'p': pipeline = 1; break;
            case 't': limit_s = atoi(optarg); break;
            default:
                fprintf(stderr, "usage: smtpload [-a ADDR] -P PORT [-s SESSIONS] [-m MESSAGES] [-l BYTES] "
                                "[-k PER_CONNECTION] [-p] [-t SECONDS]\n");
                return 2;
        }
    }
    if (port <= 0 || nsessions <= 0 || total <= 0) {
        fprintf(stderr, "smtpload: give -P PORT, and -s and -m above 0\n");
        return 2;
    }
    build_text();
    ep = epoll_create1(0);
    if (ep < 0) die("epoll_create1");
    struct session *sessions = calloc(nsessions, sizeof *sessions);
    double start = now_s();
    for (int i = 0; i < nsessions && i < total; i++) open_connection(&sessions[i]);
    struct epoll_event evs[256];
    while (done + errors < total) {
        if (now_s() - start > limit_s) {
            fprintf(stderr, "smtpload: %d s passed with %ld of %ld messages answered\n", limit_s, done + errors, total);
            break;
        }
        int n = epoll_wait(ep, evs, 256, 1000);
        for (int i = 0; i < n; i++) {
            struct session *s = evs[i].data.ptr;
            if (s->fd < 0) continue;
            if (!s->connected && (evs[i].events & (EPOLLOUT | EPOLLERR | EPOLLHUP))) {
                int err = 0;
                socklen_t len = sizeof err;
                getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &len);
                if (err != 0) {
                    errno = err;
                    die("connect");
                }
                s->connected = 1;
            }
            if (evs[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) on_readable(s);
            if (s->fd >= 0 && s->connected && (evs[i].events & EPOLLOUT)) flush(s);
        }
    }
    double secs = now_s() - start;
    printf("messages=%ld errors=%ld seconds=%.3f rate=%.0f\n", done, errors, secs, done / secs);
    return done == total ? 0 : 1;
}
