package dev.portd.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import io.netty.channel.ConnectTimeoutException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

class PortScanTest {
    private static final ScanSettings FAST = new ScanSettings(512, Duration.ofSeconds(2), 1, 0, 2, "auto");

    private static PortScan scan(String target, int[] ports, ScanSettings settings) throws InterruptedException {
        PortScan scan = new PortScan(Targets.parse(List.of(target)), ports, settings).start();
        assertThat(scan.await(60, TimeUnit.SECONDS)).as("scan finished in time").isTrue();
        scan.close();
        return scan;
    }

    /** A port nothing listens on: bound, then released (the kernel does not hand it out again at once). */
    private static int closedPort(String host) throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(host))) {
            return s.getLocalPort();
        }
    }

    @Test
    void listenersAreOpenAndReleasedPortsClosed() throws Exception {
        try (ServerSocket a = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
             ServerSocket b = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int closed = closedPort("127.0.0.1");
            PortScan scan = scan("127.0.0.1", new int[] {a.getLocalPort(), closed, b.getLocalPort()}, FAST);
            assertThat(scan.complete()).isTrue();
            assertThat(scan.state(0, 0)).isEqualTo(PortState.OPEN);
            assertThat(scan.state(0, 1)).isEqualTo(PortState.CLOSED);
            assertThat(scan.state(0, 2)).isEqualTo(PortState.OPEN);
        }
    }

    @Test
    void aSocketKeptAfterARefusalConnectsAgainToTheNextPort() throws Exception {
        // one connect at a time on one loop: each port after a closed one reuses its socket
        ScanSettings oneByOne = new ScanSettings(1, Duration.ofSeconds(2), 1, 0, 1, "epoll");
        for (String host : List.of("127.0.0.1", "::1")) {
            try (ServerSocket a = new ServerSocket(0, 50, InetAddress.getByName(host));
                 ServerSocket b = new ServerSocket(0, 50, InetAddress.getByName(host))) {
                int closed = closedPort(host);
                int[] ports = {closed, a.getLocalPort(), closed, closed, b.getLocalPort(), closed};
                PortScan scan = scan(host, ports, oneByOne);
                assertThat(List.of(scan.state(0, 0), scan.state(0, 1), scan.state(0, 2), scan.state(0, 3),
                        scan.state(0, 4), scan.state(0, 5))).as(host).containsExactly(PortState.CLOSED,
                        PortState.OPEN, PortState.CLOSED, PortState.CLOSED, PortState.OPEN, PortState.CLOSED);
            }
        }
    }

    @Test
    void closingTheScanClosesTheKeptSockets() throws Exception {
        long before = socketDescriptors();
        int closed = closedPort("127.0.0.1");
        PortScan scan = scan("127.0.0.1", new int[] {closed, closed, closed},
                new ScanSettings(1, Duration.ofSeconds(2), 1, 0, 1, "epoll"));
        assertThat(scan.state(0, 2)).isEqualTo(PortState.CLOSED);
        // other tests' sockets may still be closing: wait, boundedly, for the count to come back
        await().atMost(Duration.ofSeconds(10)).until(() -> socketDescriptors() <= before);
    }

    /** This process's open socket descriptors (Linux). */
    private static long socketDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().startsWith("socket:");
                } catch (IOException e) {
                    return false;   // closed meanwhile
                }
            }).count();
        }
    }

    @Test
    void scansIpv6Loopback() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getByName("::1"))) {
            int closed = closedPort("::1");
            PortScan scan = scan("::1", new int[] {listener.getLocalPort(), closed}, FAST);
            assertThat(scan.state(0, 0)).isEqualTo(PortState.OPEN);
            assertThat(scan.state(0, 1)).isEqualTo(PortState.CLOSED);
        }
    }

    @Test
    void scansEveryHostOfACidrRange() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.2"))) {
            PortScan scan = scan("127.0.0.0/30", new int[] {listener.getLocalPort()}, FAST);
            assertThat(scan.targets()).hasSize(4);
            assertThat(scan.state(1, 0)).isEqualTo(PortState.CLOSED);   // 127.0.0.1
            assertThat(scan.state(2, 0)).isEqualTo(PortState.OPEN);     // 127.0.0.2
            assertThat(scan.state(3, 0)).isEqualTo(PortState.CLOSED);   // 127.0.0.3
        }
    }

    @Test
    void theWholePortRangeOfLoopbackCompletesWithOurListenersOpen() throws Exception {
        List<ServerSocket> listeners = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                listeners.add(new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1")));
            }
            int[] all = PortList.parse("-");
            PortScan scan = scan("127.0.0.1", all, new ScanSettings(4096, Duration.ofSeconds(2), 1, 0, 2, "auto"));
            assertThat(scan.complete()).isTrue();
            assertThat(scan.finished()).isEqualTo(65535);
            for (ServerSocket l : listeners) {
                assertThat(scan.state(0, l.getLocalPort() - 1)).as("port %d", l.getLocalPort()).isEqualTo(PortState.OPEN);
            }
            int errors = 0;
            for (int i = 0; i < all.length; i++) {
                errors += scan.state(0, i) == PortState.ERROR || scan.state(0, i) == PortState.PENDING ? 1 : 0;
            }
            assertThat(errors).isZero();
        } finally {
            for (ServerSocket l : listeners) {
                l.close();
            }
        }
    }

    @Test
    void aListenerWhoseAcceptQueueIsFullIsFiltered() throws Exception {
        // Linux drops a SYN to a listener whose accept queue is full: no answer, as behind a firewall
        try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            List<Socket> fillers = new ArrayList<>();
            try {
                boolean dropped = false;
                for (int i = 0; i < 8 && !dropped; i++) {
                    Socket s = new Socket();
                    fillers.add(s);
                    try {
                        s.connect(new InetSocketAddress("127.0.0.1", full.getLocalPort()), 300);
                    } catch (SocketTimeoutException e) {
                        dropped = true;
                    }
                }
                assertThat(dropped).as("the accept queue filled up").isTrue();
                PortScan scan = scan("127.0.0.1", new int[] {full.getLocalPort()},
                        new ScanSettings(4, Duration.ofMillis(300), 1, 0, 1, "auto"));
                assertThat(scan.state(0, 0)).isEqualTo(PortState.FILTERED);
            } finally {
                for (Socket s : fillers) {
                    s.close();
                }
            }
        }
    }

    @Test
    void theRateLimitSpacesConnects() throws Exception {
        int[] ports = PortList.parse("1-40");
        PortScan scan = scan("127.0.0.1", ports, new ScanSettings(64, Duration.ofSeconds(2), 0, 100, 2, "nio"));
        assertThat(scan.complete()).isTrue();
        // 40 attempts at 100 per second need at least 0.39 s whatever the machine's speed
        assertThat(scan.elapsedNanos()).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(385));
        assertThat(scan.transportName()).isEqualTo("nio");
    }

    @Test
    void stoppingLeavesUnscannedPortsPending() throws Exception {
        PortScan scan = new PortScan(Targets.parse(List.of("127.0.0.1")), PortList.parse("1-2000"),
                new ScanSettings(1, Duration.ofSeconds(1), 0, 200, 1, "auto")).start();
        scan.stop();
        scan.close();
        assertThat(scan.complete()).isFalse();
        assertThat(scan.finished()).isLessThan(2000);
        assertThat(scan.state(0, 1999)).isEqualTo(PortState.PENDING);
    }

    @Test
    void failuresAreClassifiedLikeNmap() {
        assertThat(PortScan.classify(new ConnectException("connect(..) failed: Connection refused"))).isEqualTo(PortState.CLOSED);
        assertThat(PortScan.classify(new ConnectTimeoutException("timed out"))).isEqualTo(PortState.FILTERED);
        assertThat(PortScan.classify(new ConnectException("connect(..) failed: No route to host"))).isEqualTo(PortState.FILTERED);
        assertThat(PortScan.classify(new ConnectException("connect(..) failed: Cannot assign requested address"))).isNull();
        assertThat(PortScan.classify(new IOException("something else"))).isEqualTo(PortState.ERROR);
        // ENETUNREACH: this machine has no route; final, never retried (epoll wraps a message-less exception, NIO says it)
        assertThat(PortScan.classify(new java.net.NoRouteToHostException())).isEqualTo(PortState.UNREACHABLE);
        assertThat(PortScan.classify(new ConnectException("Network is unreachable"))).isEqualTo(PortState.UNREACHABLE);
    }
}
