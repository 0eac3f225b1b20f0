package dev.portd.config;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

/**
 * The per-service limits and access rules the host enforces before a service sees a byte.
 *
 * @param maxConnections      open TCP connections of the service at once; past it a new connection
 *                            is closed at once and counted (0: no limit)
 * @param perSource           open TCP connections from one address (0: no limit)
 * @param idleTimeout         a TCP connection with no read or write for this long is closed
 *                            (zero: never)
 * @param allow               if not empty, only these ranges may connect or send
 * @param deny                these ranges may not; deny wins over allow
 * @param udpRepliesPerSecond datagrams answered per source address and second; more are dropped
 *                            and counted, so the host cannot be used as a reflection amplifier
 *                            (0: no limit)
 */
public record Limits(int maxConnections, int perSource, Duration idleTimeout,
                     List<Cidr> allow, List<Cidr> deny, int udpRepliesPerSecond) {

    /**
     * The defaults: 10,000 connections per service and 256 per source (xinetd ships 30 and 10,
     * which a load test or a busy NAT exceeds); idle connections closed after 10 minutes; every
     * address allowed; 100 UDP replies per source and second (a person or a test never needs more,
     * a reflection attack needs far more).
     */
    public static final Limits DEFAULT =
            new Limits(10_000, 256, Duration.ofMinutes(10), List.of(), List.of(), 100);

    public Limits {
        allow = List.copyOf(allow);
        deny = List.copyOf(deny);
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
