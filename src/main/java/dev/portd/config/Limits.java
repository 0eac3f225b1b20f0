package dev.portd.config;

import dev.portd.ports.Cidr;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

/**
 * The per-service limits and access rules the host enforces before a service sees a byte; each is
 * declared, with its default and meaning, in {@link CommonOptions}.
 *
 * @param maxConnections      open TCP connections of the service at once (0: no limit)
 * @param perSource           open TCP connections from one address (0: no limit)
 * @param idleTimeout         a TCP connection with no read or write for this long is closed (zero: never)
 * @param allow               if not empty, only these ranges may connect or send
 * @param deny                these ranges may not; deny wins over allow
 * @param udpRepliesPerSecond replies per source address and second of an amplifying kind to a
 *                            non-loopback source (0: no limit)
 * @param udpLimitAll         whether that limit applies to every datagram and source instead
 */
public record Limits(int maxConnections, int perSource, Duration idleTimeout,
                     List<Cidr> allow, List<Cidr> deny, int udpRepliesPerSecond, boolean udpLimitAll) {

    public static final Limits DEFAULT = new Limits(CommonOptions.MAX_CONNECTIONS.defaultValue(),
            CommonOptions.PER_SOURCE.defaultValue(), CommonOptions.IDLE_TIMEOUT.defaultValue(), List.of(), List.of(),
            CommonOptions.UDP_REPLIES_PER_SECOND.defaultValue(), CommonOptions.UDP_LIMIT_ALL.defaultValue());

    public Limits {
        allow = List.copyOf(allow);
        deny = List.copyOf(deny);
    }

    /** Limits with the UDP rate applied only where replies can amplify (the default). */
    public Limits(int maxConnections, int perSource, Duration idleTimeout, List<Cidr> allow, List<Cidr> deny,
                  int udpRepliesPerSecond) {
        this(maxConnections, perSource, idleTimeout, allow, deny, udpRepliesPerSecond, false);
    }

    /** Whether this peer passes the access rules: not denied, and allowed if an allow list exists. */
    public boolean permits(InetAddress peer) {
        for (Cidr range : deny) {
            if (range.contains(peer)) {
                return false;
            }
        }
        if (allow.isEmpty()) {
            return true;
        }
        for (Cidr range : allow) {
            if (range.contains(peer)) {
                return true;
            }
        }
        return false;
    }
}
