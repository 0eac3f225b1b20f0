package dev.portd.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.portd.support.PortdProcess;
import dev.portd.support.Shell;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * portd under a limit of 256 open files, echo flooded with far more connections than that: HTTP and
 * the dashboard still answer (each listener keeps a reserve of fds), and the log says so in a few
 * lines instead of a warning per failed accept.
 */
class FdExhaustionIT {
    static final int LIMIT = 256;
    static final int FLOOD = 600;

    @Test
    void httpAndDashboardAnswerWhileEchoIsFloodedPastTheFdLimit(@TempDir Path dir) throws Exception {
        assumeTrue(Shell.has("prlimit"), "prlimit (util-linux) is not installed");
        Path config = dir.resolve("portd.toml");
        Files.writeString(config, """
                [services.echo]
                port = 0
                protocols = ["tcp"]
                [services.http]
                port = 0
                [services.dashboard]
                port = 0
                """);
        List<Socket> flood = new ArrayList<>();
        try (PortdProcess portd = PortdProcess.start(List.of("prlimit", "--nofile=" + LIMIT + ":" + LIMIT),
                PortdProcess.jar(), "serve", "--config", config.toString(), "--bind", "127.0.0.1")) {
            portd.awaitServing();
            assertThat(portd.err()).contains("open files: limit " + LIMIT);
            int echo = portd.tcpPort("echo");
            long started = System.nanoTime();
            for (int i = 0; i < FLOOD; i++) {
                Socket s = new Socket();
                flood.add(s);
                s.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), echo), 5_000);
                s.getOutputStream().write('x');   // the refused ones are closed by portd; writing is still fine once
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> portd.err().contains("fd budget"));

            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            for (String service : List.of("http", "dashboard")) {
                for (int probe = 0; probe < 3; probe++) {
                    HttpResponse<String> r = client.send(HttpRequest.newBuilder(
                                    URI.create("http://127.0.0.1:" + portd.tcpPort(service) + "/"))
                            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                    assertThat(r.statusCode()).as(service + " probe " + probe).isEqualTo(200);
                }
            }
            assertThat(echoed(flood.get(0))).as("the first echo connections are served").isTrue();
            String log = portd.err();
            assertThat(log).doesNotContain("exceptionCaught").doesNotContain("Exception");
            long seconds = (System.nanoTime() - started) / 1_000_000_000L + 1;
            assertThat(log.lines().filter(l -> l.contains("fd budget")).count())
                    .as("one line a second at most about the refusals:\n" + log).isBetween(1L, seconds);
            // the budget usually keeps accept from failing at all; on a loaded machine a burst may still
            // reach EMFILE: then only portd's own back-off line may say so, one a second at most, never
            // Netty's warning per failed accept
            assertThat(log.lines().filter(l -> l.contains("Too many open files")))
                    .as("EMFILE only as the back-off line:\n" + log)
                    .allMatch(l -> l.contains("accepting paused")).hasSizeLessThanOrEqualTo((int) seconds);
        } finally {
            for (Socket s : flood) {
                s.close();
            }
        }
    }

    static boolean echoed(Socket s) throws IOException {
        s.setSoTimeout(5_000);
        return s.getInputStream().read() == 'x';
    }
}
