package dev.portd.service.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portd.host.Host;
import dev.portd.support.PortdCli;
import dev.portd.support.Shell;
import dev.portd.support.Tcp;
import dev.portd.support.TestHosts;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The forward kind: a relay to another host:port, to portd's own echo and http and to test peers. */
class ForwardServiceTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** A front host relaying to {@code to}, with a dashboard to read the relay's figures from. */
    private static Host front(String to, String extra) {
        return TestHosts.start("[services.fwd]\nkind = \"forward\"\nport = 0\nto = \"" + to + "\"\n" + extra
                + "\n[services.dashboard]\n");
    }

    private static JsonNode figures(Host host, String service) throws Exception {
        var http = HttpClient.newHttpClient();
        var res = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + host.tcpPort("dashboard")
                + "/api/services")).build(), HttpResponse.BodyHandlers.ofString());
        for (JsonNode s : JSON.readTree(res.body()).get("services")) {
            if (s.get("name").asText().equals(service)) {
                return s.get("figures");
            }
        }
        throw new AssertionError(service + " not in /api/services: " + res.body());
    }

    @Test
    void relaysEchoBothWaysAndCountsEachDirection() throws Exception {
        try (Host back = TestHosts.kinds("echo");
             Host front = front("127.0.0.1:" + back.tcpPort("echo"), "")) {
            byte[] sent = new byte[300_000];
            new Random(7).nextBytes(sent);
            try (Socket s = Tcp.connect(front.tcpPort("fwd"))) {
                CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                    try {
                        s.getOutputStream().write(sent);
                        s.shutdownOutput();   // half-close: echo answers what it has, then closes
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                byte[] got = s.getInputStream().readAllBytes();
                writer.join();
                assertThat(got).isEqualTo(sent);
            }
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                JsonNode f = figures(front, "fwd");
                assertThat(f.get("bytes_to_upstream").asLong()).isEqualTo(sent.length);
                assertThat(f.get("bytes_from_upstream").asLong()).isEqualTo(sent.length);
                assertThat(f.get("upstream_open").asLong()).isZero();
            });
        }
    }

    @Test
    void halfClosePassesOnAndTheAnswerStillComesBack() throws Exception {
        try (ServerSocket upstream = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             Host front = front("127.0.0.1:" + upstream.getLocalPort(), "")) {
            CompletableFuture<String> server = CompletableFuture.supplyAsync(() -> {
                try (Socket c = upstream.accept()) {
                    byte[] all = c.getInputStream().readAllBytes();   // ends only if the half-close arrives
                    c.getOutputStream().write(("got " + all.length + "\n").getBytes(StandardCharsets.US_ASCII));
                    return "ok";
                } catch (Exception e) {
                    return e.toString();
                }
            });
            try (Socket s = Tcp.connect(front.tcpPort("fwd"))) {
                s.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
                s.shutdownOutput();
                assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("got 5\n");
            }
            assertThat(server.get()).isEqualTo("ok");
        }
    }

    @Test
    void failedConnectClosesTheClientAndIsCounted() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        try (Host front = front("127.0.0.1:" + closed, "")) {
            try (Socket s = Tcp.connect(front.tcpPort("fwd"))) {
                assertThat(s.getInputStream().read()).isEqualTo(-1);
            }
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(figures(front, "fwd").get("connect_failed").asLong()).isEqualTo(1));
        }
    }

    @Test
    void aClientFasterThanUpstreamIsPausedNotBuffered() throws Exception {
        long offered = 256L << 20;
        try (ServerSocket upstream = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             Host front = front("127.0.0.1:" + upstream.getLocalPort(), "")) {
            CompletableFuture<Socket> accepted = CompletableFuture.supplyAsync(() -> {
                try {
                    return upstream.accept();   // and never read
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            AtomicLong written = new AtomicLong();
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), front.tcpPort("fwd"))) {
                Thread writer = new Thread(() -> {
                    byte[] chunk = new byte[64 * 1024];
                    try (OutputStream out = s.getOutputStream()) {
                        while (written.get() < offered) {
                            out.write(chunk);
                            written.addAndGet(chunk.length);
                        }
                    } catch (Exception e) {
                        // closed at the end of the test
                    }
                });
                writer.setDaemon(true);
                writer.start();
                accepted.get();
                // once the kernel buffers on both legs are full, the relay stops reading the client
                AtomicLong before = new AtomicLong(-1);
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                        .during(Duration.ofSeconds(1)).until(() -> {
                            long now = figures(front, "fwd").get("bytes_to_upstream").asLong();
                            return now == before.getAndSet(now);
                        });
                long relayed = figures(front, "fwd").get("bytes_to_upstream").asLong();
                assertThat(written.get()).isLessThan(offered);
                assertThat(relayed).isLessThan(64L << 20);
            }
            accepted.get().close();
        }
    }

    @Test
    void loadThroughTheRelayHasNoErrors() throws Exception {
        try (Host back = TestHosts.kinds("echo");
             Host front = front("127.0.0.1:" + back.tcpPort("echo"), "")) {
            String target = "127.0.0.1:" + front.tcpPort("fwd");
            PortdCli echo = PortdCli.run("load", "echo", target, "-c", "4", "-n", "2000", "--json");
            assertThat(echo.exit()).as(echo.err()).isZero();
            JsonNode e = JSON.readTree(echo.out());
            assertThat(e.get("ops").asLong()).isEqualTo(2000);
            assertThat(e.get("errors").asLong()).isZero();
            PortdCli stream = PortdCli.run("load", "echo-stream", target, "-c", "2", "-d", "2s", "--json");
            assertThat(stream.exit()).as(stream.err()).isZero();
            assertThat(JSON.readTree(stream.out()).get("errors").asLong()).isZero();
            assertThat(JSON.readTree(stream.out()).get("bytesReceived").asLong()).isPositive();
        }
    }

    /**
     * Connect, one echo, close, many times over: each relay's upstream channel (made by hand, not by
     * a Bootstrap) is closed again, and every byte is counted once each way.
     */
    @Test
    void shortConnectionsLeaveNoUpstreamOpenAndCountEveryByte() throws Exception {
        try (Host back = TestHosts.kinds("echo");
             Host front = front("127.0.0.1:" + back.tcpPort("echo"), "")) {
            String target = "127.0.0.1:" + front.tcpPort("fwd");
            PortdCli r = PortdCli.run("load", "connect", target, "--echo", "-c", "4", "-n", "300", "-w", "0s", "--json");
            assertThat(r.exit()).as(r.err()).isZero();
            JsonNode e = JSON.readTree(r.out());
            assertThat(e.get("ops").asLong()).isEqualTo(300);
            assertThat(e.get("errors").asLong()).isZero();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                JsonNode f = figures(front, "fwd");
                assertThat(f.get("upstream_open").asLong()).isZero();
                assertThat(f.get("connect_failed").asLong()).isZero();
                assertThat(f.get("bytes_to_upstream").asLong()).isEqualTo(300L * 64);
                assertThat(f.get("bytes_from_upstream").asLong()).isEqualTo(300L * 64);
            });
        }
    }

    @Test
    void curlFetchesAFileFromPortdsHttpThroughTheRelay() throws Exception {
        byte[] file = new byte[2_000_000];
        new Random(3).nextBytes(file);
        Files.write(dir.resolve("blob.bin"), file);
        try (Host back = TestHosts.start("[services.http]\nroot = " + TestHosts.quote(dir) + "\n");
             Host front = front("127.0.0.1:" + back.tcpPort("http"), "")) {
            Path got = dir.resolve("got.bin");
            Shell.Result r = Shell.run(Duration.ofSeconds(30), List.of("curl", "-sS", "-o", got.toString(),
                    "http://127.0.0.1:" + front.tcpPort("fwd") + "/blob.bin"));
            assertThat(r.code()).as(r.out()).isZero();
            assertThat(Files.readAllBytes(got)).isEqualTo(file);
        }
    }

    @Test
    void udpClientsGetTheirOwnUpstreamSocketAndTheirOwnAnswers() throws Exception {
        try (Host back = TestHosts.start("[services.echo]\nprotocols = [\"udp\"]\n");
             Host front = front("127.0.0.1:" + back.udpPort("echo"), "protocols = [\"tcp\", \"udp\"]");
             DatagramSocket a = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             DatagramSocket b = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            var to = new InetSocketAddress(InetAddress.getLoopbackAddress(), front.udpPort("fwd"));
            assertThat(ask(a, to, "from a")).isEqualTo("from a");
            assertThat(ask(b, to, "from b")).isEqualTo("from b");
            assertThat(figures(front, "fwd").get("udp_clients").asLong()).isEqualTo(2);
        }
    }

    @Test
    void udpMappingsExpireAfterTheirIdleTimeout() throws Exception {
        try (Host back = TestHosts.start("[services.echo]\nprotocols = [\"udp\"]\n");
             Host front = front("127.0.0.1:" + back.udpPort("echo"), "protocols = [\"udp\"]\nudp_idle_timeout = \"1s\"");
             DatagramSocket a = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            assertThat(ask(a, new InetSocketAddress(InetAddress.getLoopbackAddress(), front.udpPort("fwd")), "x"))
                    .isEqualTo("x");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(figures(front, "fwd").get("udp_clients").asLong()).isZero());
        }
    }

    /** One datagram out, its answer back; retried a few times since UDP may lose one. */
    private static String ask(DatagramSocket s, InetSocketAddress to, String text) throws Exception {
        s.setSoTimeout(2000);
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        for (int attempt = 0; attempt < 5; attempt++) {
            s.send(new DatagramPacket(b, b.length, to));
            DatagramPacket in = new DatagramPacket(new byte[1024], 1024);
            try {
                s.receive(in);
                return new String(in.getData(), 0, in.getLength(), StandardCharsets.US_ASCII);
            } catch (java.net.SocketTimeoutException e) {
                // try again
            }
        }
        throw new AssertionError("no answer to " + text);
    }

    @Test
    void checkRefusesAMissingToABadToAndAMissingPort() throws Exception {
        Path config = Files.writeString(dir.resolve("f.toml"), """
                [services.a]
                kind = "forward"
                port = 8080

                [services.b]
                kind = "forward"
                port = 8081
                to = "::1:80"

                [services.c]
                kind = "forward"
                to = "127.0.0.1:80"
                """);
        PortdCli r = PortdCli.run("check", "-c", config.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains(
                "services.a.to", "is required: where to relay, \"host:port\" or \"[v6]:port\", e.g. to = \"127.0.0.1:80\"",
                "services.b.to = \"::1:80\": \"::1:80\" is not host:port: write host:port",
                "services.c.port", "is required: a forward service has no well-known port");
    }
}
