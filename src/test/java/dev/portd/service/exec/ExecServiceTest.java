package dev.portd.service.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.portd.host.Host;
import dev.portd.support.PortdCli;
import dev.portd.support.Tcp;
import dev.portd.support.TestHosts;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.EpollSocketChannel;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The exec kind with real programs: the socket is their fd 0/1, the environment is UCSPI-TCP's. */
class ExecServiceTest {
    @TempDir
    Path dir;

    private static final String CAT = "[services.prog]\nkind = \"exec\"\nport = 0\nprotocols = [\"tcp\"]\n"
            + "command = [\"/bin/cat\"]\n";

    private static Host exec(String command, String extra) {
        return TestHosts.start("[services.prog]\nkind = \"exec\"\nport = 0\nprotocols = [\"tcp\"]\ncommand = "
                + command + "\n" + extra + "\n");
    }

    /**
     * The service's figures as the dashboard shows them, read from the service itself: over HTTP the
     * first request of a JVM (java.net.http's start, the dashboard's first answer) took over 10 s on a
     * loaded machine, longer than the awaits around it.
     */
    static Map<String, Long> figures(Host host, String service) {
        return host.servicesOf(ExecService.class).stream().filter(s -> s.serviceName().equals(service)).findFirst()
                .orElseThrow(() -> new AssertionError("no exec service " + service)).figures();
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void theProgramSeesTheClientsAddressAndNothingElseOfPortdsEnvironment() throws Exception {
        try (Host host = exec("[\"/usr/bin/env\"]", "")) {
            try (Socket s = Tcp.connect(host.tcpPort("prog"))) {
                String out = text(s.getInputStream().readAllBytes());
                assertThat(new TreeSet<>(out.lines().toList())).containsExactly(
                        "PROTO=TCP",
                        "REMOTE_HOST=127.0.0.1",
                        "TCPLOCALIP=127.0.0.1",
                        "TCPLOCALPORT=" + host.tcpPort("prog"),
                        "TCPREMOTEIP=127.0.0.1",
                        "TCPREMOTEPORT=" + s.getLocalPort());
            }
        }
    }

    @Test
    void aShellOneLinerPrintsTheClientsOwnSocketAddress() throws Exception {
        try (Host host = exec("[\"/bin/sh\", \"-c\", \"echo $TCPREMOTEIP $TCPREMOTEPORT\"]", "")) {
            try (Socket s = Tcp.connect(host.tcpPort("prog"))) {
                assertThat(text(s.getInputStream().readAllBytes())).isEqualTo("127.0.0.1 " + s.getLocalPort() + "\n");
            }
        }
    }

    @Test
    void envAndPassEnvAndCwdAreGiven() throws Exception {
        try (Host host = exec("[\"/bin/sh\", \"-c\", \"echo $LANG $PATH; pwd\"]",
                "env = { LANG = \"C.UTF-8\" }\npass_env = [\"PATH\"]\ncwd = " + TestHosts.quote(dir))) {
            assertThat(text(Tcp.readAll(host.tcpPort("prog"))))
                    .isEqualTo("C.UTF-8 " + System.getenv("PATH") + "\n" + dir.toRealPath() + "\n");
        }
    }

    @Test
    void theSocketItselfIsFdZeroAndOneAndNoOtherDescriptorOfPortdLeaks() throws Exception {
        try (Host host = exec("[\"/bin/sh\", \"-c\", \"readlink /proc/$$/fd/0 /proc/$$/fd/1; ls /proc/$$/fd\"]", "")) {
            String[] lines = text(Tcp.readAll(host.tcpPort("prog"))).split("\n");
            assertThat(lines[0]).startsWith("socket:[").isEqualTo(lines[1]);
            assertThat(Arrays.copyOfRange(lines, 2, lines.length)).containsExactly("0", "1", "2");
        }
    }

    @Test
    void catEchoesThroughTheHandedOverSocketAndHalfCloseEndsIt() throws Exception {
        try (Host host = exec("[\"/bin/cat\"]", "")) {
            assertCatEchoes(host, 500_000, 5);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                Map<String, Long> f = figures(host, "prog");
                assertThat(f.get("started")).isEqualTo(1L);
                assertThat(f.get("running")).isZero();
                assertThat(f.get("exit_status")).isZero();
            });
        }
    }

    @Test
    void aClientThatWritesAndHalfClosesBeforeTheHandoverLosesNoByteToPortd() throws Exception {
        // Netty's deregister runs in a later task: until then the event loop could read the socket
        // on EPOLLRDHUP (it does even with autoRead off). The handover must take it out of epoll at once.
        byte[] sent = new byte[20_000];
        new Random(11).nextBytes(sent);
        CountDownLatch clientDone = new CountDownLatch(1);
        CompletableFuture<Boolean> watchedAfterHandover = new CompletableFuture<>();
        try (Host host = HookedExec.start(CAT, ch -> ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelActive(ChannelHandlerContext ctx) throws Exception {
                int fd = ((EpollSocketChannel) ctx.channel()).fd().intValue();
                clientDone.await(10, TimeUnit.SECONDS);   // holds the event loop until the client has sent all
                ctx.fireChannelActive();   // exec's own: the handover
                try {
                    watchedAfterHandover.complete(EpollSets.watch(fd));
                } catch (IOException e) {
                    watchedAfterHandover.completeExceptionally(e);
                }
            }
        }))) {
            try (Socket s = Tcp.connect(host.tcpPort("prog"))) {
                s.getOutputStream().write(sent);
                s.shutdownOutput();
                clientDone.countDown();
                byte[] back = s.getInputStream().readAllBytes();
                assertThat(watchedAfterHandover.get(10, TimeUnit.SECONDS))
                        .as("portd's epoll still watches the socket once it is handed over").isFalse();
                assertThat(Arrays.mismatch(sent, back)).as("first byte that differs (%d back)", back.length).isEqualTo(-1);
            }
        }
    }

    @Test
    void theProgramGetsItsSocketInBlockingModeAsInetdGivesIt() throws Exception {
        // Netty accepts sockets non-blocking, and the flag is the open socket's, shared by the program's
        // fd 0 and 1: cat reading before the client had written failed with EAGAIN
        try (Host host = exec("[\"/bin/sh\", \"-c\", \"grep flags /proc/$$/fdinfo/0\"]", "")) {
            String flags = text(Tcp.readAll(host.tcpPort("prog"))).strip();
            assertThat(flags).startsWith("flags:");
            assertThat(Integer.parseInt(flags.split("\\s+")[1], 8) & LibC.O_NONBLOCK).as(flags).isZero();
        }
    }

    @Test
    void overUdpWaitTheProgramGetsTheSocketInBlockingModeEachTime() throws Exception {
        // in.tftpd reads once; a program that reads again would get EAGAIN from a non-blocking socket
        Path seen = dir.resolve("flags");
        String script = "grep flags /proc/$$/fdinfo/0 >> " + seen + "; head -c 1 >/dev/null";
        try (Host host = TestHosts.start("[services.prog]\nkind = \"exec\"\nport = 0\nprotocols = [\"udp\"]\n"
                + "wait = true\ncommand = [\"/bin/sh\", \"-c\", \"" + script + "\"]\n");
             java.net.DatagramSocket client = new java.net.DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(), host.udpPort("prog"));
            for (int run = 1; run <= 2; run++) {
                client.send(new java.net.DatagramPacket(new byte[] {'x'}, 1, to));
                long runs = run;
                await().atMost(Duration.ofSeconds(10)).until(() -> figures(host, "prog").get("started") == runs
                        && figures(host, "prog").get("running") == 0);
            }
            var lines = Files.readAllLines(seen);
            assertThat(lines).hasSize(2);
            for (String flags : lines) {
                assertThat(Integer.parseInt(flags.split("\\s+")[1], 8) & LibC.O_NONBLOCK).as(flags).isZero();
            }
        }
    }

    @Test
    void aProgramThatDiesAtOnceIsReapedAndCounted() throws Exception {
        try (Host host = exec("[\"/bin/sh\", \"-c\", \"echo $$; exit 3\"]", "")) {
            for (int i = 0; i < 3; i++) {
                long pid = Long.parseLong(text(Tcp.readAll(host.tcpPort("prog"))).strip());
                await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(Path.of("/proc/" + pid)));   // no zombie
            }
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                Map<String, Long> f = figures(host, "prog");
                assertThat(f.get("exit_nonzero")).isEqualTo(3L);
                assertThat(f.get("exit_status")).isEqualTo(3L);
            });
        }
    }

    @Test
    void aProgramThatCannotStartClosesTheClientAndIsCounted() throws Exception {
        Path script = Files.writeString(dir.resolve("broken"), "#!/nonexistent/interpreter\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (Host host = exec("[" + TestHosts.quote(script) + "]", "")) {
            assertThat(Tcp.readAll(host.tcpPort("prog"))).isEmpty();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(figures(host, "prog").get("exec_failed")).isEqualTo(1L));
        }
    }

    @Test
    void aProgramThatNeverReadsIsCutOffAtIdleTimeoutAndCapsInstances() throws Exception {
        try (Host host = exec("[\"/bin/sh\", \"-c\", \"echo $$; exec sleep 1000\"]",
                "idle_timeout = \"1s\"\nmax_connections = 1")) {
            try (Socket s = Tcp.connect(host.tcpPort("prog"))) {
                var in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
                long pid = Long.parseLong(in.readLine());
                try (Socket second = Tcp.connect(host.tcpPort("prog"))) {
                    assertThat(second.getInputStream().read()).isEqualTo(-1);   // max_connections = 1: refused
                }
                s.getOutputStream().write(new byte[100_000]);   // never read by sleep
                await().atMost(Duration.ofSeconds(20)).until(() -> !Files.exists(Path.of("/proc/" + pid)));
                assertThat(in.read()).isEqualTo(-1);
            }
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(figures(host, "prog").get("killed_by_signal")).isEqualTo(1L));
        }
    }

    @Test
    void aProgramIgnoringSigtermIsKilledAfterTheGracePeriod() throws Exception {
        long pid;
        Host host = TestHosts.start("[host]\ngrace = \"1s\"\n[services.prog]\nkind = \"exec\"\nport = 0\n"
                + "protocols = [\"tcp\"]\ncommand = [\"/bin/sh\", \"-c\", \"echo $$; trap '' TERM; exec sleep 1000\"]\n");
        try (Socket s = Tcp.connect(host.tcpPort("prog"))) {
            pid = Long.parseLong(new BufferedReader(new InputStreamReader(s.getInputStream())).readLine());
            host.close();   // SIGTERM (ignored), then SIGKILL after 1 s
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(Path.of("/proc/" + pid)));
    }

    @Test
    void overPipesWhenTheTransportHasNoFd() throws Exception {
        try (Host host = TestHosts.start("[host]\ntransport = \"nio\"\n[services.prog]\nkind = \"exec\"\nport = 0\n"
                + "protocols = [\"tcp\"]\ncommand = [\"/bin/cat\"]\n")) {
            assertCatEchoes(host, 300_000, 9);
        }
    }

    @Test
    void waitOverTcpOrNoWaitOverUdpIsAConfigErrorOnTheLineOfWaitWithTheFix() throws Exception {
        Path file = Files.writeString(dir.resolve("exec.toml"), """
                [services.git]
                kind = "exec"
                port = 0
                command = ["/bin/cat"]
                wait = true

                [services.tftp]
                kind = "exec"
                port = 0
                protocols = ["udp"]
                command = ["/bin/cat"]
                """);
        String expected = file + ":5: services.git.wait = true: over TCP portd starts a program per connection "
                + "(inetd nowait); wait = true is for UDP: set wait = false, or protocols = [\"udp\"] for a datagram "
                + "program\n"
                + file + ":7: services.tftp.wait: over UDP the program owns the socket until it exits (inetd wait): "
                + "set wait = true\n"
                + "portd: the config has 2 problems; nothing was started\n";
        for (String command : new String[] {"check", "serve"}) {
            PortdCli run = PortdCli.run(command, "--config", file.toString());
            assertThat(run.exit()).as(command).isEqualTo(2);
            assertThat(run.err()).as(command).isEqualTo(expected);
        }
    }

    @Test
    void overPipesAProgramsWholeOutputReachesAClientThatReadsOnlyOnceItHasExited() throws Exception {
        // Small socket buffers (a send buffer of a set size is not grown by the kernel) keep much of the
        // output in portd's pipe and Netty's queue when head exits: neither the exit nor the end of
        // stdout may close or half-close the connection before all of it has been written.
        int bytes = 130_000;   // < pipe (64 KiB) + Netty's high water mark (64 KiB) + the kernel's: head can exit
        try (Host host = HookedExec.start("[host]\ntransport = \"nio\"\n[services.prog]\nkind = \"exec\"\nport = 0\n"
                + "protocols = [\"tcp\"]\ncommand = [\"/usr/bin/head\", \"-c\", \"" + bytes + "\", \"/dev/zero\"]\n",
                ch -> ch.config().setOption(ChannelOption.SO_SNDBUF, 4096))) {
            ExecService exec = HookedExec.of(host);
            try (Socket s = new Socket()) {
                s.setReceiveBufferSize(4096);
                s.setSoTimeout(10_000);
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), host.tcpPort("prog")));
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> exec.stats.started.sum() == 1 && exec.stats.running.get() == 0);
                byte[] back = s.getInputStream().readAllBytes();
                assertThat(back.length).isEqualTo(bytes);
                assertThat(Arrays.mismatch(back, new byte[bytes])).isEqualTo(-1);
            }
        }
    }

    /** Random bytes written then half-closed come back whole through the program (cat), and it ends. */
    static void assertCatEchoes(Host host, int bytes, long seed) throws Exception {
        byte[] sent = new byte[bytes];
        new Random(seed).nextBytes(sent);
        try (Socket s = Tcp.connect(host.tcpPort("prog"))) {
            CompletableFuture<Void> w = CompletableFuture.runAsync(() -> {
                try {
                    s.getOutputStream().write(sent);
                    s.shutdownOutput();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            byte[] back = s.getInputStream().readAllBytes();
            assertThat(Arrays.mismatch(sent, back))
                    .as("offset of the first byte that differs (%d sent, %d back)", sent.length, back.length)
                    .isEqualTo(-1);
            w.join();
        }
    }
}
