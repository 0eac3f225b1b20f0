package dev.portd.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.portd.config.ConfigLoader;
import dev.portd.service.ServiceKinds;
import dev.portd.ports.Privilege;
import dev.portd.support.PortdProcess;
import dev.portd.support.Shell;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code portd serve} and {@code portd check} as real processes, with real clients (nc). */
class ServeProcessIT {
    /**
     * Runs the command as {@code nobody} in a directory of its own: the default config's relative
     * paths ({@code ./mail}, {@code ./public}) must not point into the checkout, which may be private
     * (a 0700 clone) and is never nobody's to write.
     */
    static List<String> asNobody() throws IOException {
        Path dir = Files.createTempDirectory("portd-nobody");
        Files.setOwner(dir, dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
        return List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "env", "-C", dir.toString());
    }

    /** How many listeners of the default config lie below the unprivileged port start. */
    static int privilegedListeners(int start) {
        return ConfigLoader.loadDefault(ServiceKinds.BUILT_IN).services().stream()
                .filter(s -> s.port() > 0 && s.port() < start).mapToInt(s -> s.protocols().size()).sum();
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void launcherRunsCheckOnTheDefaultConfig() throws Exception {
        var r = Shell.run(Duration.ofMinutes(5), List.of(PortdProcess.root().resolve("portd").toString(), "check"));
        assertThat(r.code()).as(r.out()).isZero();
        assertThat(r.out()).containsPattern("echo +echo +tcp +:: +7\n").contains("OK, " + ConfigLoader.loadDefault(ServiceKinds.BUILT_IN).services().size() + " services");
    }

    @Test
    void serveWithAnOffsetAnswersNcAndExitsZeroOnSigterm(@TempDir Path dir) throws Exception {
        assumeTrue(Shell.has("nc"), "nc (netcat-openbsd) is not installed");
        int port = freePort();
        Path config = dir.resolve("portd.toml");
        Files.writeString(config, "[services.echo]\nport = " + (port - 1000) + "\nprotocols = [\"tcp\", \"udp\"]\n");
        try (PortdProcess portd = PortdProcess.start("serve", "--config", config.toString(),
                "--port-offset", "1000", "--bind", "127.0.0.1")) {
            assertThat(portd.awaitServing()).containsPattern("echo +echo +tcp +127.0.0.1 +" + port);
            var tcp = Shell.bash(Duration.ofSeconds(20), "printf 'hello, portd\\n' | nc -N 127.0.0.1 " + port);
            assertThat(tcp.out()).isEqualTo("hello, portd\n");
            var udp = Shell.bash(Duration.ofSeconds(20), "printf 'ping' | nc -u -w1 127.0.0.1 " + port);
            assertThat(udp.out()).isEqualTo("ping");
            portd.terminate();
            assertThat(portd.exitCode()).isZero();
            assertThat(portd.err()).contains("SIGTERM received").contains("portd stopped");
        }
    }

    @Test
    void busyPortNamesTheOtherProcess(@TempDir Path dir) throws Exception {
        try (ServerSocket holder = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = holder.getLocalPort();
            Path config = dir.resolve("busy.toml");
            Files.writeString(config, "[services.echo]\nport = " + port + "\nprotocols = [\"tcp\"]\n");
            try (PortdProcess portd = PortdProcess.start("serve", "--config", config.toString(), "--bind", "127.0.0.1")) {
                assertThat(portd.exitCode()).isEqualTo(2);
                assertThat(portd.err()).startsWith("tcp/" + port + " echo on 127.0.0.1:" + port
                        + ": address in use: held by java (pid " + ProcessHandle.current().pid())
                        .contains("; fix: stop that program, or give services.echo another port")
                        .contains("portd: 1 of the listeners could not be bound; nothing was started")
                        .doesNotContain("Exception");
            }
        }
    }

    @Test
    void asAnotherUserTheHolderIsNotGuessed(@TempDir Path dir) throws Exception {
        assumeTrue(Shell.isRoot() && Shell.has("setpriv"), "needs root to run portd as nobody");
        try (ServerSocket holder = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = holder.getLocalPort();
            Path config = dir.resolve("busy.toml");
            Files.writeString(config, "[services.echo]\nport = " + port + "\nprotocols = [\"tcp\"]\n");
            Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.setPosixFilePermissions(config, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            try (PortdProcess portd = PortdProcess.start(asNobody(), PortdProcess.worldReadableJar(),
                    "serve", "--config", config.toString(), "--bind", "127.0.0.1")) {
                assertThat(portd.exitCode()).isEqualTo(2);
                assertThat(portd.err()).contains("address in use: held by a process of user root that this user "
                        + "cannot see; run as root to see it (portd who " + port + ")");
            }
        }
    }

    @Test
    void privilegedPortsAsNobodyAreRefusedWithTheRemedies() throws Exception {
        assumeTrue(Shell.isRoot() && Shell.has("setpriv"), "needs root to run portd as nobody");
        int start = Privilege.unprivilegedPortStart().orElse(1024);
        assumeTrue(start > 37, "this machine lets anyone bind ports from " + start);
        try (PortdProcess portd = PortdProcess.start(asNobody(), PortdProcess.worldReadableJar(), "serve", "--bind", "127.0.0.1")) {
            assertThat(portd.exitCode()).isEqualTo(2);
            String err = portd.err();
            assertThat(err.lines().filter(l -> l.contains("permission denied"))).hasSize(privilegedListeners(start));
            assertThat(err).contains("tcp/7 echo on 127.0.0.1:7: permission denied: ports below 1024 need root or "
                    + "CAP_NET_BIND_SERVICE (net.ipv4.ip_unprivileged_port_start = " + start + "); fix: run as root, "
                    + "or setcap cap_net_bind_service=+ep " + Privilege.javaBinary() + ", or --port-offset 10000")
                    .contains("udp/37 time on 127.0.0.1:37: permission denied")
                    .contains("portd: " + privilegedListeners(start) + " of the listeners could not be bound; nothing was started")
                    .doesNotContain("Exception");
        }
    }
}
