package dev.portd.service.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portd.host.Host;
import dev.portd.service.HostView;
import dev.portd.service.ServiceContext;
import dev.portd.service.ServiceOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A draining host (upgrade, reload removing the service, stop) ends kept-alive HTTP connections
 * without losing a request the client has already sent: the next request is answered whole with
 * {@code Connection: close}, then the connection ends (an end of stream, not a reset); an idle one
 * is closed after a quiet second, or by the host at the end of its grace period.
 */
class HttpDrainTest {
    static final String GET = "GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n";

    @TempDir
    Path root;

    private final ExecutorService blocking = Executors.newSingleThreadExecutor();
    private ServiceServer server;

    @BeforeEach
    void start() throws IOException {
        Files.writeString(root.resolve("a.txt"), "a\n");
        HostView host = new HostView() {
            @Override public Instant startedAt() { return Instant.now(); }
            @Override public String transport() { return "nio"; }
            @Override public List<Listener> listeners() { return List.of(); }
            @Override public <T> List<T> servicesOf(Class<T> feature) { return List.of(); }
        };
        server = new ServiceServer(new HttpFileService(new ServiceContext("http",
                new ServiceOptions(Map.of("root", root)), Clock.systemUTC(), blocking, host)));
    }

    @AfterEach
    void stop() {
        server.close();
        blocking.shutdownNow();
    }

    /** The server ends the connection cleanly: a reset would throw here instead. */
    static void assertEndOfStream(RawHttp c) throws IOException {
        assertThat(c.socket.getInputStream().read()).as("end of stream after the last answer").isEqualTo(-1);
    }

    private static RawHttp keptAlive(int port) throws IOException {
        RawHttp c = new RawHttp(port);
        RawHttp.Response first = c.send(GET).read();
        assertThat(first.text()).isEqualTo("a\n");
        assertThat(first.header("connection")).isNull();   // HTTP/1.1: kept alive
        return c;
    }

    @Test
    void nextRequestWhileDrainingIsAnsweredWholeWithConnectionCloseThenTheConnectionEnds() throws Exception {
        try (RawHttp c = keptAlive(server.port())) {
            server.stopping();
            RawHttp.Response last = c.send(GET).read();
            assertThat(last.status()).isEqualTo(200);
            assertThat(last.text()).isEqualTo("a\n");
            assertThat(last.header("connection")).isEqualTo("close");
            assertEndOfStream(c);
        }
    }

    @Test
    void requestHalfSentWhenTheDrainBeginsIsAnsweredWithConnectionClose() throws Exception {
        try (RawHttp c = keptAlive(server.port())) {
            // on loopback the bytes are in the server's socket when send returns; its event loop reads
            // ready sockets before it runs the task stopping() queues
            c.send(GET.substring(0, 20));
            server.stopping();
            c.send(GET.substring(20));
            RawHttp.Response last = c.read();
            assertThat(last.text()).isEqualTo("a\n");
            assertThat(last.header("connection")).isEqualTo("close");
            assertEndOfStream(c);
        }
    }

    @Test
    void idleKeptAliveConnectionIsClosedAfterTheQuietPeriodWithoutTheHost() throws Exception {
        try (RawHttp c = keptAlive(server.port())) {
            server.stopping();
            // no host here to close it at the end of a grace period: the HTTP service does
            c.socket.setSoTimeout((int) Duration.ofSeconds(20).toMillis());
            assertEndOfStream(c);
        }
    }

    @Test
    void idleKeptAliveConnectionIsClosedByTheEndOfTheHostsGracePeriod() throws Exception {
        Host host = dev.portd.support.TestHosts.start("[host]\ngrace = \"300ms\"\n"
                + HttpTestHosts.http(Map.of("root", root.toString())));
        try (RawHttp c = keptAlive(host.tcpPort("http"))) {
            Thread closer = new Thread(host::close, "close");
            closer.start();
            assertEndOfStream(c);   // 300 ms, before the quiet second is up
            closer.join(Duration.ofSeconds(30).toMillis());
            assertThat(closer.isAlive()).isFalse();
        } finally {
            host.close();
        }
    }
}
