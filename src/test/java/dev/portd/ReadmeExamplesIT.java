package dev.portd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.portd.config.ConfigLoader;
import dev.portd.config.ServiceConfig;
import dev.portd.support.PortdProcess;
import dev.portd.support.Shell;
import java.io.File;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command example of README.md runs and exits as the README says. The commands are the lines
 * of its {@code ```sh} blocks (in a block that shows output, the lines after {@code $ }); each runs
 * with bash in a temporary directory, against a portd this test starts there with a free
 * {@code --port-offset}: the README's ports (10007, 18111, 20080, ...) are that portd's ports.
 * {@code portd serve ARGS} runs as {@code portd check ARGS} (serve would not return). A command
 * ending in {@code # (not run by the tests: REASON)} is skipped and listed; one ending in
 * {@code # exits N} must exit N; every other must exit 0.
 */
class ReadmeExamplesIT {
    private static final Pattern SKIP = Pattern.compile("#\\s*\\(not run by the tests: ([^)]*)\\)\\s*$");
    private static final Pattern EXITS = Pattern.compile("#\\s*exits (\\d+)\\s*$");
    /** A README port: 10000 to 59999, an offset plus a port of the default config. */
    private static final Pattern SHIFTED_PORT = Pattern.compile("(?<![\\d.])([1-5]\\d{4})(?![\\d.])");
    private static final Pattern OFFSET = Pattern.compile("--port-offset \\d+");

    /** One command of the README, where it stands, and what it must do. */
    record Example(int line, String command, String skipReason, int exit) {
    }

    @Test
    void everyCommandExampleRunsAsTheReadmeSays(@TempDir Path dir) throws Exception {
        List<Example> examples = examples(Files.readAllLines(PortdProcess.root().resolve("README.md")));
        Set<Integer> ports = ConfigLoader.loadDefault(dev.portd.service.ServiceKinds.BUILT_IN).services().stream().map(ServiceConfig::port)
                .collect(Collectors.toCollection(TreeSet::new));
        int offset = freeOffset(ports);
        Path bin = launcher(dir);
        List<String> failures = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        int ran = 0;
        Process portd = startPortd(dir, offset);
        try {
            for (Example e : examples) {
                if (e.skipReason() != null) {
                    skipped.add("README.md:" + e.line() + ": " + e.command() + "  -- " + e.skipReason());
                    continue;
                }
                String command = rewrite(e.command(), offset, ports);
                Shell.Result r = Shell.run(Duration.ofMinutes(3), List.of("env", "-C", dir.toString(),
                        "PATH=" + bin + File.pathSeparator + System.getenv("PATH"), "bash", "-c",
                        "set -o pipefail; " + command));
                ran++;
                if (r.code() != e.exit()) {
                    failures.add("README.md:" + e.line() + ": " + command + "\n  exit " + r.code() + ", expected "
                            + e.exit() + "\n  " + r.out().strip().replace("\n", "\n  "));
                }
            }
        } finally {
            portd.destroy();
            if (!portd.waitFor(15, TimeUnit.SECONDS)) {
                portd.destroyForcibly();
            }
        }
        System.out.println("README examples: " + ran + " run, " + skipped.size() + " skipped:\n  "
                + String.join("\n  ", skipped));
        assertThat(failures).as("README examples that failed").isEmpty();
        assertThat(ran).as("commands found in the README's sh blocks").isGreaterThan(30);
        assertThat(skipped).as("skipped examples, each with its reason").allMatch(s -> s.contains("  -- "));
    }

    @Test
    void commandsComeFromShBlocksWithTheirMarks() {
        List<Example> found = examples(List.of("```", "portd who 1", "```", "```sh", "$ portd who 25   # exits 2",
                "PROTO  STATE", "$ nmap 10.0.0.1   # (not run by the tests: another host)", "```", "```sh",
                "# a comment", "./portd serve --port-offset 10000 &   # http on 10080", "```"));
        assertThat(found).containsExactly(new Example(5, "portd who 25   # exits 2", null, 2),
                new Example(7, "nmap 10.0.0.1   # (not run by the tests: another host)", "another host", 0),
                new Example(11, "./portd serve --port-offset 10000 &   # http on 10080", null, 0));
    }

    @Test
    void portsAndOffsetsMoveToThisPortdAndServeBecomesCheck() {
        Set<Integer> ports = Set.of(7, 80, 8111);
        assertThat(rewrite("./portd serve --port-offset 10000 &   # http on 10080", 21_000, ports))
                .isEqualTo("./portd check --port-offset 21000");
        assertThat(rewrite("curl -s http://127.0.0.1:18111/x && nc -N localhost 10007 -n 10000", 21_000, ports))
                .isEqualTo("curl -s http://127.0.0.1:29111/x && nc -N localhost 21007 -n 10000");
        assertThat(rewrite("portd scan 127.0.0.1 -p 20007,20013 --source 127.0.0.2-127.0.0.9", 21_000, ports))
                .isEqualTo("portd scan 127.0.0.1 -p 21007,20013 --source 127.0.0.2-127.0.0.9");
    }

    /** The commands of the {@code ```sh} blocks. */
    static List<Example> examples(List<String> readme) {
        List<Example> examples = new ArrayList<>();
        for (int i = 0; i < readme.size(); i++) {
            if (!readme.get(i).strip().equals("```sh")) {
                continue;
            }
            int start = i + 1;
            int end = start;
            while (end < readme.size() && !readme.get(end).strip().equals("```")) {
                end++;
            }
            List<String> block = readme.subList(start, end);
            boolean prompts = block.stream().anyMatch(l -> l.startsWith("$ "));
            for (int j = 0; j < block.size(); j++) {
                String line = block.get(j);
                String command = prompts ? (line.startsWith("$ ") ? line.substring(2) : null)
                        : (line.isBlank() || line.startsWith("#") ? null : line);
                if (command != null) {
                    Matcher skip = SKIP.matcher(command);
                    Matcher exits = EXITS.matcher(command);
                    examples.add(new Example(start + j + 1, command.strip(), skip.find() ? skip.group(1) : null,
                            exits.find() ? Integer.parseInt(exits.group(1)) : 0));
                }
            }
            i = end;
        }
        return examples;
    }

    /** The README's ports and offsets moved to this test's portd; serve becomes check. */
    static String rewrite(String command, int offset, Set<Integer> ports) {
        String c = OFFSET.matcher(command).replaceAll("--port-offset " + offset);
        Matcher m = SHIFTED_PORT.matcher(c);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            int n = Integer.parseInt(m.group(1));
            m.appendReplacement(out, ports.contains(n % 10_000) ? String.valueOf(offset + n % 10_000) : m.group(1));
        }
        m.appendTail(out);
        return out.toString().replaceAll("\\bportd serve\\b", "portd check").replaceAll("\\s&\\s*(#.*)?$", "");
    }

    /** An offset below the ephemeral range where every port of the default config is free. */
    private static int freeOffset(Set<Integer> ports) {
        for (int offset = 21_000; offset <= 24_000; offset += 500) {
            if (allFree(offset, ports)) {
                return offset;
            }
        }
        throw new AssertionError("no offset from 21000 to 24000 leaves the default config's ports free");
    }

    private static boolean allFree(int offset, Set<Integer> ports) {
        for (int p : ports) {
            for (InetAddress a : new InetAddress[] {InetAddress.getLoopbackAddress()}) {
                try (ServerSocket tcp = new ServerSocket(); DatagramSocket udp = new DatagramSocket(null)) {
                    tcp.bind(new InetSocketAddress(a, offset + p));
                    udp.bind(new InetSocketAddress(a, offset + p));
                } catch (IOException e) {
                    return false;
                }
            }
        }
        return true;
    }

    /** {@code portd} on the PATH and {@code ./portd} in the directory: the jar under test. */
    private static Path launcher(Path dir) throws IOException {
        Path bin = Files.createDirectories(dir.resolve(".bin"));
        String script = "#!/bin/sh\nexec " + PortdProcess.java() + " -XX:TieredStopAtLevel=1 -jar "
                + PortdProcess.jar() + " \"$@\"\n";
        for (Path p : List.of(bin.resolve("portd"), dir.resolve("portd"))) {
            Files.writeString(p, script);
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return bin;
    }

    private static Process startPortd(Path dir, int offset) throws IOException {
        Path out = dir.resolve(".portd.out");
        Process p = new ProcessBuilder(PortdProcess.java(), "-jar", PortdProcess.jar().toString(), "serve",
                "--port-offset", String.valueOf(offset), "--bind", "127.0.0.1,::1")
                .directory(dir.toFile()).redirectOutput(out.toFile()).redirectError(dir.resolve(".portd.err").toFile())
                .start();
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(out).contains("serving ") || !p.isAlive());
        assertThat(p.isAlive()).as("portd serve --port-offset " + offset + ":\n" + Files.readString(dir.resolve(".portd.err")))
                .isTrue();
        return p;
    }
}
