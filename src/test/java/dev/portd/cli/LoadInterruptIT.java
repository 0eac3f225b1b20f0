package dev.portd.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.portd.support.PortdProcess;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Ctrl-C on a running {@code portd load} process: it stops, prints the report so far and exits 130. */
class LoadInterruptIT {

    @Test
    void sigintPrintsTheReportSoFarAndExits130() throws Exception {
        // the kernel completes the handshakes from the backlog: idle connections are held without accept()
        try (ServerSocket target = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             PortdProcess load = PortdProcess.start("load", "idle", "127.0.0.1:" + target.getLocalPort(),
                     "-c", "4", "-d", "10m", "-w", "0")) {
            // its event loops start only after the SIGINT handler is installed
            await().atMost(Duration.ofSeconds(30)).until(() -> hasThread(load.pid(), "portd-load"));
            new ProcessBuilder("kill", "-INT", Long.toString(load.pid())).start().waitFor();
            assertThat(load.exitCode()).as(load.out() + load.err()).isEqualTo(130);
            assertThat(load.out()).startsWith("idle 127.0.0.1:" + target.getLocalPort() + ": 4 connections")
                    .containsPattern("measured   \\d+\\.\\d\\d s after 0\\.0 s of warm-up \\(stopped by Ctrl-C\\)")
                    .contains("errors     0");
            assertThat(load.err()).isEqualTo("portd: load stopped by Ctrl-C; the report above covers the run until then\n");
        }
    }

    private static boolean hasThread(long pid, String prefix) throws Exception {
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            return tasks.anyMatch(t -> {
                try {
                    return Files.readString(t.resolve("comm")).startsWith(prefix);
                } catch (Exception e) {
                    return false;
                }
            });
        }
    }
}
