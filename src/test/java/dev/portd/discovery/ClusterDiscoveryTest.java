package dev.portd.discovery;

import dev.portd.config.DiscoveryConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.portd.host.Host;
import dev.portd.service.ClusterView.Entry;
import dev.portd.service.rpc.RpcClient;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.KillSession;
import org.apache.curator.test.TestingCluster;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.KeeperException;
import org.junit.jupiter.api.Test;

/** Hosts publish to a real in-process ZooKeeper (curator-test) and find each other's services. */
class ClusterDiscoveryTest {
    static final Duration WAIT = Duration.ofSeconds(30);
    /** Portmapper version 2 procedures (RFC 1833 section 3). */
    static final int PMAP_SET = 1;
    static final int PMAP_UNSET = 2;

    static DiscoveryConfig config(String connect, String host) {
        return new DiscoveryConfig(connect, "/portd", host, Duration.ofSeconds(4), null);
    }

    static Host host() {
        return dev.portd.support.TestHosts.builder().service("echo").service("portmapper").start();
    }

    static List<String> seen(ClusterDiscovery d) {
        return d.entries().stream().map(e -> e.host() + " " + e.name() + " " + e.protocol() + " " + e.port()).toList();
    }

    static void pmap(Host host, int procedure, int program, int port) throws Exception {
        InetSocketAddress pm = new InetSocketAddress(InetAddress.getLoopbackAddress(), host.tcpPort("portmapper"));
        try (RpcClient c = RpcClient.tcp(pm, Duration.ofSeconds(5))) {
            c.call(100000, 2, procedure, b -> b.writeInt(program).writeInt(1).writeInt(6).writeInt(port));
        }
    }

    @Test
    void aHostFindsAnotherHostsListenersAndRpcProgramsAsTheyComeAndGo() throws Exception {
        try (TestingServer zk = new TestingServer();
             Host a = host(); Host b = host();
             ClusterDiscovery da = ClusterDiscovery.start(config(zk.getConnectString(), "alpha"), a, "test");
             ClusterDiscovery db = ClusterDiscovery.start(config(zk.getConnectString(), "beta"), b, "test")) {
            int echo = a.tcpPort("echo");
            await().atMost(WAIT).until(() -> seen(db).contains("alpha echo tcp " + echo)
                    && seen(db).contains("alpha echo udp " + a.udpPort("echo"))
                    && seen(db).contains("alpha portmapper tcp " + a.tcpPort("portmapper")));

            pmap(a, PMAP_SET, 100024, 4045);   // status (rpc.statd) in /etc/rpc
            await().atMost(WAIT).until(() -> db.entries().stream().anyMatch(e -> e.host().equals("alpha")
                    && e.program() == 100024 && e.port() == 4045 && e.kind().equals("rpc")));
            Entry statd = db.entries().stream().filter(e -> e.program() == 100024).findFirst().orElseThrow();
            assertThat(statd.name()).isEqualTo(RpcNames.read(java.nio.file.Path.of("/etc/rpc")).name(100024));

            pmap(a, PMAP_UNSET, 100024, 0);
            await().atMost(WAIT).until(() -> db.entries().stream().noneMatch(e -> e.program() == 100024));
            assertThat(da.session()).isEqualTo("connected");
        }
    }

    @Test
    void anExpiredSessionComesBackWithNoDuplicate() throws Exception {
        try (TestingServer zk = new TestingServer();
             Host a = host(); Host b = host();
             ClusterDiscovery da = ClusterDiscovery.start(config(zk.getConnectString(), "alpha"), a, "test");
             ClusterDiscovery db = ClusterDiscovery.start(config(zk.getConnectString(), "beta"), b, "test")) {
            String echo = "alpha echo tcp " + a.tcpPort("echo");
            await().atMost(WAIT).until(() -> seen(db).contains(echo));
            List<String> sessions = new CopyOnWriteArrayList<>();
            da.onChange(() -> sessions.add(da.session()));

            KillSession.kill(da.client().getZookeeperClient().getZooKeeper());

            await().atMost(WAIT).until(() -> sessions.contains("lost") && da.session().equals("connected")
                    && seen(db).contains(echo));
            await().atMost(WAIT).until(() -> seen(db).size() == seen(db).stream().distinct().count()
                    && zkChildren(zk.getConnectString(), "/portd/echo").size() == 4);
        }
    }

