package dev.portd.scan;

import dev.portd.scan.Targets.Target;
import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP connect scan: for each host and port, a non-blocking connect, its outcome stored as one
 * byte. A completed handshake is closed at once with SO_LINGER 0 (an RST, so no TIME_WAIT fills the
 * local port range); a refusal is final; a silence is retried.
 *
 * <p>Three engines run it. On Linux ({@code auto} and {@code epoll}) raw non-blocking sockets on
 * Netty's epoll loops ({@link EpollLane}), with no channel per port and a socket reused after each
 * refusal; elsewhere ({@code auto} and {@code nio}) JDK sockets in one selector per thread
 * ({@link SelectorLane}); {@code io_uring} a Netty channel per port. Each loop feeds itself,
 * starting the next connect when one ends, so the number in flight stays at the concurrency without
 * locks or cross-thread queues, and results live in a {@code byte[]} indexed by (port, host).
 */
public final class PortScan implements AutoCloseable {
    /** A local failure (no free local port, no file descriptor) is retried after this pause... */
    private static final long LOCAL_RETRY_MILLIS = 20;
    static final long LOCAL_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(LOCAL_RETRY_MILLIS);
    /** ...this many times before the port is reported as an error: 10 s of trying in all. */
    private static final int LOCAL_RETRY_LIMIT = 500;

    private final List<Target> targets;
    private final InetAddress[] addresses;
    private final int[] ports;
    private final ScanSettings settings;
    private final ClientTransport transport;
    private final int total;
    private final byte[] states;
    private final byte[] attempts;
    private final short[] localFailures;
    /** Hosts this machine has no route to: their remaining ports are recorded without a connect. */
    private final boolean[] unreachable;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger finished = new AtomicInteger();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicLong nextSlotNanos = new AtomicLong();
    private final long slotNanos;
    private final int timeoutMillis;
    private final CountDownLatch over = new CountDownLatch(1);
    private EventLoopGroup group;
    private final List<SelectorLane> lanes = new ArrayList<>();
    private final List<EpollLane> epollLanes = new ArrayList<>();
    private final List<Thread> laneThreads = new ArrayList<>();
    private volatile boolean stopping;
    private long startNanos;
    private volatile long endNanos;

    public PortScan(List<Target> targets, int[] ports, ScanSettings settings) {
        long items = (long) targets.size() * ports.length;
        if (items > Integer.MAX_VALUE - 8 || items == 0) {
            throw new IllegalArgumentException(items == 0 ? "nothing to scan"
                    : targets.size() + " hosts x " + ports.length + " ports is too many; scan fewer at once");
        }
        this.targets = List.copyOf(targets);
        this.addresses = targets.stream().map(Target::address).toArray(InetAddress[]::new);
        this.ports = ports.clone();
        this.settings = settings;
        this.transport = ClientTransport.choose(settings.transport());
        this.total = (int) items;
        this.states = new byte[total];
        this.attempts = new byte[total];
        this.localFailures = new short[total];
        this.unreachable = new boolean[addresses.length];
        this.timeoutMillis = (int) Math.min(Integer.MAX_VALUE, settings.timeout().toMillis());
        this.slotNanos = settings.rate() == 0 ? 0 : TimeUnit.SECONDS.toNanos(1) / settings.rate();
    }

    /** Starts the scan; it runs on its own threads until done, {@link #stop() stopped} or closed. */
    public PortScan start() {
        startNanos = System.nanoTime();
        nextSlotNanos.set(startNanos);
        if (transport.name().equals("nio")) {
            startLanes();
            return this;
        }
        group = new MultiThreadIoEventLoopGroup(settings.threads(), new DefaultThreadFactory("portd-scan", true),
                transport.ioHandler());
        int loops = settings.threads();
        int perLoop = Math.max(1, settings.concurrency() / loops);
        if (transport.name().equals("epoll")) {
            for (int i = 0; i < loops; i++) {
                IoEventLoop loop = (IoEventLoop) group.next();
                EpollLane lane = new EpollLane(this, loop, perLoop, settings.timeout().toNanos());
                epollLanes.add(lane);
                loop.execute(lane::fill);
            }
            return this;
        }
        for (int i = 0; i < loops; i++) {
            EventLoop loop = group.next();
            loop.execute(() -> {
                for (int n = 0; n < perLoop; n++) {
                    launchNext(loop);
                }
            });
        }
        return this;
    }

