package dev.portd.service.rpc;

import dev.portd.service.ClusterAware;
import dev.portd.service.ClusterView;
import dev.portd.service.HostView.Listener;
import dev.portd.service.Option;
import dev.portd.service.PortMappings;
import dev.portd.ports.Protocol;
import dev.portd.service.Service;
import dev.portd.service.ServiceContext;
import io.netty.channel.Channel;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code portmapper} kind: ONC RPC program 100000 versions 2 to 4 (RFC 1833) over TCP, UDP and
 * the local socket rpcbind uses, plus portd's own names program ({@link NamesProgram}) for
 * {@code portd lookup}. It registers itself on every transport it serves, as rpcbind does, and
 * keeps the registrations of RPC servers across restarts in a state file.
 */
public final class PortmapperService implements Service, PortMappings, ClusterAware {
    private static final Logger log = LoggerFactory.getLogger(PortmapperService.class);
    /** rpcbind's local socket, used by rpcinfo without a host and by libtirpc servers to register. */
    static final String RPCBIND_SOCKET = "/run/rpcbind.sock";
    /** Beside rpcbind's own warm-start files under /run: registrations die with the processes at reboot. */
    static final String DEFAULT_STATE = "/run/portd/portmapper.state";
    static final int WELL_KNOWN_PORT = 111;
    /**
     * A portmapper call is under 1 KiB and a DUMP reply of a full table under 1.5 MiB; a record over
     * 64 KiB is no call we serve, and bounding it bounds what one connection can make us hold.
     */
    static final Option<Long> MAX_RECORD_BYTES = Option.size("max_record_bytes", 1024, 16 << 20, 64 * 1024L,
            "largest RPC record over TCP, all fragments together");
    /** A call arrives in one read; a record still open after 10 s is a client holding the connection. */
    static final Option<Duration> RECORD_TIMEOUT = Option.duration("record_timeout", Duration.ofMillis(1),
            Duration.ofHours(1), Duration.ofSeconds(10),
            "over TCP, a record must end this long after its first byte, else the connection is closed");
    /** Real clients send one fragment per record; empty non-final fragments cost us and tell nothing. */
    static final Option<Integer> MAX_RECORD_FRAGMENTS = Option.integer("max_record_fragments", 1, 1_000_000, 256,
            "over TCP, fragments in one record; past it the connection is closed");
    /** DUMP, GETADDRLIST and GETSTAT over UDP per non-local source and second: rpcinfo needs one. */
    static final Option<Integer> UDP_DUMP_PER_SOURCE = Option.integer("udp_dump_per_source", 0, 1_000_000, 2,
            "DUMP, GETADDRLIST and GETSTAT calls over UDP answered per non-local source and second");
    static final Option<String> LOCAL_SOCKET = Option.string("local_socket", null,
            "rpcbind's local socket, served where its directory exists and no rpcbind holds it; \"\" for none")
            .defaultText("\"" + RPCBIND_SOCKET + "\" on port 111, none on other ports");
    static final Option<String> STATE = Option.string("state", null,
            "file keeping registrations across restarts; \"\" for none")
            .defaultText("\"" + DEFAULT_STATE + "\" on port 111, none on other ports");
    static final Option<Boolean> INSECURE = Option.bool("insecure", false,
            "accept SET and UNSET from any host, as rpcbind -i; false: local callers only");
    public static final List<Option<?>> OPTIONS =
            List.of(LOCAL_SOCKET, STATE, MAX_RECORD_BYTES, RECORD_TIMEOUT, MAX_RECORD_FRAGMENTS, UDP_DUMP_PER_SOURCE,
                    INSECURE);

