/* bench/ref/epoll_ref.c: the C floor beside portd in bench/conncost.sh, and the upstream echo server
 * behind the proxies in bench/forward.sh. One thread, one epoll set, level-triggered, non-blocking
 * sockets: echo (RFC 862) on ECHO_PORT and daytime (RFC 867) on DAYTIME_PORT, with nothing else (no
 * limits, no counters). Echo honours back-pressure: what a full send buffer did not take is kept, and
 * the connection is not read again until it is sent (a streaming client through a proxy fills it). Build: cc -O2 -o epoll_ref epoll_ref.c
 * Run: ./epoll_ref ECHO_PORT DAYTIME_PORT (binds 127.0.0.1). */
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

/* What an echo connection still has to send, by fd: set only after a short write. */
struct pending {
    char *data;
    size_t len, off;
};
static struct pending *pending;
static int pending_size;

static struct pending *pending_of(int fd) {
    if (fd >= pending_size) {
        int n = fd * 2 + 64;
        pending = realloc(pending, (size_t)n * sizeof *pending);
        memset(pending + pending_size, 0, (size_t)(n - pending_size) * sizeof *pending);
        pending_size = n;
    }
    return &pending[fd];
}

static void watch(int ep, int fd, unsigned events) {
    struct epoll_event ev = {.events = events, .data.fd = fd};
    epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev);
}

static void close_echo(int fd) {
    struct pending *p = pending_of(fd);
    free(p->data);
    *p = (struct pending){0};
    close(fd);
}

/* Sends what waits on fd; when all of it went, reads again. */
static void drain(int ep, int fd) {
    struct pending *p = pending_of(fd);
    ssize_t w = write(fd, p->data + p->off, p->len - p->off);
    if (w < 0 && errno != EAGAIN) {
        close_echo(fd);
        return;
    }
    p->off += w > 0 ? (size_t)w : 0;
    if (p->off == p->len) {
        free(p->data);
        *p = (struct pending){0};
        watch(ep, fd, EPOLLIN);
    }
}

static int listen_on(int port) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), one = 1;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, (struct sockaddr *)&a, sizeof a) || listen(fd, 4096)) {
        perror("bind/listen");
        exit(1);
    }
    return fd;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s ECHO_PORT DAYTIME_PORT\n", argv[0]);
        return 2;
    }
    int echo = listen_on(atoi(argv[1])), daytime = listen_on(atoi(argv[2]));
    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN}, events[256];
    ev.data.fd = echo;
    epoll_ctl(ep, EPOLL_CTL_ADD, echo, &ev);
    ev.data.fd = daytime;
    epoll_ctl(ep, EPOLL_CTL_ADD, daytime, &ev);
    char buf[65536];
    for (;;) {
        int n = epoll_wait(ep, events, 256, -1);
        for (int i = 0; i < n; i++) {
            int fd = events[i].data.fd;
            if (fd == daytime) {
                int c;
                while ((c = accept4(daytime, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
                    time_t now = time(NULL);
                    struct tm tm;
                    int len = (int)strftime(buf, sizeof buf, "%A, %B %d, %Y %H:%M:%S-UTC\r\n", gmtime_r(&now, &tm));
                    if (write(c, buf, len) < 0) { /* the client went away: nothing to do */ }
                    close(c);
                }
            } else if (fd == echo) {
                int c;
                while ((c = accept4(echo, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
                    int one = 1;
                    setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    struct epoll_event ce = {.events = EPOLLIN, .data.fd = c};
                    epoll_ctl(ep, EPOLL_CTL_ADD, c, &ce);
                }
            } else if ((events[i].events & EPOLLOUT) || pending_of(fd)->len) {   /* EPOLLERR/HUP too */
                drain(ep, fd);
            } else {
                ssize_t r = read(fd, buf, sizeof buf);
                if (r > 0) {
                    ssize_t w = write(fd, buf, (size_t)r);
                    if (w < 0 && errno != EAGAIN) {
                        close_echo(fd);
                    } else if (w < r) {   /* a full send buffer: keep the rest, stop reading until it is sent */
                        size_t sent = w > 0 ? (size_t)w : 0;
                        struct pending *p = pending_of(fd);
                        p->len = (size_t)r - sent;
                        p->off = 0;
                        p->data = malloc(p->len);
                        memcpy(p->data, buf + sent, p->len);
                        watch(ep, fd, EPOLLOUT);
                    }
                } else if (r == 0 || errno != EAGAIN) {
                    close_echo(fd);
                }
            }
        }
    }
}