    private void startLanes() {
        int count = settings.threads();
        int perLane = Math.max(1, settings.concurrency() / count);
        long timeoutNanos = settings.timeout().toNanos();
        try {
            for (int i = 0; i < count; i++) {
                lanes.add(new SelectorLane(this, perLane, timeoutNanos));
            }
        } catch (IOException e) {
            lanes.forEach(SelectorLane::wakeup);
            throw new UncheckedIOException("cannot open a selector: " + e.getMessage(), e);
        }
        for (int i = 0; i < count; i++) {
            Thread thread = new Thread(lanes.get(i), "portd-scan-" + i);
            thread.setDaemon(true);
            laneThreads.add(thread);
        }
        for (Thread thread : laneThreads) {
            thread.start();
        }
    }

    /** Waits until every port has a state or the scan was stopped; false when the time ran out. */
    public boolean await(long timeout, TimeUnit unit) throws InterruptedException {
        return over.await(timeout, unit);
    }

    /** Waits until every port has a state or the scan was stopped. */
    public void await() throws InterruptedException {
        over.await();
    }

    /** Stops starting connects (Ctrl-C); ports not answered yet stay {@link PortState#PENDING}. */
    public void stop() {
        stopping = true;
        lanes.forEach(SelectorLane::wakeup);
        finish();
    }

