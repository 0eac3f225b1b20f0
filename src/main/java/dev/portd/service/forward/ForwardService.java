package dev.portd.service.forward;

import dev.portd.ports.HostPort;
import dev.portd.service.KindCheck;
import dev.portd.service.Option;
import dev.portd.service.Service;
import dev.portd.service.ServiceContext;
import dev.portd.service.ServiceFigures;
import dev.portd.service.ServiceOptions;
import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelOption;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A relay to another address (xinetd's {@code redirect}, {@code systemd-socket-proxyd}): each TCP
 * connection gets its own upstream connection and bytes flow both ways with back-pressure
 * ({@link RelayHandler}); each UDP client address gets its own upstream socket
 * ({@link ForwardDatagramHandler}). A host name in {@code to} is resolved off the event loops when
 * the service starts and again after a failed connect, so a moved upstream is found.
 */
public final class ForwardService implements Service, ServiceFigures {
    private static final Logger log = LoggerFactory.getLogger(ForwardService.class);

    static final Option<HostPort> TO = Option.hostPort("to",
            "where to relay, \"host:port\" or \"[v6]:port\", e.g. to = \"127.0.0.1:80\"").required();
    static final Option<Duration> CONNECT_TIMEOUT = Option.duration("connect_timeout", Duration.ofMillis(100),
            Duration.ofMinutes(5), Duration.ofSeconds(5), "a client is closed when upstream has not accepted by then");
    static final Option<Duration> UDP_IDLE_TIMEOUT = Option.duration("udp_idle_timeout", Duration.ofSeconds(1),
            Duration.ofHours(1), Duration.ofSeconds(60),
            "a UDP client's upstream socket is closed after this long without a datagram either way");
    static final Option<Integer> MAX_UDP_CLIENTS = Option.integer("max_udp_clients", 1, 1_000_000, 4096,
            "UDP client addresses relayed at once; datagrams from more are dropped and counted");
    public static final List<Option<?>> OPTIONS = List.of(TO, CONNECT_TIMEOUT, UDP_IDLE_TIMEOUT, MAX_UDP_CLIENTS);

    private final String name;
    private final HostPort to;
    private final int connectTimeoutMillis;
    private final Duration udpIdle;
    private final int maxUdpClients;
    private final Executor blocking;
    private final ForwardStats stats = new ForwardStats();
    private volatile InetSocketAddress resolved;
    private final AtomicLong lastConnectWarning = new AtomicLong();

    public ForwardService(ServiceContext ctx) {
        this.name = ctx.name();
        this.to = ctx.options().get(TO);
        this.connectTimeoutMillis = (int) ctx.options().get(CONNECT_TIMEOUT).toMillis();
        this.udpIdle = ctx.options().get(UDP_IDLE_TIMEOUT);
        this.maxUdpClients = ctx.options().get(MAX_UDP_CLIENTS);
        this.blocking = ctx.blocking();
        InetAddress literal = NetUtil.createInetAddressFromIpAddressString(to.host());
        this.resolved = literal == null ? null : new InetSocketAddress(literal, to.port());
    }

    /** Nothing beyond the types: a name that does not resolve now may later; it is looked up at start. */
    public static void check(ServiceOptions options, KindCheck.Problems problems) {
    }

    @Override
    public void started() {
        if (resolved == null) {
            upstream();   // resolve once at start, off the event loops
        }
    }

    /** The upstream address, resolving the name on the blocking executor when not yet known. */
    CompletableFuture<InetSocketAddress> upstream() {
        InetSocketAddress known = resolved;
        if (known != null) {
            return CompletableFuture.completedFuture(known);
        }
        return CompletableFuture.supplyAsync(() -> {
            try {
                InetSocketAddress a = new InetSocketAddress(InetAddress.getByName(to.host()), to.port());
                resolved = a;
                return a;
            } catch (UnknownHostException e) {
                throw new IllegalStateException(to.host() + ": unknown host");
            }
        }, blocking);
    }

    private void connectFailed(String why) {
        stats.connectFailed.increment();
        if (NetUtil.createInetAddressFromIpAddressString(to.host()) == null) {
            resolved = null;   // look the name up again next time
        }
        long now = System.nanoTime();
        long last = lastConnectWarning.get();
        if (now - last > 1_000_000_000L && lastConnectWarning.compareAndSet(last, now)) {
            log.warn("{}: cannot connect to {}: {}; client closed", name, to, why);
        }
    }

    /**
     * The relay's handler goes in at once (no pipeline change per connection); it asks for the
     * upstream connection when the host has admitted the client (channelActive).
     */
    @Override
    public void initStream(Channel client) {
        client.config().setAutoRead(false);   // nothing is read until upstream is there to take it
        RelayHandler.Relay relay = new RelayHandler.Relay();
        relay.client = client;
        client.pipeline().addLast("relay", new RelayHandler(relay, true, stats.toUpstream, this::connect));
    }

    /** Connects upstream for an admitted client: at once when the address is known, else after the look-up. */
    private void connect(RelayHandler.Relay relay) {
        Channel client = relay.client;
        InetSocketAddress known = resolved;
        if (known != null) {
            connect(relay, known);   // on the client's event loop already: no hand-off, no future
            return;
        }
        upstream().whenComplete((address, failure) -> client.eventLoop().execute(() -> {
            if (failure != null) {
                failed(relay, failure.getCause() == null ? failure.getMessage() : failure.getCause().getMessage());
                return;
            }
            connect(relay, address);
        }));
    }

    /**
     * Makes the upstream channel by hand on the client's event loop (what a Bootstrap would do, without
     * copying its options and attributes per connection), then connects it.
     */
    private void connect(RelayHandler.Relay relay, InetSocketAddress address) {
        Channel client = relay.client;
        if (!client.isActive()) {
            relay.discard();
            return;
        }
        Channel upstream;
        try {
            upstream = Transports.newSocket(client);   // the socket() call: may fail when out of fds
        } catch (RuntimeException e) {
            failed(relay, e.getCause() == null ? e.getMessage() : e.getCause().getMessage());
            return;
        }
        ChannelConfig config = upstream.config();
        config.setConnectTimeoutMillis(connectTimeoutMillis);
        config.setAutoRead(false);
        config.setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        // TCP_NODELAY: Netty's socket configs set it on every socket they make
        upstream.pipeline().addLast("relay", new RelayHandler(relay, false, stats.fromUpstream, null));
        client.eventLoop().register(upstream).addListener(registered -> {
            if (!registered.isSuccess()) {
                upstream.unsafe().closeForcibly();
                failed(relay, registered.cause().getMessage());
                return;
            }
            upstream.connect(address).addListener(f -> {
                if (!f.isSuccess()) {
                    upstream.close();
                    failed(relay, f.cause().getMessage());
                    return;
                }
                stats.upstreamOpen.incrementAndGet();
                upstream.closeFuture().addListener(c -> stats.upstreamOpen.decrementAndGet());
                if (!client.isActive()) {
                    relay.discard();
                    upstream.close();
                    return;
                }
                relay.connected(upstream);
                RelayHandler.resumeReading(client);
                RelayHandler.resumeReading(upstream);
            });
        });
    }

    /** No upstream for this client: counted, logged (rate-limited), client closed. */
    private void failed(RelayHandler.Relay relay, String why) {
        relay.discard();
        connectFailed(why);
        relay.client.close();
    }

    @Override
    public void initDatagram(Channel socket) {
        socket.pipeline().addLast("forward", new ForwardDatagramHandler(this::upstream, udpIdle, maxUdpClients, stats));
    }

    @Override
    public String serviceName() {
        return name;
    }

    @Override
    public Map<String, Long> figures() {
        return stats.figures();
    }
}