    private final ServiceContext ctx;
    private final int maxRecordBytes;
    private final int udpDumpPerSource;
    private final Duration recordTimeout;
    private final int maxRecordFragments;
    private final LongAdder recordTimeouts = new LongAdder();
    private final LongAdder recordFragmentCuts = new LongAdder();
    private final RpcbRegistry registry = new RpcbRegistry(this::changed);
    private final RpcbStats stats = new RpcbStats();
    private final NamesProgram names = new NamesProgram();
    private final RpcDispatcher dispatcher;
    private final LongAdder limited = new LongAdder();
    private final AtomicBoolean savePending = new AtomicBoolean();
    /** Set by {@link #stopped()} after the last save; guarded by {@code this}. */
    private boolean stopped;
    private volatile RpcbStateFile state;
    private volatile List<RpcbMapping> self = List.of();
    private RpcLocalSocket local;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    public PortmapperService(ServiceContext ctx) {
        this.ctx = ctx;
        this.maxRecordBytes = (int) (long) ctx.options().get(MAX_RECORD_BYTES);
        this.udpDumpPerSource = ctx.options().get(UDP_DUMP_PER_SOURCE);
        this.recordTimeout = ctx.options().get(RECORD_TIMEOUT);
        this.maxRecordFragments = ctx.options().get(MAX_RECORD_FRAGMENTS);
        this.dispatcher = new RpcDispatcher(List.of(
                new PortmapperProgram(registry, stats, ctx.clock(), ctx.options().get(INSECURE)), names));
    }

    @Override
    public void initStream(Channel connection) {
        connection.pipeline().addLast("deadline", new RpcRecordDeadline(recordTimeout, maxRecordFragments,
                why -> (why == RpcRecordDeadline.Cut.TIMEOUT ? recordTimeouts : recordFragmentCuts).increment()));
        connection.pipeline().addLast("framing", new RpcRecordDecoder(maxRecordBytes));
        connection.pipeline().addLast("record", RpcRecordEncoder.INSTANCE);
        connection.pipeline().addLast("rpc", new RpcStreamHandler(dispatcher, ch -> RpcCaller.inet(true,
                (InetSocketAddress) ch.remoteAddress(), (InetSocketAddress) ch.localAddress())));
    }

    @Override
    public void initDatagram(Channel socket) {
        socket.pipeline().addLast("rpc", new RpcDatagramHandler(dispatcher, PortmapperProgram::amplifies,
                udpDumpPerSource, limited::increment));
    }

    @Override
    public void started() {
        List<Listener> all = ctx.host().listeners();
        List<Listener> mine = all.stream().filter(l -> l.service().equals(ctx.name())).toList();
        boolean wellKnown = mine.stream().anyMatch(l -> l.address().getPort() == WELL_KNOWN_PORT);
        names.entries(all.stream().map(l -> new NamesProgram.Entry(l.service(), l.kind(),
                l.protocol() == Protocol.TCP, l.address())).toList());
        Path socket = pathOption(LOCAL_SOCKET, wellKnown ? RPCBIND_SOCKET : null);
        if (socket != null) {
            local = RpcLocalSocket.bind(socket, dispatcher, maxRecordBytes);
        }
        self = selfRegistrations(mine, local == null ? null : local.path());
        Path statePath = pathOption(STATE, wellKnown ? DEFAULT_STATE : null);
        RpcbStateFile file = statePath == null ? null : new RpcbStateFile(statePath);
        List<RpcbMapping> saved = file == null ? List.of() : file.load();
        registry.restore(self, saved.stream().filter(m -> !self.contains(m)).toList());
        if (!saved.isEmpty()) {
            log.info("portmapper: {} registrations restored from {}", saved.size(), statePath);
        }
        state = file;
    }

    private Path pathOption(Option<String> option, String fallback) {
        String value = ctx.options().find(option).orElse(fallback);
        return value == null || value.isEmpty() ? null : Path.of(value);
    }

