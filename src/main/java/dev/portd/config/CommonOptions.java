package dev.portd.config;

import dev.portd.ports.Cidr;
import dev.portd.service.Option;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

/**
 * The keys of {@code [host]} and the keys every {@code [services.NAME]} takes beside its kind's own,
 * each declared once with its type, range, default and meaning. Defaults and their reasons:
 * <ul>
 *   <li>10,000 connections per service and 256 per source: xinetd ships 30 and 10, which a load
 *       test or a busy NAT exceeds;</li>
 *   <li>idle connections closed after 10 minutes;</li>
 *   <li>100 UDP replies per source and second of the kinds that can amplify, to remote sources: a
 *       person never needs more, a reflection attack needs far more; loopback cannot be spoofed from
 *       outside the host, and a reply no larger than its call amplifies nothing;</li>
 *   <li>5 s of grace after SIGTERM: systemd's stop jobs expect far less than their 90 s.</li>
 * </ul>
 */
public final class CommonOptions {
    private CommonOptions() {
    }

    public static final Option<Duration> GRACE = Option.duration("grace", Duration.ZERO, Duration.ofHours(1),
            Duration.ofSeconds(5), "after SIGTERM/SIGINT, how long open connections may finish before they are closed");
    public static final Option<List<InetAddress>> HOST_BIND = Option.addresses("bind",
            "addresses of services that name none").defaultText("every address, IPv4 and IPv6 (one dual-stack socket)");
    public static final Option<String> TRANSPORT = Option.choice("transport", "auto",
            List.of("auto", "epoll", "io_uring", "nio"), "I/O: auto is epoll on Linux, else nio; io_uring on request");
    /** Where {@code portd reload} and {@code portd serve --upgrade} find the running portd; /run/portd is root's. */
    public static final Option<String> CONTROL_SOCKET = Option.string("control_socket", "/run/portd/control.sock",
            "AF_UNIX socket (mode 0600, owner only) for portd reload and serve --upgrade; \"\": none");
    public static final List<Option<?>> HOST = List.of(GRACE, HOST_BIND, TRANSPORT, CONTROL_SOCKET);

    public static final Option<String> KIND = Option.string("kind", null,
            "which service kind; portd check --kinds lists them").defaultText("the table name");
    public static final Option<Integer> PORT = Option.integer("port", 0, 65535, null,
            "the port on every protocol; 0: a free port chosen at start").defaultText("the kind's");
    public static final Option<List<String>> PROTOCOLS = Option.protocols("protocols",
            "[\"tcp\"], [\"udp\"] or both").defaultText("all the kind serves");
    public static final Option<List<InetAddress>> BIND = Option.addresses("bind",
            "the addresses it listens on").defaultText("host.bind");
    public static final Option<Boolean> ENABLED = Option.bool("enabled", true, "false leaves the service out");
    public static final Option<Integer> MAX_CONNECTIONS = Option.integer("max_connections", 0, 10_000_000, 10_000,
            "open TCP connections of the service; past it a new one is closed at once and counted; 0: no limit");
    public static final Option<Integer> PER_SOURCE = Option.integer("per_source", 0, 10_000_000, 256,
            "open TCP connections from one address; 0: no limit");
    public static final Option<Duration> IDLE_TIMEOUT = Option.duration("idle_timeout", Duration.ZERO,
            Duration.ofDays(7), Duration.ofMinutes(10),
            "a connection that neither reads nor writes for this long is closed; 0: never");
    public static final Option<List<Cidr>> ALLOW = Option.ranges("allow",
            "if given, only these addresses or CIDR ranges may connect or send").defaultText("everyone");
    public static final Option<List<Cidr>> DENY = Option.ranges("deny",
            "these may not connect or send; deny wins over allow").defaultText("nobody");
    public static final Option<Integer> UDP_REPLIES_PER_SECOND = Option.integer("udp_replies_per_second", 0,
            100_000_000, 100,
            "replies per source address and second of a kind whose replies can be larger than the request "
                    + "(daytime, qotd, chargen, time), to non-loopback sources; the rest are dropped and counted; 0: no limit");
    public static final Option<Boolean> UDP_LIMIT_ALL = Option.bool("udp_limit_all", false,
            "true: udp_replies_per_second limits every datagram of every kind, loopback sources included");
    public static final List<Option<?>> SERVICE = List.of(KIND, PORT, PROTOCOLS, BIND, ENABLED, MAX_CONNECTIONS,
            PER_SOURCE, IDLE_TIMEOUT, ALLOW, DENY, UDP_REPLIES_PER_SECOND, UDP_LIMIT_ALL);

    public static final Option<String> ZOOKEEPER = Option.string("zookeeper", null,
            "the ensemble's connect string: host:port, comma-separated, an optional /chroot at the end")
            .defaultText("required");
    public static final Option<String> BASE_PATH = Option.string("base_path", DiscoveryConfig.DEFAULT_BASE_PATH,
            "the znode under which each service name is a child");
    public static final Option<String> HOST_NAME = Option.string("host_name", null,
            "this host's name in the cluster; each listener's own address is published").defaultText("the machine's name");
    public static final Option<Duration> SESSION_TIMEOUT = Option.duration("session_timeout", Duration.ofSeconds(1),
            Duration.ofMinutes(10), DiscoveryConfig.DEFAULT_SESSION_TIMEOUT,
            "how long a dead host's entries stay; ZooKeeper clamps it to 2..20 of its ticks");
    public static final Option<String> AUTH = Option.string("auth", null,
            "\"digest:user:password\": entries get an ACL that lets others read but not change them")
            .defaultText("none: open ACL");
    public static final Option<java.nio.file.Path> AUTH_FILE = Option.path("auth_file", null,
            "a file holding the auth string, instead of auth");
    /** The keys of {@code [discovery]}; without the table, no ZooKeeper. */
    public static final List<Option<?>> DISCOVERY = List.of(ZOOKEEPER, BASE_PATH, HOST_NAME, SESSION_TIMEOUT, AUTH,
            AUTH_FILE);
}
