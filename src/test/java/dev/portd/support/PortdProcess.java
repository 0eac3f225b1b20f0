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

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
