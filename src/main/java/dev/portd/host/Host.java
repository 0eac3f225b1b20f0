package dev.portd.host;

import dev.portd.config.ConfigException;
import dev.portd.config.HostConfig;
import dev.portd.config.Limits;
import dev.portd.config.PlannedListener;
import dev.portd.config.ServiceConfig;
import dev.portd.service.HostEvent;
import dev.portd.service.HostView;
import dev.portd.service.OptionException;
import dev.portd.ports.Protocol;
import dev.portd.service.Service;
import dev.portd.service.ServiceContext;
import dev.portd.service.ServiceKind;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
    /** Blocking work (files, fsync, /proc) runs here, never on an event loop. */
    static final int BLOCKING_THREADS = 16;

    private final HostConfig config;
    private final Transport transport;
    private final EventLoopGroup group;
    private final ExecutorService blocking;
    private final List<Running> services = new ArrayList<>();
    private final List<Channel> listenerChannels = new ArrayList<>();
    private final List<Listener> listeners = new ArrayList<>();
    private final ChannelGroup connections = new DefaultChannelGroup("connections", GlobalEventExecutor.INSTANCE);
    /** What the loop guard never answers: the config's loop ports, then this host's UDP ports as they are bound. */
    private final Set<Integer> guardedPorts = ConcurrentHashMap.newKeySet();
    private final RefusalLog refusals = new RefusalLog();
    private final FdBudget fds = new FdBudget();
    private Instant startedAt;
    private boolean closed;
    /** Set before the listeners close: a connection accepted meanwhile closes itself (see initChannel). */
    private volatile boolean closing;

    /** One configured service with its instance and counters. */
    private record Running(ServiceConfig config, Service service, ServiceStats stats, ConnectionGate gate) {
    }

    private Host(HostConfig config, Clock clock) {
        this.config = config;
        this.guardedPorts.addAll(config.loopPorts());
        this.transport = transport(config);
        this.blocking = Executors.newFixedThreadPool(BLOCKING_THREADS, new DefaultThreadFactory("portd-blocking", true));
        List<String> problems = new ArrayList<>();
        for (ServiceConfig s : config.services()) {
            ServiceContext ctx = new ServiceContext(s.name(), s.options(), clock, blocking, this);
            try {
                Limits l = s.limits();
                services.add(new Running(s, s.kind().factory().apply(ctx), new ServiceStats(),
                        new ConnectionGate(l.maxConnections(), l.perSource())));
            } catch (OptionException e) {
                // the world changed since the config was checked (a file removed, a disk full)
                problems.add(config.source() + ": services." + s.name() + "." + e.key() + ": " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            blocking.shutdownNow();
            throw new ConfigException(problems);
        }
        this.group = new MultiThreadIoEventLoopGroup(ioThreads(), new DefaultThreadFactory("portd-io"),
                transport.ioHandler().get());
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
        Host host = new Host(config, clock);
        try {
            host.bindAll();
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

    private void bindAll() {
        record Pending(PlannedListener planned, Running service, ChannelFuture future) {
        }
        InheritedSockets inherited = inheritedSockets();
        List<Pending> pending = new ArrayList<>();
        for (PlannedListener planned : config.plan()) {
            Running r = running(planned.service());
            pending.add(new Pending(planned, r,
                    listen(r, planned, inherited.take(planned.protocol(), planned.address()))));
        }
        for (InheritedSockets.Inherited unused : inherited.unused()) {
            log.warn("fd {} passed by systemd ({} {}) matches no service; left alone", unused.fd(),
                    unused.protocol().label(), NetUtil.toSocketAddressString(unused.address()));
        }
        List<BindProblem> problems = new ArrayList<>();
        for (Pending p : pending) {
            p.future().awaitUninterruptibly();
            if (p.future().isSuccess()) {
                Channel ch = p.future().channel();
                listenerChannels.add(ch);
                InetSocketAddress bound = (InetSocketAddress) ch.localAddress();
                listeners.add(new Listener(p.planned().name(), p.planned().kind(), p.planned().protocol(), bound,
                        p.service().stats()));
                if (p.planned().protocol() == Protocol.UDP) {
                    guardedPorts.add(bound.getPort());
                }
            } else {
                problems.add(BindProblem.of(p.planned().protocol(), p.planned().name(), p.planned().address(),
                        p.future().cause()));
            }
        }
        if (!problems.isEmpty()) {
            throw new BindFailedException(problems);
        }
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

    private Running running(ServiceConfig s) {
        for (Running r : services) {
            if (r.config() == s) {
                return r;
            }
        }
        throw new IllegalStateException("no running service for " + s.name());
    }

    /** Binds a listener, or takes over the socket systemd passed for it (already bound, already listening). */
    private ChannelFuture listen(Running r, PlannedListener planned, InheritedSockets.Inherited passed) {
        if (passed != null) {
            log.info("{} takes fd {} from systemd", planned.label(), passed.fd());
        }
        if (planned.protocol() == Protocol.TCP) {
            ServerBootstrap b = tcp(r, planned);
            if (passed == null) {
                return b.channel(transport.serverChannel()).bind(planned.address());
            }
            return b.channelFactory((io.netty.channel.ChannelFactory<ServerChannel>) () -> new EpollServerSocketChannel(passed.fd()))
                    .register();
        }
        Bootstrap b = udp(r);
        if (passed == null) {
            return b.channel(transport.datagramChannel()).bind(planned.address());
        }
        return b.channelFactory((io.netty.channel.ChannelFactory<Channel>) () -> new EpollDatagramChannel(passed.fd()))
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

    private ServerBootstrap tcp(Running r, PlannedListener planned) {
        return new ServerBootstrap()
                .group(group)
                .option(ChannelOption.SO_BACKLOG, BACKLOG)
                .option(ChannelOption.SO_REUSEADDR, true)   // rebind at once over TIME_WAIT after a restart
                // no TCP_NODELAY here: Netty's socket configs already set it on every accepted socket,
                // and a child option would repeat the setsockopt once per connection
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .handler(new AcceptBackoff(planned.label(), r.stats()))
                .childHandler(new StreamInitializer(planned.label(), r.config().limits(), r.stats(),
                        r.gate(), refusals, fds.account(), r.service(), connections, () -> closing));
    }

    private Bootstrap udp(Running r) {
        return new Bootstrap()
                .group(group)
                // Netty reads 2 KiB per datagram by default and would cut longer ones; UDP carries up to 64 KiB
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_DATAGRAM_BYTES))
                .handler(new DatagramInitializer(r.config().limits(), guardedPorts, r.stats(), r.service(),
                        r.config().kind().amplifiesOverUdp()));
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
        return List.copyOf(listeners);
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
        for (Channel ch : listenerChannels) {
            ch.close().awaitUninterruptibly();
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
            r.service().stopped();
        }
        shutdown();
        log.info("portd stopped");
    }

    private void shutdown() {
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        blocking.shutdownNow();
    }
}
