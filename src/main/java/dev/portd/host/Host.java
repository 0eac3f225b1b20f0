package dev.portd.host;

import dev.portd.config.ConfigException;
import dev.portd.config.HostConfig;
import dev.portd.config.Limits;
import dev.portd.config.PlannedListener;
import dev.portd.config.ServiceConfig;
import dev.portd.service.HostEvent;
import dev.portd.service.HostView;
import dev.portd.service.HostView.Reload;
import dev.portd.service.OneReply;
import dev.portd.service.OptionException;
import dev.portd.ports.Protocol;
import dev.portd.service.Service;
import dev.portd.service.ServiceContext;
import dev.portd.service.ServiceKind;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.unix.UnixChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.ChannelGroupFuture;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running portd host: every configured service bound on its ports, served until closed.
 *
 * <p>Starting binds every listener before anything is served, and either all succeed or none stays
 * bound ({@link BindFailedException} lists every failure). Closing stops accepting, lets open
 * connections finish within the grace period, then closes what is left.
 *
 * <p>Embedded in a test, on loopback and ports chosen by the system:
 * <pre>{@code
 * try (Host host = Host.builder(ServiceKinds.BUILT_IN).service("echo").service("daytime").start();
 *      Socket socket = new Socket("127.0.0.1", host.tcpPort("echo"))) {
 *     socket.getOutputStream().write("hello\n".getBytes(US_ASCII));
 *     ...
 * }
 * }</pre>
 */