    @Test
    void startsWithTheEnsembleDownAndPublishesWhenItComes() throws Exception {
        try (TestingServer zk = new TestingServer(); Host a = host(); Host b = host()) {
            zk.stop();   // keeps its port: the ensemble "comes" on restart
            ClusterDiscovery da = ClusterDiscovery.start(config(zk.getConnectString(), "alpha"), a, "test");
            assertThat(da.session()).isEqualTo("waiting");
            assertThat(a.tcpPort("echo")).isPositive();   // serving meanwhile
            zk.restart();
            try (ClusterDiscovery db = ClusterDiscovery.start(config(zk.getConnectString(), "beta"), b, "test")) {
                await().atMost(WAIT).until(() -> seen(db).contains("alpha echo tcp " + a.tcpPort("echo")));
            } finally {
                da.close();
            }
        }
    }

    @Test
    void aClosedHostLeavesAndItsSessionsEndTakesItsEntries() throws Exception {
        try (TestingServer zk = new TestingServer();
             Host a = host(); Host b = host();
             ClusterDiscovery db = ClusterDiscovery.start(config(zk.getConnectString(), "beta"), b, "test")) {
            ClusterDiscovery da = ClusterDiscovery.start(config(zk.getConnectString(), "alpha"), a, "test");
            await().atMost(WAIT).until(() -> seen(db).stream().anyMatch(s -> s.startsWith("alpha ")));
            da.close();
            await().atMost(WAIT).until(() -> seen(db).stream().noneMatch(s -> s.startsWith("alpha ")));
            assertThat(seen(db)).anyMatch(s -> s.startsWith("beta echo "));
        }
    }

    @Test
    void threeNodesSurviveALostNodeAndAWholeRestart() throws Exception {
        try (TestingCluster zk = new TestingCluster(3)) {
            zk.start();
            try (Host a = host(); Host b = host();
                 ClusterDiscovery da = ClusterDiscovery.start(config(zk.getConnectString(), "alpha"), a, "test");
                 ClusterDiscovery db = ClusterDiscovery.start(config(zk.getConnectString(), "beta"), b, "test")) {
                String echo = "alpha echo tcp " + a.tcpPort("echo");
                await().atMost(WAIT).until(() -> seen(db).contains(echo));

                var serving = zk.findConnectionInstance(da.client().getZookeeperClient().getZooKeeper());
                zk.killServer(serving);
                await().atMost(WAIT).until(() -> da.session().equals("connected") && seen(db).contains(echo));

                for (var spec : zk.getInstances()) {
                    zk.killServer(spec);
                }
                // each client notices the outage on its own heartbeat: wait for both, not just one
                await().atMost(WAIT).until(() -> da.stale() && db.stale());
                assertThat(seen(db)).contains(echo);   // the cache answers during the outage
                for (var spec : zk.getInstances()) {
                    zk.restartServer(spec);
                }
                await().atMost(Duration.ofSeconds(60)).until(() -> da.session().equals("connected")
                        && db.session().equals("connected") && seen(db).contains(echo)
                        && zkChildren(zk.getConnectString(), "/portd/echo").size() == 4);
            }
        }
    }

    @Test
    void withAuthOthersReadButCannotDelete() throws Exception {
        try (TestingServer zk = new TestingServer(); Host a = host();
             ClusterDiscovery da = ClusterDiscovery.start(new DiscoveryConfig(zk.getConnectString(), "/portd",
                     "alpha", Duration.ofSeconds(4), "digest:portd:s3cret"), a, "test")) {
            await().atMost(WAIT).until(() -> zkChildren(zk.getConnectString(), "/portd/echo").size() == 2);
            try (CuratorFramework other = CuratorFrameworkFactory.newClient(zk.getConnectString(), new RetryOneTime(100))) {
                other.start();
                String node = "/portd/echo/" + other.getChildren().forPath("/portd/echo").get(0);
                assertThat(other.getData().forPath(node)).isNotEmpty();
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> other.delete().forPath(node))
                        .isInstanceOf(KeeperException.NoAuthException.class);
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> other.setData().forPath(node, new byte[] {1}))
                        .isInstanceOf(KeeperException.NoAuthException.class);
            }
        }
    }

    static List<String> zkChildren(String connect, String path) throws Exception {
        try (CuratorFramework c = CuratorFrameworkFactory.newClient(connect, new RetryOneTime(100))) {
            c.start();
            try {
                return c.getChildren().forPath(path);
            } catch (KeeperException.NoNodeException e) {
                return List.of();
            }
        }
    }
}
