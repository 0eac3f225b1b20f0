package dev.portd.discovery;

import dev.portd.service.ClusterView.Entry;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.zookeeper.KeeperException;

/**
 * {@code portd lookup --zookeeper}: reads the cluster straight from the ensemble, once or as a watch,
 * with no portd host in between.
 */
public final class ClusterQuery implements AutoCloseable {
    private final CuratorFramework client;
    private final ServiceDiscovery<ServicePayload> discovery;
    private final String basePath;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "portd-lookup-watch");
        t.setDaemon(true);
        return t;
    });
    private ClusterCache cache;

    private ClusterQuery(CuratorFramework client, String basePath) {
        this.client = client;
        this.basePath = basePath;
        this.discovery = Ensemble.discovery(client, basePath);
    }

    /**
     * Connects, waiting at most {@code timeout}.
     *
     * @throws IOException the ensemble did not answer in time
     */
    public static ClusterQuery connect(String connect, String basePath, Duration timeout) throws IOException {
        int millis = (int) Math.max(1000, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        CuratorFramework client = Ensemble.client(connect, Math.max(millis, 4000), null);
        client.start();
        try {
            if (!client.blockUntilConnected(millis, TimeUnit.MILLISECONDS)) {
                client.close();
                throw new IOException("ZooKeeper at " + connect + " did not answer within " + timeout.toMillis() + " ms");
            }
        } catch (InterruptedException e) {
            client.close();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while connecting to ZooKeeper at " + connect);
        }
        return new ClusterQuery(client, basePath);
    }

    /** Every entry now, read from ZooKeeper. */
    public List<Entry> all() throws IOException {
        List<Entry> all = new ArrayList<>();
        try {
            List<String> names;
            try {
                names = client.getChildren().forPath(basePath);
            } catch (KeeperException.NoNodeException e) {
                return all;
            }
            for (String name : names) {
                for (ServiceInstance<ServicePayload> i : discovery.queryForInstances(name)) {
                    Entry e = ClusterCache.entry(i);
                    if (e != null) {
                        all.add(e);
                    }
                }
            }
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("reading " + basePath + " from ZooKeeper: " + e.getMessage(), e);
        }
        all.sort(Comparator.comparing(Entry::host).thenComparing(Entry::name).thenComparing(Entry::protocol)
                .thenComparingInt(Entry::port));
        return all;
    }

    /**
     * Calls {@code changed} with every entry whenever the cluster changes (on a watch thread), once
     * the cache holds the whole cluster; waits at most {@code timeout} for that first load.
     */
    public void watch(Consumer<List<Entry>> changed, Duration timeout) throws IOException {
        cache = new ClusterCache(client, discovery, basePath, executor);
        cache.start();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!cache.loaded()) {   // bounded by the timeout
            if (System.nanoTime() > deadline) {
                throw new IOException("ZooKeeper did not hand over the cluster within " + timeout.toMillis() + " ms");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
        }
        cache.onChange(() -> changed.accept(cache.entries()));
        changed.accept(cache.entries());   // what changed between the first read and the watch
    }

    @Override
    public void close() {
        if (cache != null) {
            cache.close();
        }
        executor.shutdownNow();
        client.close();
    }
}
