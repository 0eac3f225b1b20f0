package dev.portd.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.portd.host.NotifySocket;
import dev.portd.load.LoadMode;
import dev.portd.load.LoadReport;
import dev.portd.load.LoadRun;
import dev.portd.load.LoadSpec;
import dev.portd.support.PortdCli;
import dev.portd.support.PortdProcess;
import dev.portd.support.Shell;
import dev.portd.support.TestHosts;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reload and hitless upgrade of a real {@code portd serve} process, under load from
 * {@code portd load connect --echo}: no connection refused, reset or failed.
 */
class UpgradeIT {
    /** Upgrades in a row under load; bench/upgrade.sh runs ten, a JVM start each. */
    static final int UPGRADES = 3;

    @TempDir
    Path dir;

    private Path config(String services) throws IOException {
        Path file = dir.resolve("portd.toml");
        Files.writeString(file, "[host]\ncontrol_socket = " + TestHosts.quote(dir.resolve("control.sock"))
                + "\ngrace = \"5s\"\n" + services);
        return file;
    }

    static final String ECHO = "[services.echo]\nbind = [\"127.0.0.1\"]\nport = 0\n";

    /** connect --echo load, in runs of a second, until {@code done}; every run's errors and operations summed. */
    private static final class Load implements AutoCloseable {
        final List<LoadReport> reports = new ArrayList<>();
        final AtomicBoolean done = new AtomicBoolean();
        final Thread thread;

        Load(int port) {
            LoadSpec spec = LoadSpec.of(LoadMode.CONNECT, new InetSocketAddress(InetAddress.getLoopbackAddress(), port))
                    .withExchange(true).withConnections(8).withThreads(1)
                    .withTiming(Duration.ofSeconds(1), Duration.ZERO)
                    // a connect slowed by a JVM starting beside it on a busy machine is not a lost one;
                    // a refusal or a reset is an error at once
                    .withTimeout(Duration.ofSeconds(10));
            thread = new Thread(() -> {
                for (int i = 0; i < 600 && !done.get(); i++) {
                    try {
                        LoadReport r = LoadRun.execute(spec, p -> { });
                        synchronized (reports) {
                            reports.add(r);
                        }
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "load");
            thread.start();
        }

        long ops() {
            synchronized (reports) {
                return reports.stream().mapToLong(LoadReport::ops).sum();
            }
        }

        List<String> errors() {
            synchronized (reports) {
                return reports.stream().filter(r -> r.errors() > 0).map(r -> r.errorsByKind().toString()).toList();
            }
        }

        @Override
        public void close() throws InterruptedException {
            done.set(true);
            thread.join(Duration.ofSeconds(30).toMillis());
        }
    }

    static boolean echoes(int port) throws IOException {
        try (java.net.Socket s = dev.portd.support.Tcp.connect(port)) {
            s.getOutputStream().write('x');
            return s.getInputStream().read() == 'x';
        }
    }

    @Test
    void upgradesInARowUnderLoadLoseNoConnection() throws Exception {
        Path config = config(ECHO);
        PortdProcess old = PortdProcess.serve(config);
        int port = old.tcpPort("echo");
        try (Load load = new Load(port)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> load.ops() > 0);
            for (int i = 0; i < UPGRADES; i++) {
                PortdProcess next = PortdProcess.start("serve", "--config", config.toString(), "--upgrade");
                String table = next.awaitServing();
                assertThat(table).contains("took over 2 listeners from pid " + old.pid());
                assertThat(next.tcpPort("echo")).isEqualTo(port);
                assertThat(old.exitCode()).as("the old portd drains and exits 0\n" + old.err()).isZero();
                assertThat(old.err()).contains("upgrade: the new process serves; this one stops accepting and drains");
                old = next;
                long before = load.ops();
                await().atMost(Duration.ofSeconds(30)).until(() -> load.ops() > before);
            }
            load.close();
            assertThat(load.errors()).as("refused, reset or failed operations").isEmpty();
            assertThat(load.ops()).isPositive();
        } finally {
            old.close();
        }
    }

    @Test
    void reloadsUnderLoadLoseNoConnection() throws Exception {
        Path config = config(ECHO);
        try (PortdProcess portd = PortdProcess.serve(config); Load load = new Load(portd.tcpPort("echo"))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> load.ops() > 0);
            for (int i = 0; i < UPGRADES; i++) {
                config(ECHO + "max_connections = " + (1000 + i) + "\n");
                PortdCli r = PortdCli.run("reload", "--control-socket", dir.resolve("control.sock").toString());
                assertThat(r.exit()).as(r.err()).isZero();
                assertThat(r.out()).contains("tcp/0 echo: new connections get the new config; open ones finish on the old")
                        .contains("udp/0 echo: new connections get the new config; open ones finish on the old")
                        .contains("portd reload applied: 0 added, 0 removed, 2 kept (1 services new or changed)");
                long before = load.ops();
                await().atMost(Duration.ofSeconds(30)).until(() -> load.ops() > before);
            }
            load.close();
            assertThat(load.errors()).as("refused, reset or failed operations").isEmpty();
        }
    }

    @Test
    void reloadPrintsEveryProblemAndTheOldConfigServesOn() throws Exception {
        Path config = config(ECHO);
        try (PortdProcess portd = PortdProcess.serve(config)) {
            config(ECHO + "max_connections = -1\nidle_timeout = \"soon\"\n");
            PortdCli r = PortdCli.run("reload", "--control-socket", dir.resolve("control.sock").toString());
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.err().lines().toList()).hasSize(3);
            assertThat(r.err()).contains("portd.toml:7: services.echo.max_connections = -1: must be an integer 0..10000000")
                    .contains("portd.toml:8: services.echo.idle_timeout = \"soon\": ")
                    .contains("portd reload refused: 2 problems; still serving the previous config");
            assertThat(echoes(portd.tcpPort("echo"))).isTrue();
        }
    }

