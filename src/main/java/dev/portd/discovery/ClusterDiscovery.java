package dev.portd.discovery;

import dev.portd.config.DiscoveryConfig;
import dev.portd.service.ClusterView;
import dev.portd.service.HostView;
import dev.portd.service.HostView.Listener;
import dev.portd.service.PortMappings;
import dev.portd.service.rpc.NamesProgram;
import dev.portd.service.rpc.Uaddr;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.ServiceType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A host's part in the cluster: publishes every listener and every RPC registration of the host as an
 * ephemeral Curator ServiceInstance, and keeps a watched cache of what every host publishes.
 * Nothing here blocks its caller: ZooKeeper is spoken to from one discovery thread, so an ensemble
 * that is down at start delays publishing, never serving.
 *
 * <pre>{@code
 * try (Host host = Host.start(config);
 *      ClusterDiscovery cluster = ClusterDiscovery.start(config.discovery(), host, Portd.VERSION)) {
 *     host.servicesOf(ClusterAware.class).forEach(s -> s.cluster(cluster));
 *     ...
 * }   // the cluster closes first: entries are deregistered before the listeners close
 * }</pre>
 */
public final class ClusterDiscovery implements ClusterView, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClusterDiscovery.class);
    /** When the ensemble has not answered by then, say that portd serves locally and waits. */
    static final long WAITING_NOTICE_MILLIS = 2_000;
    /** How long a stop waits to deregister before closing the session (which removes the entries too). */
    static final long CLOSE_WAIT_MILLIS = 3_000;
    /** rpcbind's own program and portd's names program: the portmapper's listener stands for them. */
    private static final List<Long> PORTMAPPER_PROGRAMS = List.of(100_000L, (long) NamesProgram.NUMBER);

    private final DiscoveryConfig config;
    private final HostView host;
    private final String portdVersion;
    private final InetAddress advertised;
    private final RpcNames rpcNames = RpcNames.read(Path.of("/etc/rpc"));
    private final ScheduledThreadPoolExecutor executor;
    private final CuratorFramework client;
    private final ServiceDiscovery<ServicePayload> discovery;
    private final ClusterCache cache;
    private final HostPublisher publisher;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private volatile String session = "waiting";

    private ClusterDiscovery(DiscoveryConfig config, HostView host, String portdVersion) {
        this.config = config;
        this.host = host;
        this.portdVersion = portdVersion;
        this.advertised = Advertised.primary();
        this.executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "portd-discovery");
            t.setDaemon(true);
            return t;
        });
        this.client = Ensemble.client(config.zookeeper(), (int) config.sessionTimeout().toMillis(), config.digest());
        this.discovery = Ensemble.discovery(client, config.basePath());
        this.cache = new ClusterCache(client, discovery, config.basePath(), executor);
        this.publisher = new HostPublisher(client, discovery, config.basePath(), executor);
    }

    /** Starts publishing {@code host} (already bound) and watching the cluster; returns at once. */
    public static ClusterDiscovery start(DiscoveryConfig config, HostView host, String portdVersion) {
        ClusterDiscovery d = new ClusterDiscovery(config, host, portdVersion);
        d.begin();
        return d;
    }

    private void begin() {
        client.getConnectionStateListenable().addListener(this::stateChanged);
        cache.onChange(this::fire);
        log.info("discovery: host {} joins the cluster at {} under {}", config.hostName(), config.zookeeper(),
                config.basePath());
        client.start();
        try {
            discovery.start();   // holds nothing yet, so it does not wait for the ensemble
        } catch (Exception e) {
            throw new IllegalStateException("discovery could not start: " + e, e);
        }
        cache.start();
        for (PortMappings pm : host.servicesOf(PortMappings.class)) {
            pm.onChange(this::republish);
        }
        republish();
        executor.schedule(() -> {
            if (session.equals("waiting")) {
                log.info("discovery: waiting for ZooKeeper at {}; serving locally, publishing when it answers",
                        config.zookeeper());
            }
        }, WAITING_NOTICE_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void stateChanged(CuratorFramework c, ConnectionState state) {
        String was = session;
        session = Ensemble.session(state);
        switch (state) {
            case CONNECTED -> log.info("discovery: connected to ZooKeeper at {} as host {}", config.zookeeper(),
                    config.hostName());
            case RECONNECTED -> log.info("discovery: reconnected to ZooKeeper (session was {}); entries re-published", was);
            case SUSPENDED -> log.warn("discovery: connection to ZooKeeper lost; lookups answer from the cache, which may be stale");
            case LOST -> log.warn("discovery: ZooKeeper session expired; this host's entries are gone until it reconnects");
            default -> log.info("discovery: ZooKeeper connection {}", state);
        }
        fire();
    }

    /** Recomputes what this host serves; called on the portmapper's SET and UNSET (an event loop). */
    private void republish() {
        try {
            executor.execute(() -> publisher.publish(instances()));
        } catch (RejectedExecutionException e) {
            // stopping
        }
    }

    /** This host's listeners and RPC programs as ServiceInstances. */
    List<ServiceInstance<ServicePayload>> instances() {
        List<ServiceInstance<ServicePayload>> out = new ArrayList<>();
        long started = host.startedAt().toEpochMilli();
        for (Listener l : host.listeners()) {
            String address = NetUtil.toAddressString(advertise(l.address().getAddress()));
            String protocol = l.protocol().label();
            int port = l.address().getPort();
            out.add(instance(l.service(), config.hostName() + ":" + protocol + ":" + address + ":" + port, address, port,
                    ServicePayload.listener(l.kind(), protocol, address, port, config.hostName(), portdVersion, started)));
        }
        for (PortMappings pm : host.servicesOf(PortMappings.class)) {
            for (PortMappings.Mapping m : pm.mappings()) {
                InetSocketAddress at = Uaddr.parse(m.address());
                if (at == null || PORTMAPPER_PROGRAMS.contains(m.program())) {
                    continue;   // a local (AF_UNIX) registration is no use to another machine
                }
                String address = NetUtil.toAddressString(advertise(at.getAddress()));
                String name = rpcNames.name(m.program());
                String id = config.hostName() + ":rpc:" + m.program() + ":" + m.version() + ":" + m.netid();
                out.add(instance(name, id, address, at.getPort(), new ServicePayload("rpc", m.netid(), address,
                        at.getPort(), config.hostName(), portdVersion, started, m.program(), m.version(), m.netid(),
                        m.address(), m.owner())));
            }
        }
        return out;
    }

    private InetAddress advertise(InetAddress bound) {
        return bound.isAnyLocalAddress() ? advertised : bound;
    }

    private static ServiceInstance<ServicePayload> instance(String name, String id, String address, int port,
                                                            ServicePayload payload) {
        try {
            return ServiceInstance.<ServicePayload>builder().name(name).id(id).address(address).port(port)
                    .serviceType(ServiceType.DYNAMIC).payload(payload).build();
        } catch (Exception e) {
            throw new IllegalStateException("cannot describe " + id + ": " + e, e);
        }
    }

    /** The Curator client, for tests that expire its session. */
    CuratorFramework client() {
        return client;
    }

    private void fire() {
        listeners.forEach(Runnable::run);
    }

    @Override
    public String hostName() {
        return config.hostName();
    }

    @Override
    public String ensemble() {
        return config.zookeeper();
    }

    @Override
    public String session() {
        return session;
    }

    @Override
    public List<Entry> entries() {
        return cache.entries();
    }

    @Override
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    /**
     * Deregisters this host's entries and closes the session; waits at most {@link #CLOSE_WAIT_MILLIS}
     * (an unreachable ensemble drops the ephemeral entries itself at session expiry).
     */
    @Override
    public void close() {
        var done = executor.submit(() -> {
            cache.close();
            return publisher.withdraw();
        });
        boolean withdrawn;
        try {
            withdrawn = done.get(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            withdrawn = false;
        }
        if (withdrawn) {
            log.info("discovery: host {} deregistered", config.hostName());
        } else {
            log.info("discovery: host {} not deregistered (ZooKeeper not answering); the ensemble drops its entries "
                    + "when the session ends", config.hostName());
        }
        executor.shutdownNow();
        client.close();
    }
}
