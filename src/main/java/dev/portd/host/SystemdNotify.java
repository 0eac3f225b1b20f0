package dev.portd.host;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.Socket;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * sd_notify(3) without libsystemd: one datagram of {@code KEY=value} lines to the AF_UNIX socket
 * named by {@code $NOTIFY_SOCKET} (a leading {@code @} names the abstract namespace). Without that
 * variable (not started by systemd with {@code Type=notify}) it does nothing.
 */
public final class SystemdNotify {
    private static final Logger log = LoggerFactory.getLogger(SystemdNotify.class);
    private final String socket;

    SystemdNotify(String socket) {
        this.socket = socket;
    }

    /** Notifies the socket of this process's environment, if any. */
    public static SystemdNotify fromEnvironment() {
        return new SystemdNotify(System.getenv("NOTIFY_SOCKET"));
    }

    /** {@code READY=1} and the pid systemd is to watch (it changes after {@code serve --upgrade}). */
    public void ready(String status) {
        send("READY=1\nMAINPID=" + ProcessHandle.current().pid() + "\nSTATUS=" + status + "\n");
    }

    /** {@code RELOADING=1}, with the CLOCK_MONOTONIC time systemd 253+ asks for. */
    public void reloading() {
        send("RELOADING=1\nMONOTONIC_USEC=" + System.nanoTime() / 1000 + "\n");
    }

    public void stopping() {
        send("STOPPING=1\n");
    }

    /** Sends the datagram; a failure is logged, never thrown: systemd's view is not worth stopping for. */
    void send(String state) {
        if (socket == null || socket.isEmpty()) {
            return;
        }
        if (!socket.startsWith("/") && !socket.startsWith("@")) {
            log.warn("NOTIFY_SOCKET = {}: neither a path nor @abstract; not notifying", socket);
            return;
        }
        byte[] path = socket.getBytes(StandardCharsets.UTF_8);
        if (path[0] == '@') {
            path[0] = 0;   // the abstract namespace: a name starting with a NUL byte
        }
        try {
            Epoll.ensureAvailability();
            Socket s = Socket.newSocketDomainDgram();
            try {
                byte[] bytes = state.getBytes(StandardCharsets.UTF_8);
                ByteBuffer buf = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
                s.sendToDomainSocket(buf, 0, bytes.length, path);
            } finally {
                s.close();
            }
        } catch (IOException | RuntimeException | LinkageError e) {
            log.warn("sd_notify to {} failed: {}", socket, e.getMessage());
        }
    }
}
