package dev.portd.service.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.portd.host.Host;
import dev.portd.support.Shell;
import dev.portd.support.TestHosts;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A forward to a server nobody here wrote: Debian's nginx serving files, reached through portd's
 * relay by curl: a large file byte for byte, two requests on one kept-alive connection, eight
 * transfers at once. (portd's own echo behind a forward takes {@code portd load}: ForwardServiceTest.) nginx binds a port picked free a moment before; should another
 * process take it meanwhile, nginx exits and the test picks again (at most three times).
 */
class ForwardNginxIT {
    @TempDir
    Path dir;

    private Process nginx;

    @AfterEach
    void stopNginx() throws Exception {
        if (nginx != null) {
            nginx.destroy();   // SIGTERM to its PID: nginx's fast shutdown
            nginx.waitFor();
        }
    }

    /** Starts nginx in the foreground, without a master, on a free port; returns the port. */
    private int startNginx(Path root) throws Exception {
        assertThat(Shell.has("nginx")).as("nginx is not installed (apt-get install -y nginx; .ci/run does)").isTrue();
        for (int attempt = 1; ; attempt++) {
            int port;
            try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = probe.getLocalPort();
            }
            Path conf = dir.resolve("nginx.conf");
            Files.writeString(conf, """
                    daemon off;
                    master_process off;
                    pid %1$s/nginx.pid;
                    error_log %1$s/error.log;
                    events { worker_connections 256; }
                    http {
                        access_log off;
                        client_body_temp_path %1$s/body;
                        proxy_temp_path %1$s/proxy;
                        fastcgi_temp_path %1$s/fastcgi;
                        uwsgi_temp_path %1$s/uwsgi;
                        scgi_temp_path %1$s/scgi;
                        sendfile on;
                        server { listen 127.0.0.1:%2$d; root %3$s; }
                    }
                    """.formatted(dir, port, root));
            nginx = new ProcessBuilder("nginx", "-p", dir.toString(), "-c", conf.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("nginx.out").toFile()).start();
            Process started = nginx;
            await().atMost(Duration.ofSeconds(15)).until(() -> !started.isAlive() || accepts(port));
            if (started.isAlive()) {
                return port;
            }
            nginx = null;
            if (attempt == 3) {
                throw new AssertionError("nginx did not start: " + Files.readString(dir.resolve("error.log")));
            }
        }
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void curlAndLoadReachNginxThroughTheRelay() throws Exception {
        Path root = Files.createDirectory(dir.resolve("www"));
        byte[] blob = new byte[3_000_000];
        new Random(12).nextBytes(blob);
        Files.write(root.resolve("blob.bin"), blob);
        Files.writeString(root.resolve("small.txt"), "through the relay\n");
        int nginxPort = startNginx(root);

        try (Host front = TestHosts.start("[services.fwd]\nkind = \"forward\"\nport = 0\nto = \"127.0.0.1:"
                + nginxPort + "\"\n")) {
            String base = "http://127.0.0.1:" + front.tcpPort("fwd");
            Path got = dir.resolve("got.bin");
            Path small = dir.resolve("small.out");
            // two requests, one connection: curl keeps it alive; %{num_connects} counts the connects
            Shell.Result r = Shell.run(Duration.ofSeconds(60), List.of("curl", "-sS", "--fail",
                    "-o", got.toString(), base + "/blob.bin", "-o", small.toString(), base + "/small.txt",
                    "-w", "%{http_code} %{num_connects}\\n"));
            assertThat(r.code()).as(r.out()).isZero();
            assertThat(r.out().lines().toList()).containsExactly("200 1", "200 0");
            assertThat(Files.readAllBytes(got)).isEqualTo(blob);
            assertThat(Files.readString(small)).isEqualTo("through the relay\n");

            // eight at once (curl --parallel): eight relayed connections, each file whole
            List<String> parallel = new java.util.ArrayList<>(List.of("curl", "-sS", "--fail", "-Z",
                    "--parallel-max", "8"));
            for (int i = 0; i < 8; i++) {
                parallel.addAll(List.of("-o", dir.resolve("p" + i).toString(), base + "/blob.bin"));
            }
            Shell.Result p = Shell.run(Duration.ofSeconds(60), parallel);
            assertThat(p.code()).as(p.out()).isZero();
            for (int i = 0; i < 8; i++) {
                assertThat(Files.readAllBytes(dir.resolve("p" + i))).as("copy " + i).isEqualTo(blob);
            }

            var figures = front.servicesOf(ForwardService.class).get(0).figures();
            assertThat(figures.get("bytes_from_upstream")).isGreaterThan(9L * blob.length);
            assertThat(figures.get("connect_failed")).isZero();
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    front.servicesOf(ForwardService.class).get(0).figures().get("upstream_open") == 0);
        }
    }
}
