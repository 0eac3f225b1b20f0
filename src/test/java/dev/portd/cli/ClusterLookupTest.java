package dev.portd.cli;

import dev.portd.support.PortdCli;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portd.Portd;
import dev.portd.discovery.ClusterDiscovery;
import dev.portd.config.DiscoveryConfig;
import dev.portd.host.Host;
import dev.portd.service.rpc.RpcClient;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code portd lookup} across two hosts joined through a real in-process ZooKeeper. */
class ClusterLookupTest {
    static final Duration WAIT = Duration.ofSeconds(30);
    static TestingServer zk;
    static Host alpha;
    static Host beta;
    static ClusterDiscovery alphaCluster;
    static ClusterDiscovery betaCluster;

    static PortdCli run(String... args) {
        return PortdCli.run(args);
    }

    static DiscoveryConfig config(String host) {
        return new DiscoveryConfig(zk.getConnectString(), "/portd", host, Duration.ofSeconds(4), null);
    }

    @BeforeAll
    static void start() throws Exception {
        zk = new TestingServer();
        alpha = dev.portd.support.TestHosts.builder().service("echo").service("portmapper").start();
        beta = dev.portd.support.TestHosts.builder().service("portmapper").service("dashboard").start();
        alphaCluster = ServeCommand.joinCluster(config("alpha"), alpha);
        betaCluster = ServeCommand.joinCluster(config("beta"), beta);
        InetSocketAddress pm = new InetSocketAddress(InetAddress.getLoopbackAddress(), alpha.tcpPort("portmapper"));
        try (RpcClient c = RpcClient.tcp(pm, Duration.ofSeconds(5))) {
            // PMAPPROC_SET (RFC 1833): status (rpc.statd), version 1, tcp, port 4045
            c.call(100000, 2, 1, b -> b.writeInt(100024).writeInt(1).writeInt(6).writeInt(4045));
        }
        await().atMost(WAIT).until(() -> betaCluster.entries().stream().anyMatch(e -> e.program() == 100024));
    }

    @AfterAll
    static void stop() throws Exception {
        betaCluster.close();
        alphaCluster.close();
        beta.close();
        alpha.close();
        zk.close();
    }

    String betaPort() {
        return Integer.toString(beta.tcpPort("portmapper"));
    }

    @Test
    void aHostFindsAnotherHostsEchoFromItsCache() {
        PortdCli r = run("lookup", "echo", "-H", "127.0.0.1", "-p", betaPort());
        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith("HOST   NAME  KIND  PROTO  ADDRESS    PORT")
                .contains("alpha  echo  echo  tcp    127.0.0.1  " + alpha.tcpPort("echo") + "  -")
                .contains("alpha  echo  echo  udp    127.0.0.1  " + alpha.udpPort("echo") + "  -");
    }

    @Test
    void anRpcProgramOfAnotherHostIsFoundByNameAndByNumber() {
        PortdCli byNumber = run("lookup", "100024", "-H", "127.0.0.1", "-p", betaPort());
        assertThat(byNumber.exit()).isZero();
        assertThat(byNumber.out()).contains("alpha ").contains(" rpc ").contains("4045  100024 v1");
        String name = byNumber.out().lines().skip(1).findFirst().orElseThrow().split("\\s+")[1];
        PortdCli byName = run("lookup", name, "-H", "127.0.0.1", "-p", betaPort());
        assertThat(byName.exit()).isZero();
        assertThat(byName.out()).contains("4045  100024 v1");
    }

    @Test
    void zookeeperIsAskedDirectlyAsJson() throws Exception {
        PortdCli r = run("lookup", "--all", "--json", "--zookeeper", zk.getConnectString());
        assertThat(r.exit()).isZero();
        JsonNode rows = new ObjectMapper().readTree(r.out());
        assertThat(rows.findValuesAsText("hostName")).contains("alpha", "beta");
        assertThat(rows.toString()).contains("\"program\":100024");
    }

    @Test
    void nothingByThatNameInTheClusterExitsThree() {
        PortdCli r = run("lookup", "gopher", "--zookeeper", zk.getConnectString());
        assertThat(r.exit()).isEqualTo(LookupCommand.NOT_FOUND);
        assertThat(r.err()).isEqualTo("gopher: nothing registered under this name in the cluster (ZooKeeper at "
                + zk.getConnectString() + ")\n");
    }

    @Test
    void anEnsembleThatDoesNotAnswerIsAClearError() {
        PortdCli r = run("lookup", "echo", "--zookeeper", "127.0.0.1:1", "--timeout", "1s");
        assertThat(r.exit()).isEqualTo(Portd.REFUSED);
        assertThat(r.err()).isEqualTo("portd lookup: ZooKeeper at 127.0.0.1:1 did not answer within 1000 ms\n");
    }

    @Test
    void duringAnOutageAHostAnswersFromItsCacheAndSaysItMayBeStale() throws Exception {
        try (TestingServer own = new TestingServer();
             Host gamma = dev.portd.support.TestHosts.builder().service("echo").service("portmapper").start();
             ClusterDiscovery cluster = ServeCommand.joinCluster(new DiscoveryConfig(own.getConnectString(), "/portd",
                     "gamma", Duration.ofSeconds(4), null), gamma)) {
            await().atMost(WAIT).until(() -> cluster.entries().size() == 4);
            own.stop();
            await().atMost(WAIT).until(cluster::stale);
            PortdCli r = run("lookup", "echo", "-H", "127.0.0.1", "-p", Integer.toString(gamma.tcpPort("portmapper")));
            assertThat(r.exit()).isZero();
            assertThat(r.out()).contains("gamma  echo  echo  tcp");
            assertThat(r.err()).startsWith("portd lookup: note: the host's ZooKeeper session is ")
                    .endsWith("; this answer comes from its cache and may be stale\n");
        }
    }

    @Test
    void theDashboardListsEveryHostOfTheCluster() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + beta.tcpPort("dashboard") + "/api/cluster")).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode c = new ObjectMapper().readTree(r.body());
        assertThat(c.path("enabled").asBoolean()).isTrue();
        assertThat(c.path("hostName").asText()).isEqualTo("beta");
        assertThat(c.path("session").asText()).isEqualTo("connected");
        assertThat(c.path("hosts").findValuesAsText("name")).contains("alpha", "beta");
        JsonNode alphaNode = null;
        for (JsonNode h : c.path("hosts")) {
            if (h.path("name").asText().equals("alpha")) {
                alphaNode = h;
            }
        }
        assertThat(alphaNode).isNotNull();
        assertThat(alphaNode.path("session").asText()).isEqualTo("live");
        assertThat(alphaNode.path("rpc").findValuesAsText("program")).contains("100024");
    }
}
