/* bench/ref/epoll_ref.c: the C floor beside portd in bench/conncost.sh. One thread, one epoll set,
 * level-triggered, non-blocking sockets: echo (RFC 862) on ECHO_PORT and daytime (RFC 867) on
 * DAYTIME_PORT, with nothing else (no limits, no counters). Build: cc -O2 -o epoll_ref epoll_ref.c
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
            } else {
                ssize_t r = read(fd, buf, sizeof buf);
                if (r > 0) {
                    if (write(fd, buf, (size_t)r) != r) { /* a full send buffer: not in this bench's load */ }
                } else if (r == 0 || errno != EAGAIN) {
                    close(fd);
                }
            }
        }
    }
}
