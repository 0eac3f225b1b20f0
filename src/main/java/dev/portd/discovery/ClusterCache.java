package dev.portd.discovery;

import dev.portd.service.ClusterView.Entry;
import java.io.Closeable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.watch.PersistentWatcher;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.x.discovery.ServiceCache;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.details.ServiceCacheListener;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every entry under the base path, kept current by watches: a persistent watch on the base path
 * finds new service names, and one Curator ServiceCache per name follows its instances. Reads never
 * touch ZooKeeper, so they answer during an outage from what was last seen.
 */
final class ClusterCache implements Closeable {
    private static final Logger log = LoggerFactory.getLogger(ClusterCache.class);

    private final CuratorFramework client;
    private final ServiceDiscovery<ServicePayload> discovery;
    private final String basePath;
    private final ExecutorService executor;
    private final Map<String, ServiceCache<ServicePayload>> caches = new ConcurrentHashMap<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final PersistentWatcher names;
    private final List<CountDownLatch> loading = new CopyOnWriteArrayList<>();
    private volatile boolean listed;
    /** What {@link #entries()} last built; rebuilt after a change, and until the first load is whole. */
    private volatile List<Entry> snapshot = List.of();
    private volatile boolean dirty = true;
    private volatile boolean closed;

    /** {@code executor} is single-threaded: name refreshes and cache events never overlap. */
    ClusterCache(CuratorFramework client, ServiceDiscovery<ServicePayload> discovery, String basePath,
                 ExecutorService executor) {
        this.client = client;
        this.discovery = discovery;
        this.basePath = basePath;
        this.executor = executor;
        this.names = new PersistentWatcher(client, basePath, false);
    }

    void start() {
        names.getListenable().addListener(event -> refresh());
        names.getResetListenable().addListener(this::refresh);
        client.getConnectionStateListenable().addListener((c, state) -> {
            if (state.isConnected()) {
                refresh();
            }
        });
        names.start();
        refresh();
    }

    void onChange(Runnable listener) {
        listeners.add(listener);
    }

    private void refresh() {
        if (!closed) {
            executor.execute(this::refreshNames);
        }
    }

    private void refreshNames() {
        if (closed || !client.getZookeeperClient().isConnected()) {
            return;   // the next CONNECTED or RECONNECTED refreshes
        }
        List<String> found;
        try {
            found = client.getChildren().forPath(basePath);
        } catch (KeeperException.NoNodeException e) {
            found = List.of();
        } catch (Exception e) {
            log.debug("discovery: cannot list {}: {}", basePath, e.toString());
            return;
        }
        boolean added = false;
        for (String name : found) {
            if (!caches.containsKey(name)) {
                ServiceCache<ServicePayload> cache = discovery.serviceCacheBuilder().name(name).executorService(executor).build();
                cache.addListener(new ServiceCacheListener() {
                    @Override
                    public void cacheChanged() {
                        fire();
                    }

                    @Override
                    public void stateChanged(CuratorFramework c, ConnectionState state) {
                    }
                });
                try {
                    loading.add(cache.startImmediate());
                    caches.put(name, cache);
                    added = true;
                } catch (Exception e) {
                    log.debug("discovery: cannot watch {}/{}: {}", basePath, name, e.toString());
                }
            }
        }
        listed = true;   // after the loop: every name's latch is in the list by now
        if (added) {
            fire();
        }
    }

    /** True once the names were listed and every name's first load is in: a diff from here on is a real change. */
    boolean loaded() {
        return listed && loading.stream().allMatch(l -> l.getCount() == 0);
    }

    private void fire() {
        dirty = true;
        listeners.forEach(Runnable::run);
    }

    /**
     * Every cached entry, sorted by host, name, kind, protocol and port: an immutable list, rebuilt
     * only after a change, so a lookup costs a scan of a ready list.
     */
    List<Entry> entries() {
        if (!dirty) {
            return snapshot;
        }
        dirty = !loaded();   // cleared before the build: a change during it marks it dirty again
        List<Entry> built = build();
        snapshot = built;
        return built;
    }

    private List<Entry> build() {
        List<Entry> all = new ArrayList<>();
        for (ServiceCache<ServicePayload> cache : caches.values()) {
            for (ServiceInstance<ServicePayload> i : cache.getInstances()) {
                Entry e = entry(i);
                if (e != null) {
                    all.add(e);
                }
            }
        }
        all.sort(Comparator.comparing(Entry::host).thenComparing(Entry::name).thenComparing(Entry::kind)
                .thenComparing(Entry::protocol).thenComparingInt(Entry::port).thenComparingLong(Entry::version));
        return List.copyOf(all);
    }

    static Entry entry(ServiceInstance<ServicePayload> i) {
        ServicePayload p = i.getPayload();
        if (p == null || p.host() == null) {
            return null;   // not published by portd
        }
        return new Entry(p.host(), i.getName(), nz(p.kind()), nz(p.protocol()), nz(p.address()), p.port(),
                p.program() == null ? 0 : p.program(), p.version() == null ? 0 : p.version(), nz(p.owner()));
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    @Override
    public void close() {
        closed = true;
        names.close();
        for (ServiceCache<ServicePayload> cache : caches.values()) {
            try {
                cache.close();
            } catch (Exception e) {
                log.debug("discovery: closing a cache: {}", e.toString());
            }
        }
    }
}
