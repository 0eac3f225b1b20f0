package dev.portd.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.portd.host.Host;
import dev.portd.support.TestHosts;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each mode against an embedded host reports exactly the operations and bytes it made. */
class LoadRunTest {
    private static final Duration LIMIT = Duration.ofSeconds(20);

    private static LoadSpec spec(LoadMode mode, int port, long count) {
        return LoadSpec.of(mode, new InetSocketAddress(InetAddress.getLoopbackAddress(), port))
                .withConnections(4).withThreads(2).withCount(count).withTiming(LIMIT, Duration.ZERO);
    }

    private static LoadReport run(LoadSpec spec) throws InterruptedException {
        return LoadRun.execute(spec, p -> { });
    }

    @Test
    void theRunFreesItsPatternBufferWhenItEnds() throws Exception {
        // a direct buffer never released is what Netty's leak detector reported during the suite
        try (Host host = TestHosts.kinds("discard")) {
            LoadRun run = LoadRun.prepare(spec(LoadMode.DISCARD, host.tcpPort("discard"), 100).withPayload(4096, 1));
            assertThat(run.pattern().released()).isFalse();
            LoadReport r = run.execute(p -> { });
            assertThat(r.ops()).isEqualTo(100);
            assertThat(run.pattern().released()).isTrue();
        }
    }

