package dev.portd.discovery;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.utils.ZKPaths;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this host's ephemeral instances equal to what it serves: {@link #publish} records what should
 * be there, and the discovery thread registers what is new and unregisters what is gone, once
 * connected. A registered instance stays in Curator's ServiceDiscovery, which re-creates it itself on
 * CONNECTED and RECONNECTED (after a session expiry too), deleting a leftover node of the same id
 * first, so no duplicate is left; portd registers only what Curator does not hold yet.
 */
final class HostPublisher {
    private static final Logger log = LoggerFactory.getLogger(HostPublisher.class);

    private final CuratorFramework client;
    private final ServiceDiscovery<ServicePayload> discovery;
    private final String basePath;
    private final ExecutorService executor;
    private final AtomicReference<List<ServiceInstance<ServicePayload>>> wanted = new AtomicReference<>(List.of());
    /** Touched by the discovery thread only. */
    private final Map<String, ServiceInstance<ServicePayload>> registered = new HashMap<>();
    /** Instances unregistered while disconnected: their node may outlive the call if the session did. */
    private final Set<ServiceInstance<ServicePayload>> leftovers = new HashSet<>();

    HostPublisher(CuratorFramework client, ServiceDiscovery<ServicePayload> discovery, String basePath,
                  ExecutorService executor) {
        this.client = client;
        this.basePath = basePath;
        this.discovery = discovery;
        this.executor = executor;
        client.getConnectionStateListenable().addListener((c, state) -> {
            if (state.isConnected()) {
                reconcileLater();
            }
        });
    }

    /** What this host serves now; safe from any thread, never blocks. */
    void publish(List<ServiceInstance<ServicePayload>> instances) {
        wanted.set(List.copyOf(instances));
        reconcileLater();
    }

    private void reconcileLater() {
        if (!executor.isShutdown()) {
            executor.execute(this::reconcile);
        }
    }

    /** Count of instances this host has handed to ZooKeeper. */
    int registered() {
        return registered.size();
    }

    private void reconcile() {
        if (!client.getZookeeperClient().isConnected()) {
            return;
        }
        Map<String, ServiceInstance<ServicePayload>> target = new HashMap<>();
        for (ServiceInstance<ServicePayload> i : wanted.get()) {
            target.put(i.getId(), i);
        }
        for (ServiceInstance<ServicePayload> old : List.copyOf(registered.values())) {
            ServiceInstance<ServicePayload> now = target.get(old.getId());
            if (now == null || !same(now, old)) {
                registered.remove(old.getId());
                try {
                    discovery.unregisterService(old);
                } catch (Exception e) {
                    leftovers.add(old);
                }
            }
        }
        for (ServiceInstance<ServicePayload> i : List.copyOf(leftovers)) {
            if (!registered.containsKey(i.getId()) && deleted(i)) {
                leftovers.remove(i);
            }
        }
        for (ServiceInstance<ServicePayload> i : target.values()) {
            if (!registered.containsKey(i.getId())) {
                registered.put(i.getId(), i);
                try {
                    discovery.registerService(i);
                } catch (Exception e) {
                    // Curator holds it now and re-creates it when the connection is back
                    log.debug("discovery: registering {} deferred: {}", i.getId(), e.toString());
                }
            }
        }
    }

    /**
     * Deletes this host's entries before it stops (on the discovery thread); gives up at the first
     * failure, since closing the session then removes them as well, at once or at its expiry. True
     * when every entry was deleted.
     */
    boolean withdraw() {
        wanted.set(List.of());
        if (!client.getZookeeperClient().isConnected()) {
            return false;
        }
        for (ServiceInstance<ServicePayload> i : List.copyOf(registered.values())) {
            if (!deleted(i)) {
                return false;
            }
            registered.remove(i.getId());
        }
        return true;
    }

    private boolean deleted(ServiceInstance<ServicePayload> i) {
        try {
            client.delete().quietly().forPath(ZKPaths.makePath(basePath, i.getName(), i.getId()));
            return true;
        } catch (KeeperException.NoNodeException e) {
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private static boolean same(ServiceInstance<ServicePayload> a, ServiceInstance<ServicePayload> b) {
        return a.getName().equals(b.getName()) && Objects.equals(a.getPayload(), b.getPayload())
                && Objects.equals(a.getAddress(), b.getAddress()) && Objects.equals(a.getPort(), b.getPort());
    }
}
