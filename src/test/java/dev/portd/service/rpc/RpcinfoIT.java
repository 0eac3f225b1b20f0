package dev.portd.service.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's real {@code rpcinfo} against portd and against rpcbind, each in a network and mount
 * namespace of its own (rpcinfo always asks port 111 and /run/rpcbind.sock): every mode of
 * REFERENCE 6b, a registration by PMAP_SET that {@code rpcinfo -p} lists and {@code rpcinfo -d}
 * removes, and a restart that keeps it. The two sessions must print the same, except for the lines
 * of portd's own names program.
 */
class RpcinfoIT {
    static Map<String, String> rpcbind;
    static Map<String, String> portd;
    /** The libtirpc server binary, or "" when gcc or libtirpc-dev is missing. */
    static String tirpc;

    @BeforeAll
    static void runBothSessions(@TempDir Path dir) throws Exception {
        for (String tool : List.of("/usr/sbin/rpcinfo", "/usr/sbin/rpcbind", "/usr/bin/unshare")) {
            assumeTrue(Files.isExecutable(Path.of(tool)), tool + " is not installed (apt-get install -y rpcbind util-linux)");
        }
        Path script = dir.resolve("rpcinfo-session.sh");
        try (InputStream in = RpcinfoIT.class.getResourceAsStream("rpcinfo-session.sh")) {
            Files.copy(in, script);
        }
        Path config = dir.resolve("portd.toml");
        Files.writeString(config, """
                [services.portmapper]
                port = 111
                state = "%s"

                [services.echo]
                port = 0
                """.formatted(dir.resolve("state/portmapper.state")));
        String jar = System.getProperty("portd.jar", "target/portd.jar");
        tirpc = compileTirpcServer(dir);
        CompletableFuture<Map<String, String>> withRpcbind = CompletableFuture.supplyAsync(
                () -> session(List.of("unshare", "-n", "-m", "bash", script.toString(), "rpcbind", "", "", tirpc)));
        portd = session(List.of("unshare", "-n", "-m", "bash", script.toString(), "portd", jar, config.toString(),
                tirpc));
        rpcbind = withRpcbind.get(3, TimeUnit.MINUTES);
    }