    /**
     * What rpcbind registers for itself, in its order: versions 4 and 3 on tcp6, udp6; 4, 3 and 2 on
     * tcp, udp; 4 and 3 on the local socket. Then portd's names program on the same transports.
     */
    static List<RpcbMapping> selfRegistrations(List<Listener> listeners, Path localSocket) {
        List<RpcbMapping> out = new ArrayList<>();
        for (int[] program : new int[][] {{PortmapperProgram.NUMBER, 4, 3, 2}, {NamesProgram.NUMBER, 1}}) {
            for (String netid : List.of("tcp6", "udp6", "tcp", "udp", "local")) {
                String uaddr = netid.equals("local") ? localSocket == null ? null : localSocket.toString()
                        : uaddr(listeners, netid);
                if (uaddr == null) {
                    continue;
                }
                for (int i = 1; i < program.length; i++) {
                    if (program[i] == 2 && !(netid.equals("tcp") || netid.equals("udp"))) {
                        continue;   // portmapper version 2 speaks of IPv4 protocols only
                    }
                    out.add(new RpcbMapping(program[0], program[i], netid, uaddr, "superuser"));
                }
            }
        }
        return out;
    }

    /** The universal address of this service on a netid, or null when it does not listen there. */
    private static String uaddr(List<Listener> listeners, String netid) {
        Protocol protocol = netid.startsWith("tcp") ? Protocol.TCP : Protocol.UDP;
        boolean v6 = netid.endsWith("6");
        for (Listener l : listeners) {
            if (l.protocol() != protocol) {
                continue;
            }
            InetAddress a = l.address().getAddress();
            boolean wildcard = a.isAnyLocalAddress();
            boolean isV6 = a instanceof java.net.Inet6Address;
            int port = l.address().getPort();
            if (wildcard && isV6) {   // one dual-stack socket serves both families
                return v6 ? "::." + (port >> 8) + "." + (port & 0xFF) : "0.0.0.0." + (port >> 8) + "." + (port & 0xFF);
            }
            if (isV6 == v6) {
                return Uaddr.of(a, port);
            }
        }
        return null;
    }

    /** Tells the listeners (discovery), then schedules a save of the state file on the blocking executor; many changes make one write. */
    private void changed() {
        listeners.forEach(Runnable::run);
        RpcbStateFile file = state;
        if (file == null || !savePending.compareAndSet(false, true)) {
            return;
        }
        ctx.blocking().execute(() -> {
            savePending.set(false);
            save(file);
        });
    }

    /**
     * Writes the state file unless the service has stopped: a save queued on the blocking executor
     * must not write after {@link #stopped()} made the last one (it would recreate the file in a
     * directory its owner is removing).
     */
    private synchronized void save(RpcbStateFile file) {
        if (stopped) {
            return;
        }
        List<RpcbMapping> current = self;
        try {
            file.save(registry.all().stream().filter(m -> !current.contains(m)).toList());
        } catch (IOException e) {
            log.warn("portmapper: cannot save registrations to {}: {}", file.path(), e.toString());
        }
    }

    /** Registrations now, for tests and the dashboard. */
    List<RpcbMapping> registrations() {
        return registry.all();
    }

    @Override
    public List<Mapping> mappings() {
        return registry.all().stream().map(m -> new Mapping(Integer.toUnsignedLong(m.program()),
                Integer.toUnsignedLong(m.version()), m.netid(), m.uaddr(), m.owner())).toList();
    }

    @Override
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    @Override
    public void cluster(ClusterView view) {
        names.cluster(view);
    }

    /** TCP connections closed because a record did not end within record_timeout. */
    long recordTimeouts() {
        return recordTimeouts.sum();
    }

    /** TCP connections closed because a record had more than max_record_fragments fragments. */
    long recordFragmentCuts() {
        return recordFragmentCuts.sum();
    }

    /** DUMP-like calls over UDP dropped by the per-source limit. */
    long limitedDatagrams() {
        return limited.sum();
    }

    @Override
    public void stopped() {
        if (local != null) {
            local.close();
        }
        RpcbStateFile file = state;
        synchronized (this) {
            if (file != null) {
                save(file);
            }
            stopped = true;
        }
    }
}