    /** Closes the event loops and every connect still in flight. */
    @Override
    public void close() {
        stopping = true;
        if (group != null) {
            if (!group.isShuttingDown()) {
                epollLanes.forEach(lane -> lane.loop().execute(lane::closeSpares));   // run before the loop ends
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        lanes.forEach(SelectorLane::wakeup);
        boolean interrupted = false;
        for (Thread thread : laneThreads) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        finish();
    }

    private void launchNext(EventLoop loop) {
        while (!stopping) {
            int item = next.getAndIncrement();
            if (item >= total) {
                return;
            }
            // a plain array read: a loop that misses another's write makes one more connect, which fails alike
            if (!unreachable[item % addresses.length]) {
                attempt(loop, item);
                return;
            }
            record(item, PortState.UNREACHABLE);
        }
    }

    private void attempt(EventLoop loop, int item) {
        if (slotNanos > 0) {
            long delay = reserveSlot();
            if (delay > 0) {
                loop.schedule(() -> connect(loop, item), delay, TimeUnit.NANOSECONDS);
                return;
            }
        }
        connect(loop, item);
    }

    boolean stopping() {
        return stopping;
    }

    /** The next host x port pair to scan, or -1 when every one has been handed out. */
    int nextItem() {
        int item = next.getAndIncrement();
        return item < total ? item : -1;
    }

    InetSocketAddress address(int item) {
        return new InetSocketAddress(addresses[item % addresses.length], ports[item / addresses.length]);
    }

    /** An IPv4 socket for an IPv4 target, not a dual-stack IPv6 one, which costs the kernel more per connect. */
    ProtocolFamily family(int item) {
        return addresses[item % addresses.length] instanceof Inet4Address
                ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6;
    }

    /** A local shortage (no free local port, no descriptor) for this port: may it be tried again later? */
    boolean mayRetryLocally(int item) {
        return localFailures[item]++ < LOCAL_RETRY_LIMIT && !stopping;
    }

    /** No answer from this port: does it have a retry left? */
    boolean mayRetrySilence(int item) {
        return attempts[item]++ < settings.retries();
    }

    /** --rate: each attempt takes the next free time slot; returns how long to wait for it (0 without a rate). */
    long reserveSlot() {
        if (slotNanos == 0) {
            return 0;
        }
        while (true) {
            long now = System.nanoTime();
            long slot = nextSlotNanos.get();
            long start = Math.max(slot, now);
            if (nextSlotNanos.compareAndSet(slot, start + slotNanos)) {
                return start - now;
            }
        }
    }

    /**
     * One connect. No Bootstrap: a scan channel needs no handler, option map or attributes, so it is
     * created, registered (at once, as this is its loop's thread) and connected directly.
     */
    private void connect(EventLoop loop, int item) {
        if (stopping) {
            return;
        }
        int targetCount = addresses.length;
        InetAddress target = addresses[item % targetCount];
        InetSocketAddress address = new InetSocketAddress(target, ports[item / targetCount]);
        Channel channel;
        try {
            channel = transport.open(target);
        } catch (ChannelException e) {
            connected(loop, item, null, e);   // no descriptor left: retried like any local shortage
            return;
        }
        channel.config().setConnectTimeoutMillis(timeoutMillis);
        loop.register(channel);
        channel.connect(address).addListener(f -> connected(loop, item, channel, f.cause()));
    }

    private void connected(EventLoop loop, int item, Channel channel, Throwable failure) {
        if (failure == null) {
            record(item, selfConnected(channel) ? PortState.CLOSED : PortState.OPEN);
            resetAndClose(channel);
        } else {
            if (channel != null) {
                channel.close();
            }
            PortState state = classify(failure);
            if (state == PortState.UNREACHABLE) {
                unreachable[item % addresses.length] = true;
            }
            if (state == null && localFailures[item]++ < LOCAL_RETRY_LIMIT && !stopping) {
                loop.schedule(() -> attempt(loop, item), LOCAL_RETRY_MILLIS, TimeUnit.MILLISECONDS);
                return;
            }
            if (state == PortState.FILTERED && attempts[item]++ < settings.retries()) {
                attempt(loop, item);
                return;
            }
            record(item, state == null ? PortState.ERROR : state);
        }
        launchNext(loop);
    }

    /**
     * TCP's simultaneous open lets a socket connect to itself: on loopback, when the kernel picks the
     * scanned port as the local port of the connect (it lies in the ephemeral range), the handshake
     * "succeeds" with nobody listening. nmap does not count such a port as open, nor does portd.
     */
    static boolean selfConnected(Channel channel) {
        return channel.localAddress() != null && channel.localAddress().equals(channel.remoteAddress());
    }

    /**
     * Closes with an RST (SO_LINGER 0) instead of a FIN: no TIME_WAIT is left to hold the local port
     * for a minute, which a scan of thousands of open ports would otherwise run out of.
     */
    static void resetAndClose(Channel channel) {
        try {
            if (channel.isOpen()) {
                channel.config().setOption(ChannelOption.SO_LINGER, 0);
            }
        } catch (ChannelException e) {
            // closed by the peer meanwhile: nothing lingers
        }
        channel.close();
    }

    /**
     * What a failed connect means; null for a local shortage worth retrying. Only FILTERED is retried:
     * "network is unreachable" (ENETUNREACH) comes from this machine's own routing table at once, and
     * asking again, or for another port of that host, gets the same answer.
     */
    static PortState classify(Throwable cause) {
        String message = String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT);
        // Netty's native transports throw ENETUNREACH as a NoRouteToHostException without a message,
        // wrapped in one that adds the address (EHOSTUNREACH, an ICMP answer, carries "No route to
        // host"); the JDK's NIO says it in words
        Throwable raw = cause.getCause() != null ? cause.getCause() : cause;
        if (message.contains("network is unreachable")
                || (raw instanceof NoRouteToHostException && raw.getMessage() == null)) {
            return PortState.UNREACHABLE;
        }
        if (cause instanceof ConnectTimeoutException || cause instanceof NoRouteToHostException) {
            return PortState.FILTERED;
        }
        if (message.contains("refused") || message.contains("reset by peer")) {
            return PortState.CLOSED;
        }
        if (message.contains("unreachable") || message.contains("no route")) {
            return PortState.FILTERED;   // an ICMP unreachable: nmap says filtered too
        }
        if (cause instanceof ChannelException || message.contains("cannot assign requested address")
                || message.contains("temporarily unavailable") || message.contains("too many open files")) {
            return null;
        }
        return PortState.ERROR;
    }

    void record(int item, PortState state) {
        states[item] = state.code();
        if (state == PortState.OPEN) {
            open.incrementAndGet();
        }
        if (finished.incrementAndGet() == total) {
            finish();
        }
    }

    private void finish() {
        if (endNanos == 0) {
            endNanos = System.nanoTime();
        }
        over.countDown();
    }

    /** Whether every port has its state (false after a stop). */
    public boolean complete() {
        return finished.get() == total;
    }

    /** Ports with a state so far, for a progress bar. */
    public int finished() {
        return finished.get();
    }

    /** Open ports found so far. */
    public int openSoFar() {
        return open.get();
    }

    /** Host x port pairs in the scan. */
    public int total() {
        return total;
    }

    /** The state of one port of one host (read it after {@link #await()} or {@link #close()}). */
    public PortState state(int target, int portIndex) {
        return PortState.of(states[portIndex * addresses.length + target]);
    }

    public List<Target> targets() {
        return targets;
    }

    public int[] ports() {
        return ports.clone();
    }

    /** The port at an index of the port list. */
    public int port(int portIndex) {
        return ports[portIndex];
    }

    public int portCount() {
        return ports.length;
    }

    /** Time from start to the last answer (or to the stop), or to now while running. */
    public long elapsedNanos() {
        long end = endNanos;
        return (end == 0 ? System.nanoTime() : end) - startNanos;
    }

    public String transportName() {
        return transport.name();
    }

    public ScanSettings settings() {
        return settings;
    }
}
