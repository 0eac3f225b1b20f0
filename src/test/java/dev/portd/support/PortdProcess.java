package dev.portd.support;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** {@code java -jar target/portd.jar ...} as a child process, for tests of the real command line. */
public final class PortdProcess implements AutoCloseable {
    private final Process process;
    private final Path out;
    private final Path err;

    private PortdProcess(Process process, Path out, Path err) {
        this.process = process;
        this.out = out;
        this.err = err;
    }

    /** The jar built by {@code mvn package}, as failsafe tells us. */
    public static Path jar() {
        return Path.of(System.getProperty("portd.jar", "target/portd.jar")).toAbsolutePath();
    }

    /** The repository root (where ./portd lives). */
    public static Path root() {
        return Path.of(System.getProperty("portd.root", ".")).toAbsolutePath();
    }

    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Starts {@code prefix... java -jar portd.jar args...}; prefix may run it as another user. */
    public static PortdProcess start(List<String> prefix, Path jar, String... args) throws IOException {
        List<String> command = new ArrayList<>(prefix);
        command.add(java());
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(List.of(args));
        return startCommand(command);
    }

    /** Starts {@code serve --config config}, waits until it serves, and returns it (ports from its table). */
    public static PortdProcess serve(Path config) throws IOException {
        PortdProcess p = start("serve", "--config", config.toString());
        p.awaitServing();
        return p;
    }

    public static PortdProcess start(String... args) throws IOException {
        return start(List.of(), jar(), args);
    }

    public static PortdProcess startCommand(List<String> command) throws IOException {
        Path dir = Files.createTempDirectory("portd-it");
        Path out = dir.resolve("stdout");
        Path err = dir.resolve("stderr");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        return new PortdProcess(p, out, err);
    }

    /** A copy of the jar that any user may read, for runs as {@code nobody}. */
    public static Path worldReadableJar() throws IOException {
        Path dir = Files.createTempDirectory("portd-jar");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path copy = dir.resolve("portd.jar");
        Files.copy(jar(), copy);
        Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-r--r--"));
        return copy;
    }

    /** Waits until portd says it is serving, and returns its stdout so far (the table). */
    public String awaitServing() {
        await().atMost(Duration.ofSeconds(60)).until(() -> out().contains("serving ") || !process.isAlive());
        if (!out().contains("serving ")) {
            throw new AssertionError("portd did not start: exit " + process.exitValue() + "\n" + err());
        }
        return out();
    }

    /** The exit code, waiting at most 60 s. */
    public int exitCode() throws InterruptedException {
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            throw new AssertionError("portd did not exit within 60 s\n" + err());
        }
        return process.exitValue();
    }

    /** The port the listener table shows for that service and protocol ({@code tcp} or {@code udp}). */
    public int port(String service, String protocol) {
        for (String line : out().split("\n")) {
            String[] cols = line.trim().split("\\s+");
            if (cols.length == 5 && cols[0].equals(service) && cols[2].equals(protocol) && cols[4].matches("\\d+")) {
                return Integer.parseInt(cols[4]);
            }
        }
        throw new IllegalArgumentException("no " + protocol + " listener for " + service + " in\n" + out());
    }

    public int tcpPort(String service) {
        return port(service, "tcp");
    }

    /** SIGKILL by PID, as an operator's {@code kill -9} would; waits until the process is gone. */
    public void kill9() throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-KILL", String.valueOf(process.pid())).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IOException("kill -KILL " + process.pid() + " failed");
        }
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new IOException("portd " + process.pid() + " survived SIGKILL");
        }
    }

    /** SIGTERM, as systemd and kill(1) send it. */
    public void terminate() {
        process.destroy();
    }

    public long pid() {
        return process.pid();
    }

    public String out() {
        return read(out);
    }

    public String err() {
        return read(err);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }

    /** Stops it with SIGTERM (it drains and exits), or SIGKILL when it has not exited within 15 s. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
