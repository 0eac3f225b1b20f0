package dev.portd.config;

import java.time.Duration;

/**
 * The {@code [discovery]} table: which ZooKeeper ensemble holds the cluster, where under it, and as
 * whom this host publishes.
 *
 * @param zookeeper      connect string, e.g. {@code 10.0.0.1:2181,10.0.0.2:2181}
 * @param basePath       the znode under which every service name is a child, e.g. {@code /portd}
 * @param hostName       this host's name in the cluster; the machine's name unless set
 * @param sessionTimeout how long after a host dies its entries stay (ZooKeeper clamps it to
 *                       2..20 ticks of the server, 4 s..40 s by default)
 * @param auth           {@code digest:user:password}, or null: entries then carry an open ACL
 */
public record DiscoveryConfig(String zookeeper, String basePath, String hostName, Duration sessionTimeout,
                              String auth) {

    /** Short enough that a killed host drops out of lookups quickly, long enough to ride out a GC pause. */
    public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(15);
    public static final String DEFAULT_BASE_PATH = "/portd";

    /** The user:password part of a digest auth, or null. */
    public String digest() {
        return auth == null ? null : auth.substring("digest:".length());
    }

    @Override
    public String toString() {   // never log the password
        return "DiscoveryConfig[zookeeper=" + zookeeper + ", basePath=" + basePath + ", hostName=" + hostName
                + ", sessionTimeout=" + sessionTimeout + ", auth=" + (auth == null ? "none" : "digest:***") + "]";
    }
}
