package dev.portd.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Ctrl-C on a running {@code portd scan} process: it stops and prints what it found so far. */
class ScanInterruptIT {

    @Test
    void sigintPrintsThePartialResultsAndExits130() throws Exception {
        String jar = System.getProperty("portd.jar");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // 65535 ports at 500 per second would take two minutes: it is surely still running when stopped
        Process p = new ProcessBuilder(java, "-jar", jar, "scan", "127.0.0.1", "-p", "-", "--rate", "500")
                .redirectOutput(ProcessBuilder.Redirect.PIPE).redirectError(ProcessBuilder.Redirect.PIPE).start();
        try {
            // its scan threads exist only after the SIGINT handler is installed
            await().atMost(Duration.ofSeconds(30)).until(() -> hasThread(p.pid(), "portd-scan"));
            new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.exitValue()).as(out + err).isEqualTo(130);
            assertThat(out).startsWith("portd scan report for 127.0.0.1").containsPattern("Stopped after \\d+ ports on 1 host")
                    .containsPattern("Not shown: .*\\d+ pending");
            assertThat(err).contains("scan stopped by Ctrl-C; the results above are partial");
        } finally {
            p.destroyForcibly();
        }
    }

    private static boolean hasThread(long pid, String prefix) throws IOException {
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            return tasks.anyMatch(t -> {
                try {
                    return Files.readString(t.resolve("comm")).startsWith(prefix);
                } catch (IOException e) {
                    return false;
                }
            });
        }
    }
}
