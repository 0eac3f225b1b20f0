package dev.portd.load;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

/** Servers that get the protocol wrong are caught: every wrong reply is counted as an error. */
class WrongServersTest {

    /** A TCP server on loopback port 0 running {@code serve} on each connection in its own thread. */
    static final class TestServer implements AutoCloseable {
        private final ServerSocket server;
        private final List<Socket> accepted = new ArrayList<>();

        TestServer(BiConsumer<InputStream, OutputStream> serve) throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread acceptor = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        synchronized (accepted) {
                            accepted.add(s);
                        }
                        Thread t = new Thread(() -> {
                            try (s) {
                                serve.accept(s.getInputStream(), s.getOutputStream());
                            } catch (IOException e) {
                                // the client closed: the test is over for this connection
                            }
                        });
                        t.setDaemon(true);
                        t.start();
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
            synchronized (accepted) {
                for (Socket s : accepted) {
                    s.close();
                }
            }
        }
    }

    /** An echo server that flips the lowest bit of the first byte of every read it sends back. */
    static void flippingEcho(InputStream in, OutputStream out) {
        byte[] buf = new byte[8192];
        try {
            int n;
            while ((n = in.read(buf)) > 0) {
                buf[0] ^= 1;
                out.write(buf, 0, n);
            }
        } catch (IOException e) {
            // closed
        }
    }

    /** A chargen server with a 94-character ring ('!' to '~') instead of RFC 864's 95 from space. */
    static void ring94Chargen(InputStream in, OutputStream out) {
        StringBuilder sb = new StringBuilder();
        for (int line = 0; line < 94; line++) {
            for (int i = 0; i < 72; i++) {
                sb.append((char) ('!' + (line + i) % 94));
            }
            sb.append("\r\n");
        }
        byte[] period = sb.toString().getBytes(US_ASCII);
        try {
            for (int i = 0; i < 10_000; i++) {
                out.write(period);
            }
        } catch (IOException e) {
            // the client has read enough and closed
        }
    }

    private static LoadSpec spec(LoadMode mode, int port, long count) {
        return LoadSpec.of(mode, new InetSocketAddress(InetAddress.getLoopbackAddress(), port))
                .withConnections(2).withThreads(1).withCount(count).withTiming(Duration.ofSeconds(20), Duration.ZERO);
    }

    @Test
    void echoThatFlipsAByteIsCountedAsErrors() throws Exception {
        try (TestServer server = new TestServer(WrongServersTest::flippingEcho)) {
            LoadReport r = LoadRun.execute(spec(LoadMode.ECHO, server.port(), 50).withPayload(64, 1), p -> { });
            assertThat(r.ops()).isZero();
            assertThat(r.errors()).isEqualTo(50);
            assertThat(r.errorsByKind()).containsEntry("echo: reply differs from what was sent", 50L);
        }
    }

    @Test
    void echoStreamThatFlipsAByteIsCaught() throws Exception {
        try (TestServer server = new TestServer(WrongServersTest::flippingEcho)) {
            LoadReport r = LoadRun.execute(spec(LoadMode.ECHO_STREAM, server.port(), 40).withPayload(4096, 4),
                    p -> { });
            assertThat(r.errors()).isPositive();
            assertThat(r.ops() + r.errors()).isEqualTo(40);
        }
    }

    @Test
    void connectEchoThatFlipsAByteIsCaught() throws Exception {
        try (TestServer server = new TestServer(WrongServersTest::flippingEcho)) {
            LoadReport r = LoadRun.execute(spec(LoadMode.CONNECT, server.port(), 20).withExchange(true), p -> { });
            assertThat(r.ops()).isZero();
            assertThat(r.errorsByKind()).containsEntry("connect: echo reply differs from what was sent", 20L);
        }
    }

    @Test
    void chargenWithAnotherRingIsCaughtUnlessOnlyLinesAreChecked() throws Exception {
        try (TestServer server = new TestServer(WrongServersTest::ring94Chargen)) {
            LoadReport strict = LoadRun.execute(spec(LoadMode.CHARGEN, server.port(), 20).withPayload(1000, 1),
                    p -> { });
            assertThat(strict.ops()).isZero();
            assertThat(strict.errors()).isEqualTo(20);
            LoadReport xinetd = LoadRun.execute(spec(LoadMode.CHARGEN, server.port(), 20).withPayload(1000, 1)
                    .withChargenPattern("lines"), p -> { });
            assertThat(xinetd.ops()).isEqualTo(20);
            assertThat(xinetd.errors()).isZero();
        }
    }

    /** A chargen server whose lines are one character short: wrong even for the loose check. */
    static void shortLinesChargen(InputStream in, OutputStream out) {
        byte[] line = ("x".repeat(71) + "\r\n").getBytes(US_ASCII);
        try {
            for (int i = 0; i < 100_000; i++) {
                out.write(line);
            }
        } catch (IOException e) {
            // closed
        }
    }

    @Test
    void chargenWithShortLinesFailsTheLinesCheck() throws Exception {
        try (TestServer server = new TestServer(WrongServersTest::shortLinesChargen)) {
            LoadReport r = LoadRun.execute(spec(LoadMode.CHARGEN, server.port(), 10).withPayload(1000, 1)
                    .withChargenPattern("lines"), p -> { });
            assertThat(r.ops()).isZero();
            assertThat(r.errorsByKind()).containsEntry("chargen: bytes differ from the lines pattern", 10L);
        }
    }

    @Test
    void aClosedPortIsReportedAsConnectErrors() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        LoadReport r = LoadRun.execute(spec(LoadMode.ECHO, port, 10), p -> { });
        assertThat(r.ops()).isZero();
        assertThat(r.errors()).isEqualTo(2);
        assertThat(r.errorsByKind().keySet()).allMatch(k -> k.startsWith("connect: "));
    }
}
