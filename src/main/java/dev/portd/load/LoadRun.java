package dev.portd.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;

/**
 * One run of the load generator: opens the connections of the mode, lets them work through the
 * warm-up, measures for the duration (or until the count is done), then closes everything and
 * returns the report. Handlers on the event loops report each operation here.
 *
 * <pre>{@code
 * LoadReport r = LoadRun.execute(LoadSpec.of(LoadMode.ECHO, new InetSocketAddress("127.0.0.1", 7))
 *         .withCount(10_000), p -> { });
 * }</pre>
 */
public final class LoadRun {
    /** Connects in progress at once while opening many connections, below the listen backlog. */
    static final int MAX_PENDING_CONNECTS = 256;
    /** A TCP connect slower than this fails (SYN retries after a full backlog take 1 s, 3 s, ...). */
    static final int CONNECT_TIMEOUT_MILLIS = 10_000;
    /** Progress (and the latency interval) every second. */
    static final long TICK_NANOS = 1_000_000_000L;

    private final LoadSpec spec;
    private final LoadStats stats = new LoadStats();
    private final StreamPattern pattern;
    private final ChargenCheck chargen;
    private final ClientTransport transport = ClientTransport.choose();
    private final EventLoopGroup group;
    private final ChannelGroup channels = new DefaultChannelGroup("load", GlobalEventExecutor.INSTANCE);
    private final AtomicLong tickets;
    private final AtomicLong finished = new AtomicLong();
    private final AtomicInteger lanes = new AtomicInteger();
    private final AtomicInteger nextConnection = new AtomicInteger();
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile boolean stopped;
    private volatile boolean interrupted;

    private LoadRun(LoadSpec spec) {
        this.spec = spec;
        this.pattern = new StreamPattern(spec.payloadBytes());
        this.chargen = spec.mode() == LoadMode.CHARGEN ? ChargenCheck.of(spec.chargenPattern()) : null;
        this.tickets = new AtomicLong(spec.count());
        this.group = new MultiThreadIoEventLoopGroup(spec.threads(), new DefaultThreadFactory("portd-load", true),
                transport.ioHandler().get());
    }

    /** What one second of the run looked like, for a live progress line. */
    public record Progress(boolean warmup, double elapsedSeconds, double opsPerSecond, double mbPerSecond,
                           long errors, int open, double p99Micros) {
    }

    /** Runs the spec to the end and reports; {@code progress} is called about once a second. */
    public static LoadReport execute(LoadSpec spec, Consumer<Progress> progress) throws InterruptedException {
        return prepare(spec).execute(progress);
    }

    /** A run not started yet: {@link #execute(Consumer)} runs it, {@link #interrupt()} may end it early. */
    public static LoadRun prepare(LoadSpec spec) {
        return new LoadRun(spec);
    }

    /** Runs to the end (or to {@link #interrupt()}) and reports; then the run is over. */
    public LoadReport execute(Consumer<Progress> progress) throws InterruptedException {
        try {
            return go(progress);
        } finally {
            stop();
        }
    }

    /**
     * Ends the run now (Ctrl-C), from any thread: the report covers what was done until then and
     * says it was interrupted.
     */
    public void interrupt() {
        interrupted = true;
        done.countDown();
    }

    // ---- what handlers call, on their event loops ----

    LoadSpec spec() {
        return spec;
    }

    LoadStats stats() {
        return stats;
    }

    StreamPattern pattern() {
        return pattern;
    }

    ChargenCheck chargen() {
        return chargen;
    }

    /** Takes the right to start one more operation; false once stopped or the count is given out. */
    boolean take() {
        if (stopped) {
            return false;
        }
        return spec.count() == 0 || tickets.getAndDecrement() > 0;
    }

    void completed(long latencyNanos, long sent, long received) {
        stats.completed(latencyNanos, sent, received);
        finish();
    }

    /** An operation that was started ({@link #take}) and failed. */
    void opFailed(String kind) {
        failed(kind);
        finish();
    }

    /** An error outside any one operation (a connection closed by the target, unexpected data). */
    void failed(String kind) {
        if (!stopped) {
            stats.error(kind);
        }
    }

    void lost() {
        stats.lost.increment();
        finish();
    }

    void opened() {
        stats.opened();
    }

    void closed() {
        stats.open.decrementAndGet();
    }

    void register(Channel ch) {
        channels.add(ch);
    }

    /** A connection or lane that will start no more operations. */
    void laneEnded() {
        if (lanes.decrementAndGet() == 0) {
            done.countDown();
        }
    }

    private void finish() {
        if (spec.count() > 0 && finished.incrementAndGet() == spec.count()) {
            done.countDown();
        }
    }

    /** The reason of an I/O failure without the syscall and the address: the error's kind. */
    static String describe(Throwable t) {
        String m = t.getMessage();
        if (m == null) {
            return t.getClass().getSimpleName();
        }
        // "finishConnect(..) failed with error(-111): Connection refused: /127.0.0.1:7" -> "Connection refused",
        // so errors of one kind add up under one name
        return m.replaceFirst("^\\w+\\(\\.\\.\\) failed( with error\\(-?\\d+\\))?: ", "")
                .replaceFirst(": /\\S+$", "");
    }

    // ---- the run ----