public final class Host implements HostView, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Host.class);
    /** Pending connections the kernel queues per listener; Linux caps it at net.core.somaxconn. */
    static final int BACKLOG = 4096;
    /** The largest UDP payload (65,535 less the IPv4 and UDP headers is 65,507; round up to a power of two). */
    static final int MAX_DATAGRAM_BYTES = 65_536;
    /** Blocking work (files, fsync, /proc) runs here, never on an event loop: at most this many threads at once. */
    static final int BLOCKING_THREADS = 16;
    /** A blocking thread without work this long ends (an idle host keeps none). */
    static final long BLOCKING_IDLE_SECONDS = 60;

    private volatile HostConfig config;
    private final Clock clock;
    private final Transport transport;
    private final EventLoopGroup group;
    private final ExecutorService blocking;
    /** The services and listeners now served; replaced whole by a reload (under this object's lock). */
    private volatile List<Running> services = List.of();
    private volatile List<Bound> bound = List.of();
    private volatile List<Listener> listeners = List.of();
    /** Instances a reload replaced or removed, until their connections have ended and they are stopped. */
    private final Set<Running> retired = ConcurrentHashMap.newKeySet();
    private final ChannelGroup connections = new DefaultChannelGroup("connections", GlobalEventExecutor.INSTANCE);
    /** What the loop guard never answers: the config's loop ports, then this host's UDP ports as they are bound. */
    private final Set<Integer> guardedPorts = ConcurrentHashMap.newKeySet();
    private final RefusalLog refusals = new RefusalLog();
    private final FdBudget fds = new FdBudget();
    private Instant startedAt;
    private volatile Reload lastReload;
    private boolean closed;
    /** Set before the listeners close: a connection accepted meanwhile closes itself (see initChannel). */
    private volatile boolean closing;

    /** One service instance with its counters, its gate and its open connections. */
    record Running(ServiceConfig config, Service service, ServiceStats stats, ConnectionGate gate,
                   ChannelGroup connections, AtomicBoolean stopped) {
        /** Calls the service's stopped() once, however many ways it is stopped. */
        void stop() {
            if (stopped.compareAndSet(false, true)) {
                service.stopped();
            }
        }
    }

    /** One bound listener: the planned entry it was bound for, its socket, and the instance it serves. */
    static final class Bound {
        volatile PlannedListener planned;
        final Channel channel;
        final ListenerInitializer tcp;   // null for UDP
        volatile Running running;

        Bound(PlannedListener planned, Channel channel, ListenerInitializer tcp, Running running) {
            this.planned = planned;
            this.channel = channel;
            this.tcp = tcp;
            this.running = running;
        }

        Listener view() {
            Running r = running;
            return new Listener(r.config().name(), r.config().kind().name(), planned.protocol(),
                    (InetSocketAddress) channel.localAddress(), r.stats());
        }
    }

    private Host(HostConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.guardedPorts.addAll(config.loopPorts());
        this.transport = transport(config);
        this.blocking = BlockingPool.create(BLOCKING_THREADS, BLOCKING_IDLE_SECONDS, TimeUnit.SECONDS,
                new DefaultThreadFactory("portd-blocking", true));
        List<String> problems = new ArrayList<>();
        this.services = instances(config, Map.of(), problems);
        if (!problems.isEmpty()) {
            blocking.shutdownNow();
            throw new ConfigException(problems);
        }
        this.group = new MultiThreadIoEventLoopGroup(ioThreads(), new DefaultThreadFactory("portd-io"),
                transport.ioHandler().get());
    }

    /**
     * The service instances of a config: those of {@code running} whose config is unchanged, new ones
     * for the rest (a changed one keeps its counters and gate, with the new limits). Each problem of a
     * factory goes to {@code problems}.
     */
    private List<Running> instances(HostConfig next, Map<String, Running> running, List<String> problems) {
        List<Running> made = new ArrayList<>();
        for (ServiceConfig s : next.services()) {
            Running old = running.get(s.name());
            if (old != null && old.config().equals(s)) {
                made.add(old);
                continue;
            }
            ServiceContext ctx = new ServiceContext(s.name(), s.options(), clock, blocking, this);
            try {
                Limits l = s.limits();
                Service service = s.kind().factory().apply(ctx);
                ServiceStats stats = old != null ? old.stats() : new ServiceStats();
                ConnectionGate gate = old != null ? old.gate() : new ConnectionGate(l.maxConnections(), l.perSource());
                made.add(new Running(s, service, stats, gate,
                        new DefaultChannelGroup(s.name(), GlobalEventExecutor.INSTANCE), new AtomicBoolean()));
            } catch (OptionException e) {
                // the world changed since the config was checked (a file removed, a disk full)
                problems.add(next.source() + ": services." + s.name() + "." + e.key() + ": " + e.getMessage());
            }
        }
        return made;
    }

    /**
     * One event loop per CPU this process may use (Netty's default is two). Services never block a
     * loop, so a second thread per core only adds wake-ups: an accepted connection is handed from the
     * accepting loop to another one (an eventfd write and a context switch each), and two loops on
     * one core take turns where one would serve both sets of sockets in one epoll_wait.
     * {@code -Dportd.ioThreads=N} overrides it.
     */
    static int ioThreads() {
        return Math.max(1, Integer.getInteger("portd.ioThreads", Runtime.getRuntime().availableProcessors()));
    }

    private static Transport transport(HostConfig config) {
        try {
            return Transport.choose(config.transport());
        } catch (Transport.TransportUnavailableException | LinkageError e) {
            throw new ConfigException(List.of(config.source() + ": host.transport = \"" + config.transport()
                    + "\": " + e.getMessage()));
        }
    }

    /** Starts a host from a config with the system clock. */
    public static Host start(HostConfig config) {
        return start(config, Clock.systemDefaultZone());
    }

    /**
     * Binds every listener of the config and starts serving.
     *
     * @throws ConfigException     a service option is unusable (e.g. a missing quotes file)
     * @throws BindFailedException a listener could not be bound; nothing is left bound
     */
    public static Host start(HostConfig config, Clock clock) {
        return start(config, clock, null);
    }

    /**
     * Starts serving on the listening sockets a running portd handed over ({@code serve --upgrade}),
     * binding only the listeners it did not hand over. The handed sockets the config does not plan
     * are closed.
     */
    public static Host start(HostConfig config, Clock clock, Handover handover) {
        Host host = new Host(config, clock);
        try {
            host.bindAll(handover);
        } catch (RuntimeException e) {
            host.shutdown();
            throw e;
        }
        return host;
    }

    /**
     * A builder for an embedded host of these kinds ({@code ServiceKinds.BUILT_IN}, or a test's own):
     * loopback, ports chosen by the system unless given.
     */
    public static HostBuilder builder(List<ServiceKind> kinds) {
        return new HostBuilder(kinds);
    }

    private void bindAll(Handover handover) {
        InheritedSockets inherited = handover != null ? handover.sockets() : inheritedSockets();
        if (handover != null && !transport.name().equals("epoll")) {
            throw new ConfigException(List.of("serve --upgrade: handed-over sockets need the epoll transport; "
                    + "use transport = \"auto\" or \"epoll\" (now \"" + transport.name() + "\")"));
        }
        List<Bound> made = new ArrayList<>();
        List<BindProblem> problems = bind(config.plan(), inherited, made, services);
        for (InheritedSockets.Inherited unused : inherited.unused()) {
            log.warn("fd {} passed by {} ({} {}) matches no service; {}", unused.fd(), inherited.from(),
                    unused.protocol().label(), NetUtil.toSocketAddressString(unused.address()),
                    handover != null ? "closed" : "left alone");
            if (handover != null) {
                handover.closeUnused(unused);
            }
        }
        if (!problems.isEmpty()) {
            closeAll(made);
            throw new BindFailedException(problems);
        }
        bound = List.copyOf(made);
        listeners = views(bound);
        for (Listener l : listeners) {
            log.info("{}/{} {} listening on {}", l.protocol().label(), l.address().getPort(), l.service(),
                    NetUtil.toSocketAddressString(l.address()));
        }
        fds.share(FdLimit.raise(), FdLimit.open(), (int) listeners.stream().filter(l -> l.protocol() == Protocol.TCP).count());
        for (Running r : services) {
            r.service().started();
        }
        startedAt = Instant.now();
        log.info("portd started: {} listeners, transport {}", listeners.size(), transport.name());
    }

    /** Binds (or takes) each planned listener, adding what succeeded to {@code made}; returns the failures. */
    private List<BindProblem> bind(List<PlannedListener> plan, InheritedSockets inherited, List<Bound> made,
                                   List<Running> in) {
        record Pending(PlannedListener planned, Running service, ListenerInitializer tcp, ChannelFuture future) {
        }
        List<Pending> pending = new ArrayList<>();
        for (PlannedListener planned : plan) {
            Running r = running(in, planned.service());
            ListenerInitializer tcp = planned.protocol() == Protocol.TCP ? new ListenerInitializer(target(r, planned)) : null;
            pending.add(new Pending(planned, r, tcp, listen(r, planned, tcp,
                    inherited.take(planned.protocol(), planned.address(), planned.name()), inherited.from())));
        }
        List<BindProblem> problems = new ArrayList<>();
        for (Pending p : pending) {
            p.future().awaitUninterruptibly();
            if (p.future().isSuccess()) {
                Channel ch = p.future().channel();
                made.add(new Bound(p.planned(), ch, p.tcp(), p.service()));
                if (p.planned().protocol() == Protocol.UDP) {
                    guardedPorts.add(((InetSocketAddress) ch.localAddress()).getPort());
                }
            } else {
                problems.add(BindProblem.of(p.planned().protocol(), p.planned().name(), p.planned().address(),
                        p.future().cause()));
            }
        }
        return problems;
    }

    private static List<Listener> views(List<Bound> bound) {
        return bound.stream().map(Bound::view).toList();
    }

    private static void closeAll(List<Bound> made) {
        for (Bound b : made) {
            b.channel.close().awaitUninterruptibly();
        }
    }

    private static Running running(List<Running> in, ServiceConfig s) {
        for (Running r : in) {
            if (r.config().name().equals(s.name())) {
                return r;
            }
        }
        throw new IllegalStateException("no running service for " + s.name());
    }

    /** Binds a listener, or takes over a socket passed to this process (already bound, already listening). */
    private ChannelFuture listen(Running r, PlannedListener planned, ListenerInitializer tcp,
                                 InheritedSockets.Inherited passed, String from) {
        if (passed != null) {
            log.info("{} takes fd {} from {}", planned.label(), passed.fd(), from);
        }
        if (planned.protocol() == Protocol.TCP) {
            ServerBootstrap b = tcp(tcp, r, planned);
            // a one-reply service is answered at accept, where the transport lets the host do it
            boolean answering = transport.name().equals("epoll") && r.service() instanceof OneReply;
            if (passed == null) {
                return answering
                        ? b.channelFactory((ChannelFactory<ServerChannel>) () -> new AnsweringServerChannel(tcp))
                                .bind(planned.address())
                        : b.channel(transport.serverChannel()).bind(planned.address());
            }
            return b.channelFactory((ChannelFactory<ServerChannel>) () -> answering
                            ? new AnsweringServerChannel(passed.fd(), tcp) : new EpollServerSocketChannel(passed.fd()))
                    .register();
        }
        Bootstrap b = udp(r);
        if (passed == null) {
            return b.channel(transport.datagramChannel()).bind(planned.address());
        }
        return b.channelFactory((ChannelFactory<Channel>) () -> new EpollDatagramChannel(passed.fd()))
                .register();
    }

    /** Sockets passed by systemd; they are epoll file descriptors, so they need the epoll transport. */
    private InheritedSockets inheritedSockets() {
        InheritedSockets inherited;
        try {
            inherited = InheritedSockets.fromEnvironment();
        } catch (IllegalStateException e) {
            throw new ConfigException(List.of("systemd socket activation: " + e.getMessage()));
        }
        if (!inherited.isEmpty() && !transport.name().equals("epoll")) {
            throw new ConfigException(List.of("systemd passed sockets (LISTEN_FDS), which only the epoll transport "
                    + "can take; use transport = \"auto\" or \"epoll\" (now \"" + transport.name() + "\")"));
        }
        return inherited;
    }

    private ListenerInitializer.Target target(Running r, PlannedListener planned) {
        Limits limits = r.config().limits();
        Admission admission = new Admission(planned.label(), limits, r.stats(), r.gate(), fds.account(), refusals);
        StreamInitializer pipeline = new StreamInitializer(admission, r.stats(), limits.idleTimeout().toNanos(),
                r.service(), connections, () -> closing);
        OneReplyAnswerer answerer = r.service() instanceof OneReply oneReply
                ? new OneReplyAnswerer(admission, r.stats(), oneReply, connections, r.connections(), () -> closing)
                : null;
        return new ListenerInitializer.Target(pipeline, r.connections(), answerer);
    }

    private ServerBootstrap tcp(ListenerInitializer children, Running r, PlannedListener planned) {
        return new ServerBootstrap()
                .group(group)
                .option(ChannelOption.SO_BACKLOG, BACKLOG)
                .option(ChannelOption.SO_REUSEADDR, true)   // rebind at once over TIME_WAIT after a restart
                // no TCP_NODELAY here: Netty's socket configs already set it on every accepted socket,
                // and a child option would repeat the setsockopt once per connection
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .handler(new AcceptBackoff(planned.label(), r.stats()))
                .childHandler(children);
    }

    private Bootstrap udp(Running r) {
        return new Bootstrap()
                .group(group)
                // Netty reads 2 KiB per datagram by default and would cut longer ones; UDP carries up to 64 KiB
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_DATAGRAM_BYTES))
                .handler(datagramPipeline(r));
    }

    private DatagramInitializer datagramPipeline(Running r) {
        return new DatagramInitializer(r.config().limits(), guardedPorts, r.stats(), r.service(),
                r.config().kind().amplifiesOverUdp());
    }

    // ---- reload ----

    /**
     * Reloads from the config {@code next} makes, or records its problems: {@code next} re-reads and
     * checks the config as at start, throwing ConfigException with every problem.
     */
    public Reload reload(Supplier<HostConfig> next) {
        HostConfig config;
        try {
            config = next.get();
        } catch (ConfigException e) {
            return refused(e.problems());
        }
        return reload(config);
    }

    /**
     * Changes the running host into {@code next}, all or nothing, without closing a socket it keeps:
     * <ul>
     *   <li>a listener planned again (same service, protocol, address and port) keeps its socket and
     *       its open connections; a listener of a service renamed on the same address and port too;</li>
     *   <li>a service whose config changed gets a new instance for new connections (and UDP
     *       datagrams); open connections finish on the old one, stopped once they have ended;</li>
     *   <li>a removed listener stops accepting at once; a removed service's open connections are
     *       sent {@link HostEvent#STOPPING} and closed after {@code host.grace};</li>
     *   <li>an added listener is bound before anything changes: if any bind (or a new service
     *       instance) fails, the new ones are closed and the reload is refused, nothing changed.</li>
     * </ul>
     * The outcome is logged, one line per problem or change, and kept as {@link #lastReload()}.
     */
    public synchronized Reload reload(HostConfig next) {
        if (closed) {
            return refused(List.of("portd is stopping"));
        }
        Map<String, Running> byName = new HashMap<>();
        services.forEach(r -> byName.put(r.config().name(), r));
        List<String> problems = new ArrayList<>();
        List<Running> nextServices = instances(next, byName, problems);
        if (!problems.isEmpty()) {
            return refused(problems);
        }
        ReloadDiff diff = ReloadDiff.of(bound, next.plan());
        List<Bound> added = new ArrayList<>();
        List<BindProblem> failed = bind(diff.added(), InheritedSockets.none(), added, nextServices);
        if (!failed.isEmpty()) {
            closeAll(added);
            return refused(failed.stream().map(BindProblem::toString).toList());
        }
        // nothing fails from here on
        List<String> changes = new ArrayList<>();
        if (!next.transport().equals(config.transport())) {
            changes.add("host.transport = \"" + next.transport() + "\": takes effect at the next upgrade or restart; "
                    + "still " + transport.name());
        }
        if (!next.controlSocket().equals(config.controlSocket())) {
            changes.add("host.control_socket = \"" + next.controlSocket() + "\": takes effect at the next upgrade "
                    + "or restart; still \"" + config.controlSocket() + "\"");
        }
        Map<PlannedListener, Bound> placed = new HashMap<>();
        for (ReloadDiff.Kept k : diff.kept()) {
            Running now = running(nextServices, k.next().service());
            if (now != k.bound().running) {
                switchTo(k.bound(), k.next(), now);
                changes.add(k.next().label() + ": new connections get the new config; open ones finish on the old");
            }
            k.bound().planned = k.next();
            placed.put(k.next(), k.bound());
        }
        for (Bound b : added) {
            placed.put(b.planned, b);
            changes.add(b.planned.label() + ": listening on " + NetUtil.toSocketAddressString(
                    (InetSocketAddress) b.channel.localAddress()));
        }
        for (Bound b : diff.removed()) {
            b.channel.close().awaitUninterruptibly();
            changes.add(b.planned.label() + ": removed; no longer accepting");
        }
        Set<String> kept = new HashSet<>();
        nextServices.forEach(r -> kept.add(r.config().name()));
        for (Running old : services) {
            if (!nextServices.contains(old)) {
                retire(old, !kept.contains(old.config().name()), next.grace(), changes);
            }
        }
        List<Bound> nextBound = new ArrayList<>();
        for (PlannedListener p : next.plan()) {
            nextBound.add(placed.get(p));
        }
        List<Running> before = services;
        this.config = next;
        this.services = List.copyOf(nextServices);
        this.bound = List.copyOf(nextBound);
        this.listeners = views(this.bound);
        guardedPorts.addAll(next.loopPorts());
        Set<Integer> udpPorts = new HashSet<>(next.loopPorts());
        listeners.stream().filter(l -> l.protocol() == Protocol.UDP).forEach(l -> udpPorts.add(l.address().getPort()));
        guardedPorts.addAll(udpPorts);
        guardedPorts.retainAll(udpPorts);
        for (Running r : nextServices) {
            if (!before.contains(r)) {
                r.service().started();
            }
        }
        String summary = "applied: " + added.size() + " added, " + diff.removed().size() + " removed, "
                + diff.kept().size() + " kept (" + (nextServices.size() - nextServices.stream().filter(before::contains).count())
                + " services new or changed)";
        changes.forEach(c -> log.info("reload: {}", c));
        log.info("portd reloaded {}: {}", next.source(), summary);
        lastReload = new Reload(Instant.now(), true, summary, changes);
        return lastReload;
    }

    private Reload refused(List<String> problems) {
        problems.forEach(p -> log.warn("reload: {}", p));
        String summary = "refused: " + problems.size() + (problems.size() == 1 ? " problem" : " problems")
                + "; still serving the previous config";
        log.warn("portd reload {}", summary);
        lastReload = new Reload(Instant.now(), false, summary, problems);
        return lastReload;
    }

    /** Points a kept listener at a new service instance: new connections (TCP) or the socket's pipeline (UDP). */
    private void switchTo(Bound b, PlannedListener next, Running now) {
        b.running = now;
        if (b.tcp != null) {
            b.tcp.swap(target(now, next));
            return;
        }
        DatagramInitializer pipeline = datagramPipeline(now);
        Channel ch = b.channel;
        ch.eventLoop().execute(() -> {
            while (ch.pipeline().first() != null) {
                ch.pipeline().removeFirst();
            }
            pipeline.initChannel(ch);
        });
    }

    /**
     * Stops an instance a reload replaced (its connections finish as they would) or removed (they are
     * told the host is stopping and closed after the grace period); stopped() once they have ended.
     */
    private void retire(Running r, boolean removed, Duration grace, List<String> changes) {
        retired.add(r);
        ChannelGroupFuture ended = r.connections().newCloseFuture();
        int open = r.connections().size();
        if (removed) {
            changes.add(r.config().name() + ": removed; " + open + " open connections get up to "
                    + grace.toMillis() + " ms to finish");
            for (Channel ch : r.connections()) {
                ch.eventLoop().execute(() -> ch.pipeline().fireUserEventTriggered(HostEvent.STOPPING));
            }
            if (open > 0) {
                group.schedule(() -> r.connections().close(), grace.toMillis(), TimeUnit.MILLISECONDS);
            }
        } else if (open > 0) {
            changes.add(r.config().name() + ": " + open + " open connections finish on the previous config");
        }
        ended.addListener(f -> {
            try {
                blocking.execute(() -> {
                    if (retired.remove(r)) {
                        r.stop();
                    }
                });
            } catch (RejectedExecutionException e) {
                // the host has stopped, and close() has stopped every retired instance
            }
        });
    }

    /** The outcome of the last reload, or null. */
    @Override
    public Reload lastReload() {
        return lastReload;
    }

    // ---- upgrade (serve --upgrade) ----

    /** Every listening socket with what it serves, to hand to a new process; needs the epoll transport. */
    synchronized List<Handover.Offer> offer() {
        if (!transport.name().equals("epoll")) {
            throw new IllegalStateException("this portd runs transport " + transport.name()
                    + "; only epoll sockets can be handed over");
        }
        List<Handover.Offer> offers = new ArrayList<>();
        for (Bound b : bound) {
            if (b.channel.isOpen()) {
                offers.add(new Handover.Offer(b.planned.name(), b.planned.protocol(),
                        (InetSocketAddress) b.channel.localAddress(), ((UnixChannel) b.channel).fd()));
            }
        }
        return offers;
    }

    /**
     * Stops accepting and receiving (the new process serves these sockets now); open connections go
     * on until {@link #close()}.
     */
    public synchronized void stopListening() {
        for (Bound b : bound) {
            b.channel.close().awaitUninterruptibly();
        }
        // connections accepted just before the close may still wait on their loops to be set up;
        // a task queued behind them runs after, so they are served before close() marks the host
        // as stopping (which would close a connection set up from then on, its request unread)
        for (EventExecutor loop : group) {
            loop.submit(() -> { }).awaitUninterruptibly();
        }
    }

    // ---- the embedded API ----

    /** The TCP port the named service listens on (its first listener's). */
    public int tcpPort(String service) {
        return port(service, Protocol.TCP);
    }

    /** The UDP port the named service listens on (its first listener's). */
    public int udpPort(String service) {
        return port(service, Protocol.UDP);
    }

    private int port(String service, Protocol protocol) {
        for (Listener l : listeners) {
            if (l.service().equals(service) && l.protocol() == protocol) {
                return l.address().getPort();
            }
        }
        throw new IllegalArgumentException("no " + protocol.label() + " listener for service \"" + service + "\"");
    }

    /** The live counters of the named service. */
    public ServiceStats stats(String service) {
        for (Running r : services) {
            if (r.config().name().equals(service)) {
                return r.stats();
            }
        }
        throw new IllegalArgumentException("no service \"" + service + "\"");
    }

    /** The config this host runs. */
    public HostConfig config() {
        return config;
    }

    @Override
    public Instant startedAt() {
        return startedAt;
    }

    @Override
    public String transport() {
        return transport.name();
    }

    @Override
    public List<Listener> listeners() {
        return listeners;
    }

    @Override
    public <T> List<T> servicesOf(Class<T> feature) {
        List<T> found = new ArrayList<>();
        for (Running r : services) {
            if (feature.isInstance(r.service())) {
                found.add(feature.cast(r.service()));
            }
        }
        return found;
    }

    /** Stops with the configured grace period. */
    @Override
    public void close() {
        close(config.grace());
    }

    /**
     * Stops accepting and receiving, waits up to {@code grace} for open connections to finish, then
     * closes the rest. Calling it again does nothing.
     */
    public synchronized void close(Duration grace) {
        if (closed) {
            return;
        }
        closed = true;
        closing = true;
        for (Bound b : bound) {
            b.channel.close().awaitUninterruptibly();
        }
        for (Channel ch : connections) {
            ch.eventLoop().execute(() -> ch.pipeline().fireUserEventTriggered(HostEvent.STOPPING));
        }
        int open = connections.size();
        if (open > 0) {
            log.info("portd stopping: {} open connections get up to {} ms to finish", open, grace.toMillis());
            connections.newCloseFuture().awaitUninterruptibly(grace.toMillis(), TimeUnit.MILLISECONDS);
        }
        int left = connections.size();
        if (left > 0) {
            log.info("portd stopping: closing {} connections still open after the grace period", left);
        }
        connections.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        for (Running r : services) {
            r.stop();
        }
        for (Running r : retired) {
            r.stop();
        }
        shutdown();
        log.info("portd stopped");
    }

    private void shutdown() {
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        blocking.shutdownNow();
        // close() returns when no portd thread still writes a file (a test's temporary directory is removed next)
        try {
            if (!blocking.awaitTermination(5, TimeUnit.SECONDS)) {
                log.warn("portd stopping: a blocking task is still running after 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
