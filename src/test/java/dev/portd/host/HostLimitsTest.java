package dev.portd.host;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.portd.support.TestHosts;
import dev.portd.support.Tcp;
import dev.portd.support.Udp;
import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Per-service limits and access rules, enforced by the host before the service sees a byte. */
class HostLimitsTest {

    /** An echo service with these limits, written as a user writes them. */
    static Host echo(String limits) {
        return TestHosts.start("[services.echo]\n" + limits);
    }

    static String limits(int max, int perSource, Duration idle, List<String> allow, List<String> deny, int udp) {
        return "max_connections = " + max + "\nper_source = " + perSource + "\nidle_timeout = \"" + idle.toMillis()
                + "ms\"\nallow = " + toml(allow) + "\ndeny = " + toml(deny) + "\nudp_replies_per_second = " + udp + "\n";
    }

    static String toml(List<String> values) {
        return values.stream().map(TestHosts::quote).collect(java.util.stream.Collectors.joining(", ", "[", "]"));
    }

    /** True when the server answers an echo on this socket, false when it has closed it. */
    static boolean served(Socket s) throws IOException {
        try {
            s.getOutputStream().write("x".getBytes(US_ASCII));
            return s.getInputStream().read() == 'x';
        } catch (IOException e) {
            return false;   // reset: closed by the server
        }
    }

    @Test
    void connectionPastMaxConnectionsIsClosedAtOnceAndCounted() throws Exception {
        try (Host host = echo(limits(2, 0, Duration.ZERO, List.of(), List.of(), 100));
             Socket a = Tcp.connect(host.tcpPort("echo"));
             Socket b = Tcp.connect(host.tcpPort("echo"))) {
            assertThat(served(a)).isTrue();
            assertThat(served(b)).isTrue();
            try (Socket c = Tcp.connect(host.tcpPort("echo"))) {
                assertThat(served(c)).isFalse();
            }
            assertThat(host.stats("echo").refusedByReason()).containsEntry("max_connections", 1L);
            a.close();
            await().atMost(Duration.ofSeconds(5)).until(() -> host.stats("echo").openConnections() == 1);
            try (Socket d = Tcp.connect(host.tcpPort("echo"))) {
                assertThat(served(d)).as("a freed slot is reused").isTrue();
            }
        }
    }

    @Test
    void perSourceLimitCountsConnectionsFromOneAddress() throws Exception {
        try (Host host = echo(limits(0, 1, Duration.ZERO, List.of(), List.of(), 100));
             Socket a = Tcp.connect(host.tcpPort("echo"))) {
            assertThat(served(a)).isTrue();
            try (Socket b = Tcp.connect(host.tcpPort("echo"))) {
                assertThat(served(b)).isFalse();
            }
            assertThat(host.stats("echo").refusedByReason()).containsEntry("per_source", 1L);
        }
    }

    @Test
    void deniedPeerIsClosedBeforeTheServiceSeesIt() throws Exception {
        try (Host host = echo(limits(0, 0, Duration.ZERO, List.of(), List.of("127.0.0.0/8"), 100));
             Socket s = Tcp.connect(host.tcpPort("echo"))) {
            assertThat(served(s)).isFalse();
            assertThat(host.stats("echo").refusedByReason()).containsEntry("denied", 1L);
            assertThat(host.stats("echo").totalConnections()).isZero();
        }
    }

    @Test
    void peerOutsideTheAllowListIsRefused() throws Exception {
        try (Host host = echo(limits(0, 0, Duration.ZERO, List.of("10.0.0.0/8", "::1"), List.of(), 100));
             Socket s = Tcp.connect(host.tcpPort("echo"))) {
            assertThat(served(s)).isFalse();
        }
    }

    @Test
    void peerInsideTheAllowListIsServed() throws Exception {
        try (Host host = echo(limits(0, 0, Duration.ZERO, List.of("127.0.0.1"), List.of(), 100));
             Socket s = Tcp.connect(host.tcpPort("echo"))) {
            assertThat(served(s)).isTrue();
        }
    }

    @Test
    void denyWinsOverAllow() throws Exception {
        try (Host host = echo(limits(0, 0, Duration.ZERO, List.of("127.0.0.1"), List.of("127.0.0.0/8"), 100));
             Socket s = Tcp.connect(host.tcpPort("echo"))) {
            assertThat(served(s)).isFalse();
        }
    }

    @Test
    void deniedSourceGetsNoDatagram() throws Exception {
        try (Host host = echo(limits(0, 0, Duration.ZERO, List.of(), List.of("127.0.0.1"), 100));
             Udp udp = Udp.to(host.udpPort("echo"))) {
            udp.send("hi".getBytes(US_ASCII));
            await().atMost(Duration.ofSeconds(5)).until(() -> host.stats("echo").datagramsDropped() == 1);
            assertThat(host.stats("echo").droppedByReason()).containsEntry("denied", 1L);
            assertThat(udp.receive(100)).isEmpty();
        }
    }

    @Test
    void idleConnectionIsClosedAfterIdleTimeout() throws Exception {
        try (Host host = echo(limits(0, 0, Duration.ofMillis(300), List.of(), List.of(), 100));
             Socket s = Tcp.connect(host.tcpPort("echo"))) {
            assertThat(served(s)).isTrue();
            assertThat(s.getInputStream().read()).as("closed by the server when idle").isEqualTo(-1);
        }
    }

    @Test
    void udpRepliesPerSourceAreLimitedAndTheRestCounted() throws Exception {
        int sent = 60;
        // echo from loopback is limited only when the config says so: its replies amplify nothing
        try (Host host = echo(limits(0, 0, Duration.ZERO, List.of(), List.of(), 10) + "udp_limit_all = true\n");
             Udp udp = Udp.to(host.udpPort("echo"))) {
            for (int i = 0; i < sent; i++) {
                udp.send(("n" + i).getBytes(US_ASCII));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> host.stats("echo").datagramsIn() == sent);
            int replies = 0;
            for (Optional<byte[]> r = udp.receive(500); r.isPresent() && replies < sent; r = udp.receive(200)) {
                replies++;
            }
            long dropped = host.stats("echo").droppedByReason().getOrDefault("rate limit", 0L);
            assertThat(dropped).isPositive();
            assertThat(replies + dropped).isEqualTo(sent);
        }
    }

    @Test
    void udpEchoFromLoopbackIsNotLimitedByDefault() throws Exception {
        int sent = 60;
        try (Host host = echo(limits(0, 0, Duration.ZERO, List.of(), List.of(), 10));
             Udp udp = Udp.to(host.udpPort("echo"))) {
            for (int i = 0; i < sent; i++) {
                assertThat(udp.exchange(("n" + i).getBytes(US_ASCII))).asString(US_ASCII).isEqualTo("n" + i);
            }
            assertThat(host.stats("echo").datagramsDropped()).isZero();
        }
    }
}
