package dev.portd.discovery;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.ACLProvider;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceDiscoveryBuilder;
import org.apache.curator.x.discovery.details.JsonInstanceSerializer;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;

/** How portd talks to a ZooKeeper ensemble: the Curator client, its ACLs and the discovery recipe over it. */
final class Ensemble {
    /**
     * How long one operation waits for a connection before it fails; the host never waits on it (its
     * discovery thread does), and {@code portd lookup --zookeeper} gives up after its own timeout.
     */
    static final int CONNECTION_TIMEOUT_MILLIS = 5_000;

    /** With credentials: the creator (every portd host of the cluster, same digest) may change, anyone may read. */
    static final List<ACL> CREATOR_WRITES = Collections.unmodifiableList(new ArrayList<>(List.of(
            new ACL(ZooDefs.Perms.ALL, ZooDefs.Ids.AUTH_IDS),
            new ACL(ZooDefs.Perms.READ, ZooDefs.Ids.ANYONE_ID_UNSAFE))));   // ZooKeeper asks contains(null): no List.of

    private Ensemble() {
    }

    /** A client, not yet started. */
    static CuratorFramework client(String connect, int sessionTimeoutMillis, String digest) {
        CuratorFrameworkFactory.Builder b = CuratorFrameworkFactory.builder()
                .connectString(connect)
                .sessionTimeoutMs(sessionTimeoutMillis)
                .connectionTimeoutMs(Math.min(CONNECTION_TIMEOUT_MILLIS, sessionTimeoutMillis))
                .retryPolicy(new ExponentialBackoffRetry(100, 3, 1_000));
        if (digest != null) {
            b.authorization("digest", digest.getBytes(StandardCharsets.UTF_8)).aclProvider(new ACLProvider() {
                @Override
                public List<ACL> getDefaultAcl() {
                    return CREATOR_WRITES;
                }

                @Override
                public List<ACL> getAclForPath(String path) {
                    return CREATOR_WRITES;
                }
            });
        }
        return b.build();
    }

    static ServiceDiscovery<ServicePayload> discovery(CuratorFramework client, String basePath) {
        return ServiceDiscoveryBuilder.builder(ServicePayload.class)
                .client(client)
                .basePath(basePath)
                .serializer(new JsonInstanceSerializer<>(ServicePayload.class))
                .watchInstances(false)
                .build();
    }

    /** The word for a Curator state: connected, suspended or lost. */
    static String session(ConnectionState state) {
        return switch (state) {
            case CONNECTED, RECONNECTED -> "connected";
            case LOST -> "lost";
            default -> "suspended";
        };
    }
}
