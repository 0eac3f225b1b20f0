package dev.portd.cli;

import dev.portd.support.PortdCli;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portd.host.Host;
import dev.portd.support.TestHosts;
import org.junit.jupiter.api.Test;

/** {@code portd load} through the command line: the report, --json, and every bad input. */
class LoadCommandTest {
    private PortdCli last;

    private int run(String... args) {
        last = PortdCli.run(args);
        return last.exit();
    }

    @Test
    void jsonReportParsesAndCarriesTheSummaryFields() throws Exception {
        try (Host host = TestHosts.kinds("echo")) {
            int code = run("load", "echo", "127.0.0.1:" + host.tcpPort("echo"), "-c", "2", "-n", "200", "--json");
            assertThat(code).as(last.err()).isZero();
            JsonNode json = new ObjectMapper().readTree(last.out());
            assertThat(json.get("mode").asText()).isEqualTo("echo");
            assertThat(json.get("ops").asLong()).isEqualTo(200);
            assertThat(json.get("bytesReceived").asLong()).isEqualTo(200 * 64);
            assertThat(json.get("errors").asLong()).isZero();
            assertThat(json.get("countReached").asBoolean()).isTrue();
            for (String field : new String[] {"opsPerSecond", "mbPerSecond", "generatorCpuPercent"}) {
                assertThat(json.get(field).isNumber()).as(field).isTrue();
            }
            for (String p : new String[] {"p50", "p90", "p99", "p999", "max"}) {
                assertThat(json.get("latencyMicros").get(p).asDouble()).as(p).isPositive();
            }
        }
    }

    @Test
    void textReportShowsOpsLatencyErrorsAndCpu() {
        try (Host host = TestHosts.kinds("daytime")) {
            int code = run("load", "connect", "127.0.0.1:" + host.tcpPort("daytime"), "-c", "2", "-n", "20");
            assertThat(code).as(last.err()).isZero();
            assertThat(last.out()).contains("count      20 done", "ops        20", "latency    p50",
                    "errors     0", "generator  CPU");
        }
    }

    @Test
    void unknownModeIsRefused() {
        assertThat(run("load", "ping", "127.0.0.1:7")).isEqualTo(2);
        assertThat(last.err()).contains("unknown mode \"ping\"; use one of echo, echo-stream, discard, chargen, "
                + "connect, idle, udp-echo");
    }

    @Test
    void targetWithoutPortIsRefused() {
        assertThat(run("load", "echo", "127.0.0.1")).isEqualTo(2);
        assertThat(last.err()).contains("127.0.0.1: give HOST:PORT, e.g. 127.0.0.1:10007 or [::1]:7");
    }

    @Test
    void unbracketedIpv6IsRefused() {
        assertThat(run("load", "echo", "::1:7")).isEqualTo(2);
        assertThat(last.err()).contains("::1:7: write an IPv6 target in brackets, e.g. [::1]:7");
    }

    @Test
    void badSizeIsRefused() {
        assertThat(run("load", "echo", "127.0.0.1:7", "-s", "lots")).isEqualTo(2);
        assertThat(last.err()).contains("-s lots: give bytes, e.g. 64, 16k or 1m");
    }

    @Test
    void tinyUdpDatagramIsRefused() {
        assertThat(run("load", "udp-echo", "127.0.0.1:7", "-s", "4")).isEqualTo(2);
        assertThat(last.err()).contains("-s 4: a udp-echo datagram holds 8 (its sequence number) to 65507 bytes");
    }

    @Test
    void badSourceRangeIsRefused() {
        assertThat(run("load", "idle", "127.0.0.1:7", "--source", "127.0.0.9-127.0.0.2")).isEqualTo(2);
        assertThat(last.err()).contains("--source 127.0.0.9-127.0.0.2: a range runs upwards");
    }

    @Test
    void echoOptionOutsideConnectIsRefused() {
        assertThat(run("load", "echo", "127.0.0.1:7", "--echo")).isEqualTo(2);
        assertThat(last.err()).contains("--echo belongs to the connect mode");
    }

    @Test
    void badDurationIsRefused() {
        assertThat(run("load", "echo", "127.0.0.1:7", "-d", "soon")).isEqualTo(2);
        assertThat(last.err()).contains("-d soon: give a time, e.g. 5s, 250ms or 1m");
    }

    @Test
    void unreachableTargetExitsTwoWithTheReason() throws Exception {
        int port;
        try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        assertThat(run("load", "echo", "127.0.0.1:" + port, "-c", "1", "-d", "1s", "-w", "0")).isEqualTo(2);
        assertThat(last.err()).contains("portd: no connection to 127.0.0.1:" + port
                + " could be made: Connection refused");
    }

    @Test
    void connectionsClosedByTheTargetGetAHintAtTheLimits() throws Exception {
        try (var server = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Thread closer = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        server.accept().close();   // what portd does past per_source or max_connections
                    } catch (java.io.IOException e) {
                        return;
                    }
                }
            });
            closer.setDaemon(true);
            closer.start();
            // each connection's lane ends when the target closes it: the run ends once both are closed
            assertThat(run("load", "echo", "127.0.0.1:" + server.getLocalPort(), "-c", "2", "-n", "4")).isZero();
            assertThat(last.out()).containsPattern("(closed by the target|reset by peer)")
                    .contains("\nhint       closed by the target: per_source, max_connections or idle_timeout on portd?;"
                            + " at most ");
        }
    }
}