    @Test
    void echoCountsEveryRoundTripAndByte() throws Exception {
        try (Host host = TestHosts.kinds("echo")) {
            LoadReport r = run(spec(LoadMode.ECHO, host.tcpPort("echo"), 1000).withPayload(64, 1));
            assertThat(r.countReached()).isTrue();
            assertThat(r.ops()).as(r.toString()).isEqualTo(1000);
            assertThat(r.bytesSent()).isEqualTo(64_000);
            assertThat(r.bytesReceived()).isEqualTo(64_000);
            assertThat(r.errors()).isZero();
            assertThat(r.latencyMicros().samples()).isEqualTo(1000);
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                assertThat(host.stats("echo").bytesIn()).isEqualTo(64_000);
                assertThat(host.stats("echo").bytesOut()).isEqualTo(64_000);
                assertThat(host.stats("echo").totalConnections()).isEqualTo(4);
            });
        }
    }

    @Test
    void echoStreamChecksPipelinedPayloads() throws Exception {
        try (Host host = TestHosts.kinds("echo")) {
            LoadReport r = run(spec(LoadMode.ECHO_STREAM, host.tcpPort("echo"), 300).withPayload(5000, 8));
            assertThat(r.ops()).as(r.toString()).isEqualTo(300);
            assertThat(r.bytesReceived()).isEqualTo(1_500_000);
            assertThat(r.errors()).isZero();
            await().atMost(Duration.ofSeconds(5))
                    .untilAsserted(() -> assertThat(host.stats("echo").bytesIn()).isEqualTo(1_500_000));
        }
    }

    @Test
    void discardCountsBytesTheTargetRead() throws Exception {
        try (Host host = TestHosts.kinds("discard")) {
            LoadReport r = run(spec(LoadMode.DISCARD, host.tcpPort("discard"), 500).withPayload(1000, 1));
            assertThat(r.ops()).as(r.toString()).isEqualTo(500);
            assertThat(r.bytesSent()).isEqualTo(500_000);
            assertThat(r.bytesReceived()).isZero();
            assertThat(r.latencyMicros()).isNull();
            assertThat(r.errors()).isZero();
            await().atMost(Duration.ofSeconds(5))
                    .untilAsserted(() -> assertThat(host.stats("discard").bytesIn()).isEqualTo(500_000));
        }
    }

    @Test
    void chargenReadsAndChecksTheRfc864Pattern() throws Exception {
        try (Host host = TestHosts.kinds("chargen")) {
            LoadReport r = run(spec(LoadMode.CHARGEN, host.tcpPort("chargen"), 400).withPayload(7001, 1));
            assertThat(r.ops()).as(r.toString()).isEqualTo(400);
            assertThat(r.bytesReceived()).isEqualTo(400 * 7001L);
            assertThat(r.errors()).isZero();
            assertThat(host.stats("chargen").bytesOut()).isGreaterThanOrEqualTo(400 * 7001L);
        }
    }

    @Test
    void connectCountsDaytimeConnections() throws Exception {
        try (Host host = TestHosts.kinds("daytime")) {
            LoadReport r = run(spec(LoadMode.CONNECT, host.tcpPort("daytime"), 200));
            assertThat(r.ops()).as(r.toString()).isEqualTo(200);
            assertThat(r.errors()).isZero();
            assertThat(r.latencyMicros().samples()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                assertThat(host.stats("daytime").totalConnections()).isEqualTo(200);
                assertThat(host.stats("daytime").bytesOut()).isEqualTo(r.bytesReceived());
            });
        }
    }

    @Test
    void connectWithEchoExchangesOnePayloadPerConnection() throws Exception {
        try (Host host = TestHosts.kinds("echo")) {
            LoadReport r = run(spec(LoadMode.CONNECT, host.tcpPort("echo"), 100).withPayload(100, 1)
                    .withExchange(true));
            assertThat(r.ops()).as(r.toString()).isEqualTo(100);
            assertThat(r.bytesSent()).isEqualTo(10_000);
            assertThat(r.bytesReceived()).isEqualTo(10_000);
            assertThat(r.errors()).isZero();
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                assertThat(host.stats("echo").totalConnections()).isEqualTo(100);
                assertThat(host.stats("echo").bytesIn()).isEqualTo(10_000);
            });
        }
    }

    @Test
    void idleHoldsEveryConnectionFromSeveralSources() throws Exception {
        try (Host host = TestHosts.kinds("echo")) {
            LoadSpec s = spec(LoadMode.IDLE, host.tcpPort("echo"), 0).withConnections(30)
                    .withTiming(Duration.ofMillis(500), Duration.ofMillis(500))
                    .withSources(List.of(InetAddress.getByName("127.0.0.2"), InetAddress.getByName("127.0.0.3")));
            LoadReport r = run(s);
            assertThat(r.ops()).as(r.toString()).isEqualTo(30);
            assertThat(r.open()).isEqualTo(30);
            assertThat(r.errors()).isZero();
            assertThat(host.stats("echo").totalConnections()).isEqualTo(30);
        }
    }

    @Test
    void idleCountsConnectionsTheTargetRefuses() throws Exception {
        try (Host host = TestHosts.start("[services.echo]\nmax_connections = 10\nper_source = 0")) {
            LoadSpec s = spec(LoadMode.IDLE, host.tcpPort("echo"), 0).withConnections(25)
                    .withTiming(Duration.ofMillis(500), Duration.ofMillis(500));
            LoadReport r = run(s);
            assertThat(r.open()).isEqualTo(10);
            assertThat(r.errorsByKind()).containsEntry("idle: closed by the target", 15L);
        }
    }

    @Test
    void udpEchoCountsDatagramsAndLoss() throws Exception {
        try (Host host = TestHosts.start("[services.echo]\nudp_replies_per_second = 0")) {
            LoadReport r = run(spec(LoadMode.UDP_ECHO, host.udpPort("echo"), 500).withPayload(100, 2)
                    .withTimeout(Duration.ofSeconds(5)));
            assertThat(r.ops()).as(r.toString()).isEqualTo(500);
            assertThat(r.lost()).isZero();
            assertThat(r.bytesReceived()).isEqualTo(50_000);
            assertThat(r.errors()).isZero();
            assertThat(host.stats("echo").datagramsIn()).isEqualTo(500);
        }
    }

    @Test
    void udpEchoReportsDatagramsTheGuardDrops() throws Exception {
        try (Host host = TestHosts.start("[services.echo]\nudp_replies_per_second = 10\nudp_limit_all = true")) {
            LoadSpec s = spec(LoadMode.UDP_ECHO, host.udpPort("echo"), 0).withConnections(2)
                    .withTiming(Duration.ofMillis(600), Duration.ZERO).withTimeout(Duration.ofMillis(50));
            LoadReport r = run(s);
            assertThat(r.lost()).isPositive();
            assertThat(r.ops()).isLessThanOrEqualTo(10);
            assertThat(r.lossPercent()).isGreaterThan(0.0);
        }
    }
}
