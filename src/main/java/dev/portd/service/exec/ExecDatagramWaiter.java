package dev.portd.service.exec;

import com.sun.jna.Memory;
import io.netty.channel.epoll.EpollDatagramChannel;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * inetd's UDP {@code wait}: portd never reads this socket; when a datagram is waiting, the program
 * is started with the socket as fd 0 and 1 and reads it itself (as in.tftpd does); portd looks at
 * the socket again only when the program has exited. One thread per such socket waits in
 * {@code poll(2)} and for the program, never an event loop. The host's UDP guard and counters see
 * none of these datagrams: the program owns them, in blocking mode while it runs.
 */
final class ExecDatagramWaiter {
    private static final int POLL_MILLIS = 250;
    private final ExecService service;
    private final EpollDatagramChannel socket;
    private volatile boolean stopping;
    private volatile ExecProcess running;
    private Thread thread;

    ExecDatagramWaiter(ExecService service, EpollDatagramChannel socket) {
        this.service = service;
        this.socket = socket;
    }

    void start() {
        thread = new Thread(this::run, "portd-exec-udp-" + service.name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Stops waiting; a running program gets SIGTERM, then SIGKILL after kill_after. */
    void stop() {
        stopping = true;
        ExecProcess p = running;
        if (p != null) {
            p.signal(LibC.SIGTERM);
            try {
                p.exit().get(service.killAfter.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                p.signal(LibC.SIGKILL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.signal(LibC.SIGKILL);
            } catch (ExecutionException e) {
                // reaped already
            }
        }
        if (thread != null) {
            thread.interrupt();
        }
    }

    private void run() {
        LibC c = LibC.load();
        int fd = socket.fd().intValue();
        Memory pollfd = new Memory(8);   // struct pollfd { int fd; short events; short revents; }
        while (!stopping && socket.isOpen()) {
            pollfd.setInt(0, fd);
            pollfd.setShort(4, LibC.POLLIN);
            pollfd.setShort(6, (short) 0);
            if (c.poll(pollfd, 1, POLL_MILLIS) <= 0 || (pollfd.getShort(6) & LibC.POLLIN) == 0 || stopping) {
                continue;
            }
            try {
                // blocking while the program owns it, as inetd hands it over (a program that reads
                // again after its first datagram would get EAGAIN otherwise); non-blocking again
                // after, because the socket stays Netty's (a reload may give it to another kind)
                ExecProcess.setNonBlocking(fd, false);
                ExecProcess p;
                try {
                    p = ExecProcess.spawn(service.spec(Map.of("PROTO", "UDP")), fd,
                            line -> service.stderrLine(running == null ? 0 : running.pid(), line));
                    running = p;
                    service.stats.started.increment();
                    service.stats.running.incrementAndGet();
                    ExitStatus status = p.exit().get();
                    running = null;
                    service.exited(p.pid(), socket.localAddress(), status);
                } finally {
                    ExecProcess.setNonBlocking(fd, true);
                }
            } catch (ExecProcess.SpawnException e) {
                service.startFailed(e.getMessage());
                return;   // a program that cannot start would be retried on every datagram
            } catch (InterruptedException | ExecutionException e) {
                return;
            }
        }
    }
}
