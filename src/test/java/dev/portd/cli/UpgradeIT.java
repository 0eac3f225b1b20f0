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
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reload and hitless upgrade of a real {@code portd serve} process, under load from
 * {@code portd load connect --echo} and from kept-alive HTTP clients: no connection refused, reset
 * or failed, no request unanswered.
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
    /** The built-in welcome page at /, on loopback. */
    static final String HTTP = "[services.http]\nbind = [\"127.0.0.1\"]\nport = 0\n";

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

    /**
     * Kept-alive HTTP clients, as wrk's: each sends a GET, reads the whole answer, and sends the next
     * on the same connection until an answer says {@code Connection: close}, then connects again.
     * A request that gets no whole answer (refused, reset, closed, timed out) is a failure, not retried.
     */
    private static final class HttpLoad implements AutoCloseable {
        static final int CLIENTS = 4;
        static final byte[] GET = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        final AtomicLong answered = new AtomicLong();
        final AtomicLong closedByServer = new AtomicLong();   // answers with Connection: close
        final List<String> failures = Collections.synchronizedList(new ArrayList<>());
        final AtomicBoolean done = new AtomicBoolean();
        final List<Thread> threads = new ArrayList<>();

        HttpLoad(int port) {
            for (int i = 0; i < CLIENTS; i++) {
                Thread t = new Thread(() -> run(port), "http-load-" + i);
                threads.add(t);
                t.start();
            }
        }

        private void run(int port) {
            long end = System.nanoTime() + Duration.ofMinutes(10).toNanos();   // a bound if close() is never reached
            Socket s = null;
            InputStream in = null;
            try {
                while (!done.get() && System.nanoTime() < end) {
                    try {
                        if (s == null) {
                            s = new Socket();
                            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000);
                            s.setSoTimeout(10_000);
                            in = new BufferedInputStream(s.getInputStream());
                        }
                        s.getOutputStream().write(GET);
                        if (readAnswer(in)) {
                            closedByServer.incrementAndGet();
                            s.close();
                            s = null;
                        }
                        answered.incrementAndGet();
                    } catch (IOException e) {
                        failures.add(e.toString());
                        closeQuietly(s);
                        s = null;
                    }
                }
            } finally {
                closeQuietly(s);
            }
        }

        /** Reads one whole 200 answer; returns whether it says Connection: close. */
        private static boolean readAnswer(InputStream in) throws IOException {
            String head = head(in);
            if (!head.startsWith("HTTP/1.1 200 ")) {
                throw new IOException("answer " + head.lines().findFirst().orElse(""));
            }
            Matcher length = CONTENT_LENGTH.matcher(head);
            if (!length.find()) {
                throw new IOException("no Content-Length in " + head);
            }
            int n = Integer.parseInt(length.group(1));
            if (in.readNBytes(n).length != n) {
                throw new IOException("body cut short");
            }
            return CLOSE.matcher(head).find();
        }

        /** The head of an answer, up to its empty line. */
        private static String head(InputStream in) throws IOException {
            StringBuilder head = new StringBuilder();
            int blank = 0;   // how much of CR LF CR LF has just been read
            while (blank < 4) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("end of stream after " + head.length() + " bytes of an answer");
                }
                if (head.length() == 65_536) {
                    throw new IOException("an answer head past 64 KiB");
                }
                head.append((char) b);
                blank = b == (blank % 2 == 0 ? '\r' : '\n') ? blank + 1 : b == '\r' ? 1 : 0;
            }
            return head.toString();
        }

        static final Pattern CONTENT_LENGTH = Pattern.compile("(?im)^content-length: *(\\d+)");
        static final Pattern CLOSE = Pattern.compile("(?im)^connection: *close");

        private static void closeQuietly(Socket s) {
            try {
                if (s != null) {
                    s.close();
                }
            } catch (IOException e) {
                // it is gone either way
            }
        }

        @Override
        public void close() throws InterruptedException {
            done.set(true);
            for (Thread t : threads) {
                t.join(Duration.ofSeconds(30).toMillis());
            }
        }
    }

    static boolean echoes(int port) throws IOException {
        try (java.net.Socket s = dev.portd.support.Tcp.connect(port)) {
            s.getOutputStream().write('x');
            return s.getInputStream().read() == 'x';
        }
    }

    @Test
    void upgradesInARowUnderLoadLoseNoConnectionAndNoRequest() throws Exception {
        Path config = config(ECHO + HTTP);
        PortdProcess old = PortdProcess.serve(config);
        int port = old.tcpPort("echo");
        int http = old.tcpPort("http");
        try (Load load = new Load(port); HttpLoad web = new HttpLoad(http)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> load.ops() > 0 && web.answered.get() > 0);
            for (int i = 0; i < UPGRADES; i++) {
                PortdProcess next = PortdProcess.start("serve", "--config", config.toString(), "--upgrade");
                String table = next.awaitServing();
                assertThat(table).contains("took over 3 listeners from pid " + old.pid());
                assertThat(next.tcpPort("echo")).isEqualTo(port);
                assertThat(next.tcpPort("http")).isEqualTo(http);
                assertThat(old.exitCode()).as("the old portd drains and exits 0\n" + old.err()).isZero();
                assertThat(old.err()).contains("upgrade: the new process serves; this one stops accepting and drains");
                old = next;
                long before = load.ops();
                long answered = web.answered.get();
                await().atMost(Duration.ofSeconds(30)).until(() -> load.ops() > before && web.answered.get() > answered);
            }
            load.close();
            web.close();
            assertThat(load.errors()).as("refused, reset or failed operations").isEmpty();
            assertThat(web.failures).as("HTTP requests without a whole answer").isEmpty();
            assertThat(load.ops()).isPositive();
            // each old process told its kept-alive clients to go (Connection: close) before it exited
            assertThat(web.closedByServer.get()).isGreaterThanOrEqualTo(UPGRADES);
        } finally {
            old.close();
        }
    }

    @Test
    void reloadsUnderLoadLoseNoConnectionAndNoRequest() throws Exception {
        Path config = config(ECHO + HTTP);
        try (PortdProcess portd = PortdProcess.serve(config); Load load = new Load(portd.tcpPort("echo"));
             HttpLoad web = new HttpLoad(portd.tcpPort("http"))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> load.ops() > 0 && web.answered.get() > 0);
            for (int i = 0; i < UPGRADES; i++) {
                config(ECHO + "max_connections = " + (1000 + i) + "\n" + HTTP + "keepalive_timeout = \"" + (30 + i) + "s\"\n");
                PortdCli r = PortdCli.run("reload", "--control-socket", dir.resolve("control.sock").toString());
                assertThat(r.exit()).as(r.err()).isZero();
                assertThat(r.out()).contains("tcp/0 echo: new connections get the new config; open ones finish on the old")
                        .contains("udp/0 echo: new connections get the new config; open ones finish on the old")
                        .contains("tcp/0 http: new connections get the new config; open ones finish on the old")
                        .contains("portd reload applied: 0 added, 0 removed, 3 kept (2 services new or changed)");
                long before = load.ops();
                long answered = web.answered.get();
                await().atMost(Duration.ofSeconds(30)).until(() -> load.ops() > before && web.answered.get() > answered);
            }
            load.close();
            web.close();
            assertThat(load.errors()).as("refused, reset or failed operations").isEmpty();
            assertThat(web.failures).as("HTTP requests without a whole answer").isEmpty();
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
