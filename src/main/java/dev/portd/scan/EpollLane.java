package dev.portd.scan;

import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.epoll.LinuxSocket;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.unix.FileDescriptor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * One event loop of the scan's Linux engine: raw non-blocking sockets (Netty's {@link LinuxSocket},
 * no channel, pipeline or promise), and the connect's outcome read from the socket itself instead
 * of from an exception.
 *
 * <p>Per closed port: {@code connect}, {@code getsockopt(SO_ERROR)} and {@code connect(AF_UNSPEC)}.
 * On loopback the kernel settles a connect before {@code connect()} returns (the RST or SYN-ACK is
 * processed on the way out of the system call), so SO_ERROR already says "refused"; when it says
 * nothing, {@code getpeername} tells an established connection from one still in progress, and only
 * the latter is registered with the loop's epoll set (for EPOLLOUT) and given a timeout task. A
 * refusal builds no exception.
 *
 * <p>A socket whose connect was refused is kept for the next port: Linux lets a TCP socket connect
 * again once a failed connect has been dissolved ({@code connect} with {@code AF_UNSPEC}), and the
 * failure already gave its local port back. That saves the {@code socket}, {@code getsockname} (Netty
 * asks the family) and {@code close} of a fresh socket per port: creating and freeing a socket was
 * 40% of the kernel's work in a full loopback scan.
 */
final class EpollLane {
    /** Connects settled in one go before the loop gets to run its other tasks and I/O. */
    private static final int BATCH = 512;
    /** Linux errno values SO_ERROR reports (this engine runs on Linux only). */
    private static final int ECONNREFUSED = 111;
    private static final int ECONNRESET = 104;
    private static final int ENETUNREACH = 101;
    private static final int EHOSTUNREACH = 113;
    private static final int ETIMEDOUT = 110;
    private static final int EADDRNOTAVAIL = 99;

    private final PortScan scan;
    private final IoEventLoop loop;
    private final int capacity;
    private final long timeoutNanos;
    private int inFlight;
    private boolean filling;
    /** A socket whose refused connect was dissolved, ready for the next port of its family; or null. */
    private LinuxSocket spareIpv4;
    private LinuxSocket spareIpv6;

    EpollLane(PortScan scan, IoEventLoop loop, int capacity, long timeoutNanos) {
        this.scan = scan;
        this.loop = loop;
        this.capacity = capacity;
        this.timeoutNanos = timeoutNanos;
    }

    /** Starts connects until {@code capacity} are pending; runs on the loop. */
    void fill() {
        if (filling) {
            return;
        }
        filling = true;
        try {
            for (int settled = 0; inFlight < capacity && !scan.stopping(); settled++) {
                if (settled == BATCH) {
                    loop.execute(this::fill);   // let the loop's I/O and timers run between batches
                    return;
                }
                int item = scan.nextItem();
                if (item < 0) {
                    return;
                }
                attempt(item);
            }
        } finally {
            filling = false;
        }
    }

    private void attempt(int item) {
        long delay = scan.reserveSlot();
        if (delay > 0) {
            inFlight++;   // holds its place while it waits for its --rate slot
            loop.schedule(() -> {
                inFlight--;
                connect(item);
                fill();
            }, delay, TimeUnit.NANOSECONDS);
            return;
        }
        connect(item);
    }

    private void connect(int item) {
        if (scan.stopping()) {
            return;
        }
        InetSocketAddress address = scan.address(item);
        boolean ipv4 = address.getAddress() instanceof Inet4Address;
        LinuxSocket socket = ipv4 ? spareIpv4 : spareIpv6;
        if (socket != null) {
            setSpare(ipv4, null);
        } else {
            try {
                socket = LinuxSocket.newSocketStream(ipv4 ? SocketProtocolFamily.INET : SocketProtocolFamily.INET6);
            } catch (RuntimeException e) {   // Netty's ChannelException: no descriptor left
                failed(item, null);
                return;
            }
        }
        try {
            if (socket.connect(address)) {
                opened(socket, item);
                return;
            }
            PortState state = settled(socket);
            if (state == PortState.OPEN) {
                opened(socket, item);
            } else if (state == PortState.CLOSED || state == PortState.FILTERED) {
                keep(socket, ipv4);
                failed(item, state);
            } else if (state != PortState.PENDING) {
                close(socket);
                failed(item, state);
            } else {
                inFlight++;
                Pending pending = new Pending(socket, item);
                loop.register(pending).addListener(pending::registered);
            }
        } catch (IOException e) {
            close(socket);
            failed(item, PortScan.classify(e));
        }
    }

