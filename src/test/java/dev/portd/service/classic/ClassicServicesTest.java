package dev.portd.service.classic;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.portd.host.Host;
import dev.portd.support.TestHosts;
import dev.portd.support.Tcp;
import dev.portd.support.Udp;
import java.io.InputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The six RFC 862-868 services over real loopback sockets, byte for byte against their RFCs. */
class ClassicServicesTest {
    static final Clock NEW_YEAR_2024 = Clock.fixed(Instant.parse("2024-01-01T00:00:00Z"), ZoneOffset.UTC);
    static Host host;

    @BeforeAll
    static void start() {
        host = TestHosts.builder().service("echo").service("discard").service("daytime").service("qotd")
                .service("chargen").service("time").clock(NEW_YEAR_2024).start();
    }

    @AfterAll
    static void stop() {
        host.close(Duration.ZERO);
    }

    // ---- echo, RFC 862 ----

    @Test
    void echoSendsBackEveryByteUntilTheClientCloses() throws Exception {
        byte[] data = new byte[1 << 20];
        new Random(862).nextBytes(data);
        try (Socket s = Tcp.connect(host.tcpPort("echo"))) {
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    s.getOutputStream().write(data);
                    s.shutdownOutput();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            byte[] back = s.getInputStream().readAllBytes();   // ends when the server closes after our FIN
            writer.join();
            assertThat(back).isEqualTo(data);
        }
    }

    @Test
    void echoAnswersEachDatagramWithItsOwnBytes() throws Exception {
        try (Udp udp = Udp.to(host.udpPort("echo"))) {
            assertThat(udp.exchange("ping 1".getBytes(US_ASCII))).isEqualTo("ping 1".getBytes(US_ASCII));
            assertThat(udp.exchange(new byte[0])).isEmpty();
            byte[] big = new byte[8_000];
            new Random(7).nextBytes(big);
            assertThat(udp.exchange(big)).isEqualTo(big);
        }
    }

    // ---- discard, RFC 863 ----

    @Test
    void discardReadsEverythingAndAnswersNothing() throws Exception {
        long before = host.stats("discard").bytesIn();
        try (Socket s = Tcp.connect(host.tcpPort("discard"))) {
            s.getOutputStream().write(new byte[100_000]);
            s.shutdownOutput();
            assertThat(s.getInputStream().readAllBytes()).isEmpty();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> host.stats("discard").bytesIn() - before >= 100_000);
    }

    @Test
    void discardSendsNoDatagramBack() throws Exception {
        long before = host.stats("discard").datagramsIn();
        try (Udp discard = Udp.to(host.udpPort("discard"))) {
            discard.send("into the void".getBytes(US_ASCII));
            await().atMost(Duration.ofSeconds(5)).until(() -> host.stats("discard").datagramsIn() > before);
            assertThat(discard.receive(200)).isEmpty();
        }
    }

    // ---- chargen, RFC 864 ----

    @Test
    void chargenLinesRotateByOneThroughThe95PrintableCharacters() throws Exception {
        int lines = 95 * 3 + 7;   // three whole periods and then some: the ring wraps correctly
        try (Socket s = Tcp.connect(host.tcpPort("chargen"))) {
            String text = new String(Tcp.readExactly(s.getInputStream(), lines * 74), US_ASCII);
            assertThat(text).startsWith(
                    " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefg\r\n"
                            + "!\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefgh\r\n");
            for (int n = 0; n < lines; n++) {
                String line = text.substring(n * 74, n * 74 + 74);
                assertThat(line).endsWith("\r\n");
                for (int i = 0; i < 72; i++) {
                    assertThat(line.charAt(i)).isEqualTo((char) (' ' + (n + i) % 95));
                }
            }
        }
    }

