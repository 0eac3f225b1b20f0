package dev.portd.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a command to completion, with a time limit, and returns its exit code and output. */
public final class Shell {
    private Shell() {
    }

    public record Result(int code, String out) {
    }

    public static Result run(Duration limit, List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        byte[][] out = new byte[1][];
        Thread reader = new Thread(() -> {
            try {
                out[0] = p.getInputStream().readAllBytes();
            } catch (IOException e) {
                out[0] = new byte[0];
            }
        });
        reader.start();
        if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            reader.join(5_000);
            throw new AssertionError("timed out after " + limit + ": " + command + "\n"
                    + (out[0] == null ? "" : new String(out[0], StandardCharsets.UTF_8)));
        }
        reader.join(5_000);
        return new Result(p.exitValue(), new String(out[0], StandardCharsets.UTF_8));
    }

    public static Result bash(Duration limit, String script) throws IOException, InterruptedException {
        return run(limit, List.of("bash", "-c", script));
    }

    /** Whether a program is on the PATH. */
    public static boolean has(String program) {
        try {
            return run(Duration.ofSeconds(10), List.of("bash", "-c", "command -v " + program)).code() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    public static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}
