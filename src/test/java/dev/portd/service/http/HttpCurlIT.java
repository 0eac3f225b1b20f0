package dev.portd.service.http;

import dev.portd.support.PortdProcess;
import dev.portd.support.Shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The http service of a real {@code portd serve} against curl. */
class HttpCurlIT {
    @TempDir
    static Path dir;
    static PortdProcess portd;
    static String base;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Shell.has("curl"), "curl is not installed (apt-get install -y curl)");
        Path root = Files.createDirectories(dir.resolve("www"));
        Files.writeString(root.resolve("hello.txt"), "hello, world\n");
        Files.setLastModifiedTime(root.resolve("hello.txt"), FileTime.from(Instant.parse("2024-01-02T03:04:05Z")));
        Files.writeString(dir.resolve("secret.txt"), "secret");
        Path config = dir.resolve("portd.toml");
        Files.writeString(config, "[host]\nbind = \"127.0.0.1\"\ngrace = \"200ms\"\n"
                + "[services.http]\nport = 0\nroot = \"" + root + "\"\n");
        portd = PortdProcess.serve(config);
        base = "http://127.0.0.1:" + portd.tcpPort("http");
    }

    @AfterAll
    static void stop() throws Exception {
        if (portd != null) {
            portd.close();
        }
    }

    private static String[] curl(String... args) throws Exception {
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of("curl", "-sS", "--max-time", "20"));
        command.addAll(java.util.List.of(args));
        return run(command.toArray(new String[0]));
    }

    private static String status(String... args) throws Exception {
        String[] all = new String[args.length + 4];
        all[0] = "-o";
        all[1] = "/dev/null";
        all[2] = "-w";
        all[3] = "%{http_code}";
        System.arraycopy(args, 0, all, 4, args.length);
        return curl(all)[1];
    }

    @Test
    void rangesGive206And416() throws Exception {
        String[] r = curl("-D", "-", "-r", "7-11", base + "/hello.txt");
        assertThat(r[1]).startsWith("HTTP/1.1 206 Partial Content\r\n").contains("content-range: bytes 7-11/13\r\n")
                .endsWith("\r\n\r\nworld");
        assertThat(curl("-r", "-6", base + "/hello.txt")[1]).isEqualTo("world\n");
        String[] past = curl("-D", "-", "-o", "/dev/null", "-r", "100-200", base + "/hello.txt");
        assertThat(past[1]).startsWith("HTTP/1.1 416 ").contains("content-range: bytes */13\r\n");
    }

    @Test
    void conditionalRequestsGive304() throws Exception {
        String head = curl("-sI", base + "/hello.txt")[1];
        String etag = head.lines().filter(l -> l.startsWith("etag: ")).findFirst().orElseThrow().substring(6);
        assertThat(status("-H", "If-None-Match: " + etag, base + "/hello.txt")).isEqualTo("304");
        assertThat(status("-z", "Tue, 02 Jan 2024 03:04:05 GMT", base + "/hello.txt")).isEqualTo("304");
        assertThat(status("-z", "Mon, 01 Jan 2024 00:00:00 GMT", base + "/hello.txt")).isEqualTo("200");
    }

    @Test
    void headGivesHeadersOnly() throws Exception {
        String[] r = curl("-I", base + "/hello.txt");
        assertThat(r[1]).startsWith("HTTP/1.1 200 OK\r\n").contains("content-length: 13\r\n")
                .contains("last-modified: Tue, 02 Jan 2024 03:04:05 GMT\r\n").endsWith("\r\n\r\n");
    }

    @Test
    void keepAliveReusesTheConnection() throws Exception {
        String[] r = curl("-v", "-o", "/dev/null", "-o", "/dev/null", base + "/hello.txt", base + "/hello.txt");
        assertThat(r[2]).containsPattern("Re-?using existing connection");
        assertThat(r[2].split("Connected to ", -1)).hasSize(2);   // one connection for both
    }

    @Test
    void traversalAttemptsNeverLeaveTheRoot() throws Exception {
        for (String path : new String[] {"/../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt", "/..%5csecret.txt",
                "/..\\secret.txt", "/%2e%2e%2f%2e%2e%2fsecret.txt"}) {
            String[] r = curl("--path-as-is", "-w", "\n%{http_code}", base + path);
            assertThat(r[1]).as(path).doesNotContain("secret").matches("(?s).*\n(403|404)");
        }
        assertThat(status("--path-as-is", base + "/hello.txt%00")).isEqualTo("400");
    }

    /** Runs a command to its end (at most 30 s) and returns its exit code and standard output and error. */
    private static String[] run(String... command) throws IOException, InterruptedException {
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
}
