package dev.portd.service.smtp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** {@code java -jar target/portd.jar serve} as a separate process, with a config on port 0. */
final class PortdProcess implements AutoCloseable {
    private final Process process;
    private final int port;

    private PortdProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts portd with one smtp service storing into {@code maildir}; {@code extra} are TOML lines. */
    static PortdProcess smtp(Path dir, Path maildir, String... extra) throws IOException {
        String jar = System.getProperty("portd.jar", "target/portd.jar");
        Path config = dir.resolve("portd.toml");
        StringBuilder toml = new StringBuilder("[services.smtp]\nport = 0\nprotocols = [\"tcp\"]\nbind = [\"127.0.0.1\"]\n"
                + "hostname = \"mx.test\"\nmaildir = \"" + maildir + "\"\n");
        for (String line : extra) {
            toml.append(line).append('\n');
        }
        Files.writeString(config, toml);
        Process p = new ProcessBuilder("java", "-jar", jar, "serve", "-c", config.toString())
                .redirectError(dir.resolve("portd.err").toFile())
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        for (int i = 0; i < 20; i++) {   // the table: SERVICE KIND PROTO ADDRESS PORT
            String line = out.readLine();
            if (line == null) {
                break;
            }
            String[] cols = line.trim().split("\\s+");
            if (cols.length == 5 && cols[0].equals("smtp") && cols[4].matches("\\d+")) {
                Thread drain = new Thread(() -> out.lines().forEach(l -> { }), "portd-stdout");
                drain.setDaemon(true);
                drain.start();
                return new PortdProcess(p, Integer.parseInt(cols[4]));
            }
        }
        p.destroyForcibly();
        throw new IOException("portd did not start: " + Files.readString(dir.resolve("portd.err")));
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    /** SIGKILL by PID, as an operator's {@code kill -9} would; waits until the process is gone. */
    void kill9() throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-KILL", String.valueOf(process.pid())).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IOException("kill -KILL " + process.pid() + " failed");
        }
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new IOException("portd " + process.pid() + " survived SIGKILL");
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();   // SIGTERM: drains
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
