package dev.portd.service.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.portd.support.PortdProcess;
import dev.portd.support.Shell;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The curl examples of the README's dashboard section, run as written against a real portd (its port swapped in). */
class DashboardReadmeIT {
    @TempDir
    Path dir;

    /** The lines of the README's dashboard section that start with {@code curl}. */
    static List<String> examples() throws Exception {
        String readme = Files.readString(PortdProcess.root().resolve("README.md"));
        int start = readme.indexOf("\n## The dashboard\n");
        String section = readme.substring(start, readme.indexOf("\n## ", start + 1));
        return section.lines().filter(l -> l.startsWith("curl ")).toList();
    }

    @Test
    void everyCurlExampleWorks() throws Exception {
        assumeTrue(Shell.has("curl") && Shell.has("jq"), "curl and jq are not installed (apt-get install -y curl jq)");
        List<String> examples = examples();
        assertThat(examples).hasSize(4);
        Path config = dir.resolve("portd.toml");
        Files.writeString(config, "[host]\nbind = \"127.0.0.1\"\ngrace = \"200ms\"\n"
                + "[services.echo]\nport = 0\nprotocols = [\"tcp\"]\n[services.dashboard]\nport = 0\n");
        try (PortdProcess portd = PortdProcess.serve(config);
             Socket echo = new Socket(InetAddress.getLoopbackAddress(), portd.tcpPort("echo"))) {
            String at = "127.0.0.1:" + portd.tcpPort("dashboard");
            for (String example : examples) {
                String command = example.replace("127.0.0.1:8111", at);
                if (command.contains("/api/events")) {
                    // a stream without end: two seconds of it (curl exits 28 at its time limit)
                    Shell.Result r = Shell.bash(Duration.ofSeconds(20), command.replace("curl ", "curl --max-time 2 "));
                    assertThat(r.code()).as(example).isEqualTo(28);
                    assertThat(r.out()).as(example).startsWith("retry: 3000\ndata: {\"host\"");
                } else if (command.contains("/api/history")) {
                    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                        Shell.Result r = Shell.bash(Duration.ofSeconds(20), command);
                        assertThat(r.code()).as(example).isZero();
                        assertThat(r.out().trim()).as(example + ": the one connection made").isEqualTo("1");
                    });
                } else {
                    Shell.Result r = Shell.bash(Duration.ofSeconds(20), "set -o pipefail; " + command);
                    assertThat(r.code()).as(example).isZero();
                    assertThat(r.out()).as(example).contains(command.contains("jq") ? "\"name\": \"echo\"" : "portd_connections_total");
                }
            }
        }
    }
}
