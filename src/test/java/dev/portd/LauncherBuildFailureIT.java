package dev.portd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portd.support.PortdProcess;
import dev.portd.support.Shell;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A first run where Maven cannot reach its repository (here: a mirror on a closed loopback port and
 * an empty local repository): the launcher says so in one line instead of 30 lines of Maven log.
 */
class LauncherBuildFailureIT {

    @Test
    void unreachableRegistryIsOneLine(@TempDir Path dir) throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        Path root = PortdProcess.root();
        Path copy = dir.resolve("portd");
        Files.createDirectories(copy.resolve(".mvn"));
        Files.copy(root.resolve("portd"), copy.resolve("portd"));
        Files.copy(root.resolve("pom.xml"), copy.resolve("pom.xml"));
        Files.writeString(dir.resolve("settings.xml"), """
                <settings>
                  <mirrors>
                    <mirror><id>unreachable</id><mirrorOf>*</mirrorOf><url>http://127.0.0.1:%d/maven2</url></mirror>
                  </mirrors>
                </settings>
                """.formatted(closed));
        Files.writeString(copy.resolve(".mvn/maven.config"),
                "-s " + dir.resolve("settings.xml") + " -Dmaven.repo.local=" + dir.resolve("repo") + "\n");
        Shell.Result r = Shell.run(Duration.ofMinutes(3), List.of(copy.resolve("portd").toString(), "--version"));
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).isEqualTo("portd: building target/portd.jar (once; takes a minute)...\n"
                + "portd: the build could not download its dependencies from unreachable (http://127.0.0.1:" + closed
                + "/maven2): Connection refused; check the network or the proxy (~/.m2/settings.xml), then run "
                + "./portd again (log: " + copy.resolve("target/build.log") + ")\n");
    }
}