    /** Builds tirpc-server.c with gcc and libtirpc; "" when they are not installed. */
    static String compileTirpcServer(Path dir) throws IOException, InterruptedException {
        if (!Files.isExecutable(Path.of("/usr/bin/gcc")) || !Files.exists(Path.of("/usr/include/tirpc/rpc/rpc.h"))) {
            return "";
        }
        Path source = dir.resolve("tirpc-server.c");
        try (InputStream in = RpcinfoIT.class.getResourceAsStream("tirpc-server.c")) {
            Files.copy(in, source);
        }
        Path binary = dir.resolve("tirpc-server");
        Process cc = new ProcessBuilder("gcc", "-O1", "-I/usr/include/tirpc", "-o", binary.toString(), source.toString(),
                "-ltirpc").redirectErrorStream(true).start();
        String out = new String(cc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(cc.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(cc.exitValue()).as(out).isZero();
        return binary.toString();
    }

    /** Runs the script and splits its output into sections by their "### name" lines. */
    static Map<String, String> session(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(2, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AssertionError(command + " did not end");
            }
            Map<String, String> sections = new LinkedHashMap<>();
            String name = "";
            StringBuilder text = new StringBuilder();
            for (String line : new String(out, StandardCharsets.UTF_8).split("\n", -1)) {
                if (line.startsWith("### ")) {
                    sections.put(name, text.toString());
                    name = line.substring(4);
                    text.setLength(0);
                } else {
                    text.append(line).append('\n');
                }
            }
            sections.put(name, text.toString());
            return sections;
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** portd's output without the lines of its names program, which rpcbind does not serve. */
    static String withoutNames(String text) {
        return text.lines().filter(l -> !l.contains(Integer.toString(NamesProgram.NUMBER)))
                .collect(Collectors.joining("\n", "", "\n"));
    }

    /** The libtirpc server's ports are chosen by the system: the same line of two runs differs only there. */
    static String anyPort(String text) {
        return text.replaceAll("(400123 +1 +(tcp|udp) +)\\d+", "$1PORT");
    }

    @Test
    void everyRpcinfoModePrintsWhatItPrintsAgainstRpcbind() {
        assertThat(rpcbind).containsKey("-m");
        for (Map.Entry<String, String> e : rpcbind.entrySet()) {
            if (e.getKey().isEmpty()) {
                continue;
            }
            assertThat(portd).as("portd session: " + portd).containsKey(e.getKey());
            assertThat(anyPort(withoutNames(portd.get(e.getKey()))).strip()).as("rpcinfo " + e.getKey())
                    .isEqualTo(anyPort(e.getValue()).strip());
        }
    }

    @Test
    void portmapperListsItselfOnEveryTransport() {
        assertThat(portd.get("-p host")).contains(
                "    100000    4   tcp    111  portmapper\n",
                "    100000    2   udp    111  portmapper\n");
        assertThat(portd.get("-s host")).contains("100000  2,3,4     local,udp,tcp,udp6,tcp6          portmapper  superuser");
        assertThat(portd.get("-l")).contains("inet/tcp/cots_ord       127.0.0.1.0.111");
        assertThat(portd.get("-l ipv6")).contains("inet6/udp/clts          ::1.0.111");
        assertThat(portd.get("-T udp6")).isEqualTo("program 100000 version 4 ready and waiting\nrc=0\n");
    }

    @Test
    void probesGetTheVersionRangeAndErrors() {
        assertThat(portd.get("-T tcp all versions")).isEqualTo("""
                program 100000 version 2 ready and waiting
                program 100000 version 3 ready and waiting
                program 100000 version 4 ready and waiting
                rc=0
                """);
        assertThat(portd.get("version mismatch")).contains("low version = 2, high version = 4").contains("rc=1");
        assertThat(portd.get("not registered")).contains("Program not registered").contains("rc=1");
    }

    @Test
    void registrationBySetIsListedRemovedAndSurvivesRestart() {
        assertThat(portd.get("pmap set").strip()).endsWith("00 00 00 01");   // SET answered TRUE
        assertThat(portd.get("-p after set")).contains("    300000    1   udp   4242\n");
        assertThat(portd.get("-s after set")).contains("300000  1         udp                              -           unknown");
        assertThat(portd.get("-p after -d")).doesNotContain("300000");
        assertThat(portd.get("portd: -p after restart")).contains("    300000    1   udp   4242\n");
        assertThat(portd.get("portd: -d after restart")).isEqualTo("rc=0\n");
    }

    @Test
    void libtirpcServerRegistersIsPingedAndUnregisters() {
        assumeTrue(!tirpc.isEmpty(), "gcc or libtirpc-dev is not installed (apt-get install -y gcc libtirpc-dev)");
        assertThat(portd.get("tirpc: -p")).containsPattern("400123 +1 +udp +\\d+\n").containsPattern("400123 +1 +tcp +\\d+\n");
        assertThat(portd.get("tirpc: -s")).contains("400123  1         tcp6,tcp,udp6,udp                -           superuser");
        assertThat(portd.get("tirpc: ping udp")).isEqualTo("program 400123 version 1 ready and waiting\nrc=0\n");
        assertThat(portd.get("tirpc: ping tcp")).isEqualTo("program 400123 version 1 ready and waiting\nrc=0\n");
        assertThat(portd.get("tirpc: -p after exit")).doesNotContain("400123");
    }

    @Test
    void lookupFindsServicesThroughPort111() {
        assertThat(portd.get("portd: lookup")).contains("portmapper  portmapper  tcp    127.0.0.1  111").contains("rc=0");
        assertThat(portd.get("portd: lookup all")).containsPattern("echo +echo +tcp +127\\.0\\.0\\.1 +\\d+")
                .containsPattern("echo +echo +udp +127\\.0\\.0\\.1 +\\d+");
        assertThat(portd.get("portd: stderr")).doesNotContain("ERROR").doesNotContain("Exception")
                .contains("local /run/rpcbind.sock portmapper listening");
    }
}