    /**
     * What the socket says of its connect without waiting: OPEN, CLOSED, FILTERED, PENDING (no
     * answer yet), or null for a local shortage.
     */
    private static PortState settled(LinuxSocket socket) throws IOException {
        int error = socket.getSoError();
        switch (error) {
            case 0:
                return socket.remoteAddress() != null ? PortState.OPEN : PortState.PENDING;
            case ECONNREFUSED:
            case ECONNRESET:
                return PortState.CLOSED;
            case ENETUNREACH:
            case EHOSTUNREACH:
            case ETIMEDOUT:
                return PortState.FILTERED;   // an ICMP unreachable or the kernel's own give-up: nmap says filtered
            case EADDRNOTAVAIL:
                return null;
            default:
                return PortState.ERROR;
        }
    }

    private void opened(LinuxSocket socket, int item) {
        boolean self;
        try {
            // TCP's simultaneous open: a loopback connect whose local port is the scanned port
            InetSocketAddress local = socket.localAddress();
            self = local != null && local.equals(socket.remoteAddress());
            socket.setSoLinger(0);   // RST: no TIME_WAIT per open port
        } catch (IOException e) {
            self = false;   // reset by the peer meanwhile: it was open, and nothing lingers
        }
        close(socket);
        scan.record(item, self ? PortState.CLOSED : PortState.OPEN);
    }

    /** A connect ended without a handshake; {@code state} null is a local shortage. */
    private void failed(int item, PortState state) {
        if (state == null) {
            if (scan.mayRetryLocally(item)) {
                inFlight++;
                loop.schedule(() -> {
                    inFlight--;
                    attempt(item);
                    fill();
                }, PortScan.LOCAL_RETRY_NANOS, TimeUnit.NANOSECONDS);
                return;
            }
            state = PortState.ERROR;
        }
        if (state == PortState.FILTERED && scan.mayRetrySilence(item)) {
            attempt(item);
            return;
        }
        scan.record(item, state);
    }

    /**
     * Dissolves a connect that ended in a refusal or an unreachable (the socket is back in TCP's
     * CLOSE state, its local port released) and keeps the socket for the next port of its family.
     */
    private void keep(LinuxSocket socket, boolean ipv4) {
        try {
            socket.disconnect();
        } catch (IOException e) {
            close(socket);
            return;
        }
        if ((ipv4 ? spareIpv4 : spareIpv6) != null || scan.stopping()) {
            close(socket);
        } else {
            setSpare(ipv4, socket);
        }
    }

    /** Closes the kept sockets; runs on the loop, queued by {@link PortScan#close()} before the loop shuts down. */
    void closeSpares() {
        for (LinuxSocket spare : new LinuxSocket[] {spareIpv4, spareIpv6}) {
            if (spare != null) {
                close(spare);
            }
        }
        spareIpv4 = null;
        spareIpv6 = null;
    }

    IoEventLoop loop() {
        return loop;
    }

    private void setSpare(boolean ipv4, LinuxSocket socket) {
        if (ipv4) {
            spareIpv4 = socket;
        } else {
            spareIpv6 = socket;
        }
    }

    private static void close(LinuxSocket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // the descriptor is gone either way
        }
    }

    /** A connect still in progress: registered for EPOLLOUT (which an error raises too), with a timeout. */
    private final class Pending implements EpollIoHandle {
        private final LinuxSocket socket;
        private final int item;
        private IoRegistration registration;
        private ScheduledFuture<?> timeout;
        private boolean done;

        Pending(LinuxSocket socket, int item) {
            this.socket = socket;
            this.item = item;
        }

        void registered(Future<? super IoRegistration> future) {
            if (!future.isSuccess()) {
                end(PortState.ERROR);
                return;
            }
            registration = (IoRegistration) future.getNow();
            registration.submit(EpollIoOps.EPOLLOUT);
            timeout = loop.schedule(() -> end(PortState.FILTERED), timeoutNanos, TimeUnit.NANOSECONDS);
        }

        @Override
        public FileDescriptor fd() {
            return socket;
        }

        @Override
        public void handle(IoRegistration registration, IoEvent event) {
            PortState state;
            try {
                state = settled(socket);
            } catch (IOException e) {
                state = PortScan.classify(e);
            }
            if (state != PortState.PENDING) {
                end(state);
            }
        }

        private void end(PortState state) {
            if (done) {
                return;
            }
            done = true;
            inFlight--;
            if (timeout != null) {
                timeout.cancel(false);
            }
            if (registration != null) {
                registration.cancel();
            }
            if (state == PortState.OPEN) {
                opened(socket, item);
            } else {
                EpollLane.close(socket);
                failed(item, state);
            }
            fill();
        }

        @Override
        public void close() {
            if (!done) {
                done = true;
                EpollLane.close(socket);
            }
        }
    }
}