    @Test
    void chargenStopsWritingWhileTheClientDoesNotRead() throws Exception {
        try (Socket s = Tcp.connect(host.tcpPort("chargen"))) {
            s.getInputStream().readNBytes(74);
            long[] last = {-1};
            // the count of bytes handed to the socket stops growing: TCP flow control paces it
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
                long now = host.stats("chargen").bytesOut();
                boolean stable = now == last[0];
                last[0] = now;
                return stable;
            });
            // loopback socket buffers hold a few MiB; without flow control it would be gigabytes by now
            assertThat(last[0]).isLessThan(64L << 20);
        }
    }

    @Test
    void chargenAnswersEachDatagramWith0To512CharactersOfThePattern() throws Exception {
        String pattern = ChargenPattern.text(10);
        Set<Integer> lengths = new HashSet<>();
        try (Udp udp = Udp.to(host.udpPort("chargen"))) {
            for (int i = 0; i < 40; i++) {
                String reply = new String(udp.exchange(new byte[] {'x'}), US_ASCII);
                assertThat(reply.length()).isBetween(0, 512);
                assertThat(pattern).startsWith(reply);
                lengths.add(reply.length());
            }
        }
        assertThat(lengths).as("lengths are random, not fixed").hasSizeGreaterThan(5);
    }

    // ---- daytime, RFC 867 ----

    @Test
    void daytimeSendsOneLineInTheRfcExampleFormThenCloses() throws Exception {
        assertThat(new String(Tcp.readAll(host.tcpPort("daytime")), US_ASCII))
                .isEqualTo("Monday, January 1, 2024 00:00:00 UTC\r\n");
        try (Udp udp = Udp.to(host.udpPort("daytime"))) {
            assertThat(new String(udp.exchange(new byte[0]), US_ASCII)).isEqualTo("Monday, January 1, 2024 00:00:00 UTC\r\n");
        }
    }

    @Test
    void daytimeSpeaksRfc3339AndAnotherZoneWhenConfigured() throws Exception {
        try (Host h = TestHosts.start("""
                [services.daytime]
                format = "rfc3339"
                zone = "America/New_York"
                """, NEW_YEAR_2024)) {
            assertThat(new String(Tcp.readAll(h.tcpPort("daytime")), US_ASCII)).isEqualTo("2023-12-31T19:00:00-05:00\r\n");
        }
    }

    // ---- time, RFC 868 ----

    @Test
    void timeSendsSecondsSince1900ThenCloses() throws Exception {
        byte[] reply = Tcp.readAll(host.tcpPort("time"));
        assertThat(reply).hasSize(4);
        assertThat(ByteBuffer.wrap(reply).getInt() & 0xFFFF_FFFFL).isEqualTo(3_913_056_000L);
    }

    @Test
    void timeAnswersAnEmptyDatagram() throws Exception {
        try (Udp udp = Udp.to(host.udpPort("time"))) {
            byte[] reply = udp.exchange(new byte[0]);
            assertThat(ByteBuffer.wrap(reply).getInt() & 0xFFFF_FFFFL).isEqualTo(3_913_056_000L);
        }
    }

    @Test
    void timeWrapsModulo2To32In2036() {
        Clock wrap = Clock.fixed(Instant.parse("2036-02-07T06:28:16Z"), ZoneOffset.UTC);
        assertThat(TimeService.secondsSince1900(wrap)).isZero();
        Clock epoch = Clock.fixed(Instant.EPOCH, ZoneOffset.UTC);
        assertThat(TimeService.secondsSince1900(epoch)).isEqualTo(2_208_988_800L);
    }

    // ---- qotd, RFC 865 ----

    @Test
    void qotdSendsABuiltInQuoteUnder512CharactersThenCloses() throws Exception {
        String quote = new String(Tcp.readAll(host.tcpPort("qotd")), US_ASCII);
        assertThat(QotdService.BUILT_IN).contains(quote);
        assertThat(quote.length()).isLessThan(512);
        try (Udp udp = Udp.to(host.udpPort("qotd"))) {
            assertThat(QotdService.BUILT_IN).contains(new String(udp.exchange(new byte[0]), US_ASCII));
        }
    }

    @Test
    void qotdServesQuotesFromAFortuneFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("quotes");
        Files.writeString(file, "Only this one.\n  -- a test\n%\n");
        try (Host h = TestHosts.start("[services.qotd]\nquotes = " + TestHosts.quote(file))) {
            assertThat(new String(Tcp.readAll(h.tcpPort("qotd")), US_ASCII)).isEqualTo("Only this one.\r\n  -- a test\r\n");
        }
    }

    @Test
    void echoKeepsManyConnectionsApart() throws Exception {
        int n = 50;
        Socket[] sockets = new Socket[n];
        try {
            for (int i = 0; i < n; i++) {
                sockets[i] = Tcp.connect(host.tcpPort("echo"));
                sockets[i].getOutputStream().write(("client " + i + "\n").getBytes(US_ASCII));
            }
            for (int i = 0; i < n; i++) {
                InputStream in = sockets[i].getInputStream();
                String expected = "client " + i + "\n";
                assertThat(new String(Tcp.readExactly(in, expected.length()), US_ASCII)).isEqualTo(expected);
            }
        } finally {
            for (Socket s : sockets) {
                if (s != null) {
                    s.close();
                }
            }
        }
    }
}