    @Test
    void sighupReloadsTheConfigFile() throws Exception {
        Path config = config(ECHO);
        try (PortdProcess portd = PortdProcess.serve(config)) {
            config(ECHO + "[services.daytime]\nbind = [\"127.0.0.1\"]\nport = 0\nprotocols = [\"tcp\"]\n");
            Shell.bash(Duration.ofSeconds(10), "kill -HUP " + portd.pid());
            await().atMost(Duration.ofSeconds(30)).until(() -> portd.err().contains("portd reloaded"));
            assertThat(portd.err()).contains("reload: tcp/0 daytime: listening on 127.0.0.1:")
                    .contains("applied: 1 added, 0 removed, 2 kept");
        }
    }

    @Test
    void tellsSystemdReadyAndReloadingOnItsNotifySocket() throws Exception {
        Path config = config(ECHO);
        String notify = dir.resolve("notify").toString();
        try (NotifySocket systemd = new NotifySocket(notify);
             PortdProcess portd = PortdProcess.start(List.of("env", "NOTIFY_SOCKET=" + notify), PortdProcess.jar(),
                     "serve", "--config", config.toString())) {
            portd.awaitServing();
            await().atMost(Duration.ofSeconds(10)).until(() -> systemd.messages().size() == 1);
            assertThat(systemd.messages().get(0)).startsWith("READY=1\nMAINPID=" + portd.pid() + "\n")
                    .contains("STATUS=serving 2 listeners");
            Shell.bash(Duration.ofSeconds(10), "kill -HUP " + portd.pid());
            await().atMost(Duration.ofSeconds(30)).until(() -> systemd.messages().size() == 3);
            assertThat(systemd.messages().get(1)).startsWith("RELOADING=1\nMONOTONIC_USEC=");
            assertThat(systemd.messages().get(2)).startsWith("READY=1\n").contains("STATUS=applied: 0 added");
            portd.terminate();
            assertThat(portd.exitCode()).isZero();
            assertThat(systemd.messages()).last().isEqualTo("STOPPING=1\n");
        }
    }

    @Test
    void failedUpgradeLeavesTheOldPortdServing() throws Exception {
        Path config = config(ECHO);
        try (PortdProcess old = PortdProcess.serve(config);
             ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            config(ECHO + "[services.daytime]\nbind = [\"127.0.0.1\"]\nport = " + busy.getLocalPort() + "\n");
            try (PortdProcess next = PortdProcess.start("serve", "--config", config.toString(), "--upgrade")) {
                assertThat(next.exitCode()).isEqualTo(2);
                assertThat(next.err()).contains("daytime").contains("address in use");
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> old.err().contains("went away before it served"));
            assertThat(echoes(old.tcpPort("echo"))).isTrue();
            config(ECHO);
            PortdCli r = PortdCli.run("reload", "--control-socket", dir.resolve("control.sock").toString());
            assertThat(r.exit()).as("the old portd still answers on its control socket: " + r.err()).isZero();
        }
    }

    @Test
    void upgradeWithoutARunningPortdSaysSo() throws Exception {
        Path config = config(ECHO);
        PortdCli r = PortdCli.run("serve", "--config", config.toString(), "--upgrade");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("serve --upgrade: " + dir.resolve("control.sock") + ": no portd answers");
    }

    @Test
    void userWhoMayNotWriteTheDefaultDirectoryIsToldWhatToDo() throws Exception {
        assumeTrue(Shell.isRoot() && Shell.has("setpriv"), "needs root to run portd as nobody");
        Files.createDirectories(Path.of("/run/portd"));   // root's, as on a real system
        Shell.bash(Duration.ofSeconds(10), "chmod 0755 " + dir);
        Path config = Files.writeString(dir.resolve("nobody.toml"), ECHO);
        Shell.bash(Duration.ofSeconds(10), "chmod 0644 " + config);
        try (PortdProcess portd = PortdProcess.start(List.of("setpriv", "--reuid=nobody", "--regid=nogroup",
                "--clear-groups"), PortdProcess.worldReadableJar(), "serve", "--config", config.toString())) {
            portd.awaitServing();
            assertThat(portd.err()).contains("control socket /run/portd/control.sock: /run/portd is not writable by "
                    + "this user; run as root, or set host.control_socket to a path this user may write, e.g. \"")
                    .contains("or \"\" for none; portd reload and serve --upgrade cannot reach this portd "
                            + "(SIGHUP still reloads)");
            assertThat(echoes(portd.tcpPort("echo"))).isTrue();
        }
    }

    @Test
    void controlSocketIsTheOwnersOnly() throws Exception {
        assumeTrue(Shell.isRoot() && Shell.has("setpriv") && Shell.has("nc"), "needs root, setpriv, nc");
        Path config = config(ECHO);
        try (PortdProcess portd = PortdProcess.serve(config)) {
            Path socket = dir.resolve("control.sock");
            assertThat(Shell.bash(Duration.ofSeconds(10), "stat -c %a " + socket).out().strip()).isEqualTo("600");
            // open the file mode to everyone: the peer check alone must still refuse another user
            Shell.bash(Duration.ofSeconds(10), "chmod 0777 " + dir + " && chmod 0666 " + socket);
            String answer = Shell.bash(Duration.ofSeconds(20), "printf 'reload\\n' | setpriv --reuid=65534 --regid=65534 "
                    + "--clear-groups nc -U -w 10 " + socket).out();
            assertThat(answer).contains("\"error\":\"uid 65534 may not use this portd's control socket\"");
            assertThat(portd.err()).doesNotContain("portd reloaded");
        }
    }
}
