package dev.portd.service.http;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -jar target/portd.jar serve -c CONFIG} as a child process: waits until it serves,
 * reads the bound ports from its listener table, and stops it with SIGTERM.
 */
final class PortdProcess implements AutoCloseable {
    private final Process process;
    private final Map<String, Integer> tcpPorts = new HashMap<>();

    PortdProcess(Path config) throws IOException {
        String jar = System.getProperty("portd.jar", "target/portd.jar");
        if (!Files.exists(Path.of(jar))) {
            throw new IllegalStateException(jar + " is missing: run mvn verify, which builds it first");
        }
        process = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar, "serve", "-c", config.toString()))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (String line = out.readLine(); line != null && System.nanoTime() < deadline; line = out.readLine()) {
            String[] cols = line.trim().split("\\s+");
            if (cols.length == 5 && cols[2].equals("tcp")) {
                tcpPorts.put(cols[0], Integer.parseInt(cols[4]));
            }
            if (line.startsWith("serving ")) {
                Thread drain = new Thread(() -> out.lines().forEach(l -> { }), "portd-stdout");
                drain.setDaemon(true);
                drain.start();
                return;
            }
        }
        process.destroyForcibly();
        throw new IllegalStateException("portd did not start with " + config);
    }

    int tcpPort(String service) {
        Integer port = tcpPorts.get(service);
        if (port == null) {
            throw new IllegalArgumentException("no tcp listener for " + service + " in " + tcpPorts);
        }
        return port;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();   // SIGTERM: portd drains and exits 0
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    /** Runs a command to its end (at most 30 s) and returns its exit code and standard output and error. */
    static String[] run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).start();
        byte[][] streams = new byte[2][];
        Thread err = new Thread(() -> {
            try {
                streams[1] = p.getErrorStream().readAllBytes();
            } catch (IOException e) {
                streams[1] = new byte[0];
            }
        });
        err.start();
        streams[0] = p.getInputStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("timed out: " + String.join(" ", command));
        }
        err.join(5000);
        return new String[] {Integer.toString(p.exitValue()), new String(streams[0], StandardCharsets.ISO_8859_1),
                new String(streams[1], StandardCharsets.ISO_8859_1)};
    }

    static boolean installed(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