    private LoadReport go(Consumer<Progress> progress) throws InterruptedException {
        var cpu = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        Histogram total = new Histogram(3);
        Histogram interval = null;
        // the counters start before the first connect: a short count can be done before start() returns
        LoadStats.Snapshot begin = stats.snapshot();
        long cpuBegin = cpu.getProcessCpuTime();
        long t0 = begin.nanos();
        start();
        boolean counting = spec.count() > 0;
        long warmEnd = counting ? t0 : t0 + spec.warmup().toNanos();
        long end = (counting ? t0 : warmEnd) + spec.duration().toNanos();
        boolean warm = !counting && spec.warmup().toNanos() > 0;
        LoadStats.Snapshot last = begin;
        long nextTick = t0 + TICK_NANOS;
        while (true) {
            long now = System.nanoTime();
            long until = Math.min(nextTick, warm ? warmEnd : end);
            if (done.await(Math.max(0, until - now), TimeUnit.NANOSECONDS)) {
                break;
            }
            now = System.nanoTime();
            if (now >= nextTick) {
                nextTick += TICK_NANOS;
                interval = stats.latency.getIntervalHistogram(interval);
                if (!warm) {
                    total.add(interval);
                }
                LoadStats.Snapshot s = stats.snapshot();
                progress.accept(progress(warm, s.minus(last), interval, (now - t0) / 1e9));
                last = s;
            }
            if (warm && now >= warmEnd) {
                warm = false;
                interval = stats.latency.getIntervalHistogram(interval);   // warm-up latencies are dropped
                begin = stats.snapshot();
                last = begin;
                cpuBegin = cpu.getProcessCpuTime();
            } else if (!warm && now >= end) {
                break;
            }
        }
        LoadStats.Snapshot finish = stats.snapshot();
        long cpuEnd = cpu.getProcessCpuTime();
        total.add(stats.latency.getIntervalHistogram(interval));
        boolean countReached = counting && finished.get() >= spec.count();
        return LoadReport.of(spec, transport.name(), finish.minus(begin), finish, total, stats, countReached,
                (cpuEnd - cpuBegin) / 1e9, interrupted);
    }

    private Progress progress(boolean warmup, LoadStats.Snapshot d, Histogram h, double elapsed) {
        double secs = Math.max(d.seconds(), 1e-9);
        long bytes = spec.mode().countsReceived() ? d.bytesReceived() : d.bytesSent();
        double p99 = h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(99) / 1000.0;
        return new Progress(warmup, elapsed, d.ops() / secs, bytes / secs / 1e6, stats.errors.sum(),
                stats.open.get(), p99);
    }

    private void start() {
        int n = spec.connections();
        lanes.set(n);
        switch (spec.mode()) {
            case ECHO, ECHO_STREAM -> open(() -> new EchoClientHandler(this));
            case DISCARD -> open(() -> new DiscardClientHandler(this));
            case CHARGEN -> open(() -> new ChargenClientHandler(this));
            case IDLE -> open(() -> new IdleClientHandler(this));
            case CONNECT -> {
                Bootstrap b = tcp();
                for (int i = 0; i < n; i++) {
                    new ConnectLane(this, b, source(i)).next();
                }
            }
            case UDP_ECHO -> {
                Bootstrap b = new Bootstrap().group(group).channel(transport.datagramChannel())
                        .handler(initializer(() -> new UdpEchoHandler(this)));
                for (int i = 0; i < n; i++) {
                    connect(b, i);
                }
            }
        }
    }

    private Bootstrap tcp() {
        Bootstrap b = new Bootstrap().group(group).channel(transport.socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS);
        if (transport.isEpoll() && !spec.sources().isEmpty()) {
            // pick the port at connect(), by the whole 4-tuple: more connections per source address
            b.option(EpollChannelOption.IP_BIND_ADDRESS_NO_PORT, true);
        }
        return b;
    }

    /** Opens the mode's persistent connections, at most MAX_PENDING_CONNECTS at a time. */
    private void open(Supplier<ChannelHandler> handler) {
        Bootstrap b = tcp().handler(initializer(handler));
        for (int i = 0; i < Math.min(MAX_PENDING_CONNECTS, spec.connections()); i++) {
            openNext(b);
        }
    }

    private void openNext(Bootstrap b) {
        int i = nextConnection.getAndIncrement();
        if (i >= spec.connections() || stopped) {
            return;
        }
        connect(b, i).addListener(f -> openNext(b));
    }

    private ChannelFuture connect(Bootstrap b, int i) {
        InetSocketAddress source = source(i);
        ChannelFuture f = source == null ? b.connect(spec.target()) : b.connect(spec.target(), source);
        return f.addListener((ChannelFuture cf) -> {
            if (cf.isSuccess()) {
                register(cf.channel());
            } else {
                failed("connect: " + describe(cf.cause()));
                laneEnded();
            }
        });
    }

    private InetSocketAddress source(int i) {
        return spec.sources().isEmpty() ? null
                : new InetSocketAddress(spec.sources().get(i % spec.sources().size()), 0);
    }

    private static ChannelInitializer<Channel> initializer(Supplier<ChannelHandler> handler) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(handler.get());
            }
        };
    }

    private void stop() {
        stopped = true;
        channels.close().awaitUninterruptibly(10, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
        pattern.release();   // no event loop runs any more: no write holds a slice of it
    }
}
