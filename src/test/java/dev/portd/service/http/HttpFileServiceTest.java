package dev.portd.service.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.portd.host.Host;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HttpFileServiceTest {
    @TempDir
    Path dir;
    Path root;
    byte[] big;

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void files() throws IOException {
        root = Files.createDirectories(dir.resolve("www"));
        Files.writeString(root.resolve("hello.txt"), "hello, world\n");
        Files.setLastModifiedTime(root.resolve("hello.txt"), FileTime.from(Instant.parse("2024-01-02T03:04:05Z")));
        Files.createDirectories(root.resolve("site"));
        Files.writeString(root.resolve("site/index.html"), "<h1>site</h1>");
        Files.createDirectories(root.resolve("files"));
        Files.writeString(root.resolve("files/<b>&\"x'.txt"), "x");
        Files.createDirectories(root.resolve("files/sub"));
        Files.writeString(root.resolve("app.js"), "console.log('x');\n".repeat(200));
        big = new byte[3 * 1024 * 1024 + 17];   // past the memory cache: sent from disk
        new Random(7).nextBytes(big);
        Files.write(root.resolve("big.bin"), big);
        Files.writeString(dir.resolve("secret.txt"), "secret");
        Files.createSymbolicLink(root.resolve("escape.txt"), dir.resolve("secret.txt"));
        Files.createSymbolicLink(root.resolve("inside.txt"), root.resolve("hello.txt"));
    }

    private Host start() {
        return HttpTestHosts.start(Map.of("root", root.toString()));
    }

    private HttpResponse<byte[]> get(Host host, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + host.tcpPort("http") + path));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void servesFileWithTypeLengthAndValidators() throws Exception {
        try (Host host = start()) {
            HttpResponse<byte[]> r = get(host, "/hello.txt");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("hello, world\n");
            assertThat(r.headers().firstValue("content-type")).hasValue("text/plain; charset=utf-8");
            assertThat(r.headers().firstValue("content-length")).hasValue("13");
            assertThat(r.headers().firstValue("last-modified")).hasValue("Tue, 02 Jan 2024 03:04:05 GMT");
            assertThat(r.headers().firstValue("etag")).hasValue("\"" + Long.toHexString(1704164645L) + "-d\"");
            assertThat(r.headers().firstValue("accept-ranges")).hasValue("bytes");
            assertThat(r.headers().firstValue("date")).isPresent();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "nio"})
    void sendsLargeFileWholeFromDisk(String transport) throws Exception {
        try (Host host = HttpTestHosts.start(Map.of("root", root.toString()), transport)) {
            HttpResponse<byte[]> r = get(host, "/big.bin");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("content-type")).hasValue("application/octet-stream");
            assertThat(r.headers().firstValue("transfer-encoding")).isEmpty();
            assertThat(Arrays.equals(r.body(), big)).isTrue();
        }
    }

    @Test
    void sendsLargeFileWholeOverIoUring() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(io.netty.channel.uring.IoUring.isAvailable(),
                "io_uring is not available on this kernel");
        sendsLargeFileWholeFromDisk("io_uring");
    }

    @Test
    void headSendsHeadersWithoutBody() throws Exception {
        try (Host host = start(); RawHttp c = new RawHttp(host.tcpPort("http"))) {
            c.send("HEAD /big.bin HTTP/1.1\r\nHost: x\r\n\r\nGET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttp.Response head = c.read(true);
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.header("content-length")).isEqualTo(Integer.toString(big.length));
            RawHttp.Response next = c.read();   // the body of HEAD was not sent: the next response follows at once
            assertThat(next.text()).isEqualTo("hello, world\n");
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        try (Host host = start(); RawHttp c = new RawHttp(host.tcpPort("http"))) {
            // the first needs the disk (not cached yet), the others may be answered from memory
            c.send("GET /big.bin HTTP/1.1\r\nHost: x\r\nRange: bytes=0-3\r\n\r\n"
                    + "GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /missing HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /site/ HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttp.Response a = c.read();
            assertThat(a.status()).isEqualTo(206);
            assertThat(a.body()).containsExactly(Arrays.copyOf(big, 4));
            assertThat(c.read().text()).isEqualTo("hello, world\n");
            assertThat(c.read().status()).isEqualTo(404);
            assertThat(c.read().text()).isEqualTo("<h1>site</h1>");
        }
    }

    @Test
    void clientThatHalfClosesStillGetsEveryAnswer() throws Exception {
        try (Host host = start(); RawHttp c = new RawHttp(host.tcpPort("http"))) {
            c.send("GET /site/ HTTP/1.1\r\nHost: x\r\n\r\nGET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /files/ HTTP/1.1\r\nHost: x\r\n\r\n");
            c.socket.shutdownOutput();   // as printf ... | nc -N does
            assertThat(c.read().text()).isEqualTo("<h1>site</h1>");
            assertThat(c.read().text()).isEqualTo("hello, world\n");
            assertThat(c.read().text()).contains("Index of /files/");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void http10ClosesUnlessKeepAliveAsked() throws Exception {
        try (Host host = start()) {
            try (RawHttp c = new RawHttp(host.tcpPort("http"))) {
                c.send("GET /hello.txt HTTP/1.0\r\n\r\n");
                RawHttp.Response r = c.read();
                assertThat(r.header("connection")).isEqualTo("close");
                assertThat(c.closedByServer()).isTrue();
            }
            try (RawHttp c = new RawHttp(host.tcpPort("http"))) {
                c.send("GET /hello.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
                assertThat(c.read().header("connection")).isEqualTo("keep-alive");
                c.send("GET /hello.txt HTTP/1.0\r\n\r\n");
                assertThat(c.read().status()).isEqualTo(200);
            }
        }
    }

    @Test
    void otherMethodsGet405WithAllowAndUnknownOnes501() throws Exception {
        try (Host host = start(); RawHttp c = new RawHttp(host.tcpPort("http"))) {
            c.send("POST /hello.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc");
            RawHttp.Response post = c.read();
            assertThat(post.status()).isEqualTo(405);
            assertThat(post.header("allow")).isEqualTo("GET, HEAD");
            c.send("BREW /pot HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(c.read().status()).isEqualTo(501);
        }
    }

    @Test
    void conditionalRequestsGet304() throws Exception {
        try (Host host = start()) {
            String etag = get(host, "/hello.txt").headers().firstValue("etag").orElseThrow();
            HttpResponse<byte[]> byTag = get(host, "/hello.txt", "If-None-Match", "\"nope\", " + etag);
            assertThat(byTag.statusCode()).isEqualTo(304);
            assertThat(byTag.body()).isEmpty();
            assertThat(byTag.headers().firstValue("etag")).hasValue(etag);
            assertThat(get(host, "/hello.txt", "If-None-Match", "W/" + etag).statusCode()).isEqualTo(304);
            assertThat(get(host, "/hello.txt", "If-Modified-Since", "Tue, 02 Jan 2024 03:04:05 GMT").statusCode()).isEqualTo(304);
            assertThat(get(host, "/hello.txt", "If-Modified-Since", "Tue, 02 Jan 2024 03:04:04 GMT").statusCode()).isEqualTo(200);
            // If-None-Match wins over If-Modified-Since (RFC 9110 13.1.3)
            assertThat(get(host, "/hello.txt", "If-None-Match", "\"other\"", "If-Modified-Since",
                    "Tue, 02 Jan 2024 03:04:05 GMT").statusCode()).isEqualTo(200);
            assertThat(get(host, "/hello.txt", "If-Match", "\"other\"").statusCode()).isEqualTo(412);
        }
    }

    @Test
    void singleRangesGet206AndUnsatisfiable416() throws Exception {
        try (Host host = start()) {
            HttpResponse<byte[]> r = get(host, "/hello.txt", "Range", "bytes=7-11");
            assertThat(r.statusCode()).isEqualTo(206);
            assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("world");
            assertThat(r.headers().firstValue("content-range")).hasValue("bytes 7-11/13");
            HttpResponse<byte[]> suffix = get(host, "/big.bin", "Range", "bytes=-5");
            assertThat(suffix.body()).containsExactly(Arrays.copyOfRange(big, big.length - 5, big.length));
            assertThat(suffix.headers().firstValue("content-range")).hasValue("bytes " + (big.length - 5) + "-"
                    + (big.length - 1) + "/" + big.length);
            HttpResponse<byte[]> open = get(host, "/big.bin", "Range", "bytes=" + (big.length - 3) + "-");
            assertThat(open.body()).containsExactly(Arrays.copyOfRange(big, big.length - 3, big.length));
            HttpResponse<byte[]> past = get(host, "/hello.txt", "Range", "bytes=13-20");
            assertThat(past.statusCode()).isEqualTo(416);
            assertThat(past.headers().firstValue("content-range")).hasValue("bytes */13");
            assertThat(get(host, "/hello.txt", "Range", "bytes=0-1,3-4").statusCode()).isEqualTo(200);
            String etag = get(host, "/hello.txt").headers().firstValue("etag").orElseThrow();
            assertThat(get(host, "/hello.txt", "Range", "bytes=0-4", "If-Range", etag).statusCode()).isEqualTo(206);
            assertThat(get(host, "/hello.txt", "Range", "bytes=0-4", "If-Range", "\"old\"").statusCode()).isEqualTo(200);
            assertThat(get(host, "/hello.txt", "Range", "bytes=0-4", "If-Range", "Tue, 02 Jan 2024 03:04:05 GMT")
                    .statusCode()).isEqualTo(206);
        }
    }

    @Test
    void directoriesGetIndexRedirectOrEscapedListing() throws Exception {
        try (Host host = start()) {
            HttpResponse<byte[]> redirect = get(host, "/site?x=1");
            assertThat(redirect.statusCode()).isEqualTo(301);
            assertThat(redirect.headers().firstValue("location")).hasValue("/site/?x=1");
            assertThat(new String(get(host, "/site/").body(), StandardCharsets.UTF_8)).isEqualTo("<h1>site</h1>");
            HttpResponse<byte[]> listing = get(host, "/files/");
            String html = new String(listing.body(), StandardCharsets.UTF_8);
            assertThat(listing.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
            assertThat(html).contains("<a href=\"./%3Cb%3E%26%22x%27.txt\">&lt;b&gt;&amp;&quot;x&#39;.txt</a>")
                    .doesNotContain("<b>&")
                    .contains("<a href=\"../\">");
            assertThat(html.indexOf("sub/")).isLessThan(html.indexOf("x&#39;.txt"));   // directories first
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/secret.txt", "/files/..%2f..%2fsecret.txt",
            "/files/%2e%2e%2f%2e%2e%2fsecret.txt", "/..%5csecret.txt", "/files\\..\\..\\secret.txt", "/escape.txt"})
    void nothingOutsideTheRootIsServed(String target) throws Exception {
        try (Host host = start(); RawHttp c = new RawHttp(host.tcpPort("http"))) {
            c.send("GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttp.Response r = c.read();
            assertThat(r.status()).isIn(403, 404);
            assertThat(r.text()).doesNotContain("secret");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/hello.txt%00", "/%00/../secret.txt", "/%zz", "/%c0%ae%c0%ae/secret.txt"})
    void malformedTargetsAre400(String target) throws Exception {
        try (Host host = start(); RawHttp c = new RawHttp(host.tcpPort("http"))) {
            c.send("GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(c.read().status()).isEqualTo(400);
        }
    }

    @Test
    void symlinkInsideTheRootIsServed() throws Exception {
        try (Host host = start()) {
            assertThat(new String(get(host, "/inside.txt").body(), StandardCharsets.UTF_8)).isEqualTo("hello, world\n");
        }
    }

    @Test
    void requestLimitsGetTheirStatusesAndClose() throws Exception {
        try (Host host = HttpTestHosts.start(Map.of("root", root.toString(), "max_line_bytes", 100L,
                "max_header_bytes", 200L, "max_headers", 5L, "max_body_bytes", 10L))) {
            int port = host.tcpPort("http");
            assertStatusThenClose(port, "GET /" + "a".repeat(200) + " HTTP/1.1\r\nHost: x\r\n\r\n", 414);
            assertStatusThenClose(port, "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(300) + "\r\n\r\n", 431);
            assertStatusThenClose(port, "GET / HTTP/1.1\r\nHost: x\r\nA: 1\r\nB: 1\r\nC: 1\r\nD: 1\r\nE: 1\r\n\r\n", 431);
            assertStatusThenClose(port, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\n", 413);
            assertStatusThenClose(port, "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "8\r\n12345678\r\n8\r\n12345678\r\n0\r\n\r\n", 413);
            assertStatusThenClose(port, "GET / HTTP/1.1\r\n\r\n", 400);
            assertStatusThenClose(port, "GARBAGE\r\n\r\n", 400);
        }
    }

    private static void assertStatusThenClose(int port, String request, int status) throws IOException {
        try (RawHttp c = new RawHttp(port)) {
            c.send(request);
            RawHttp.Response r = c.read();
            assertThat(r.status()).as(request).isEqualTo(status);
            assertThat(r.header("connection")).isEqualTo("close");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void slowRequestIsCutOffAtItsDeadline() throws Exception {
        try (Host host = HttpTestHosts.start(Map.of("root", root.toString(), "request_timeout", Duration.ofMillis(300)));
             RawHttp c = new RawHttp(host.tcpPort("http"))) {
            long start = System.nanoTime();
            c.send("GET /hello.txt HTTP/1.1\r\n");
            for (int i = 0; i < 20 && !c.socket.isClosed(); i++) {   // slowloris: a header line now and then
                try {
                    c.send("X-" + i + ": y\r\n");
                } catch (IOException e) {
                    break;
                }
                await().pollDelay(Duration.ofMillis(50)).until(() -> true);
            }
            assertThat(c.read().status()).isEqualTo(408);
            assertThat(c.closedByServer()).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void startedRequestThatStallsGets408ThenClose() throws Exception {
        try (Host host = HttpTestHosts.start(Map.of("root", root.toString(), "request_timeout", Duration.ofMillis(300)));
             RawHttp c = new RawHttp(host.tcpPort("http"))) {
            c.send("GET /hello.txt HTTP/1.1\r\nHost: x\r\n");   // the blank line never comes
            RawHttp.Response r = c.read();
            assertThat(r.statusLine()).isEqualTo("HTTP/1.1 408 Request Timeout");
            assertThat(r.header("connection")).isEqualTo("close");
            assertThat(r.text()).isEqualTo("408 Request Timeout\n");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void connectionThatSendsNothingIsClosedWithoutAWord() throws Exception {
        try (Host host = HttpTestHosts.start(Map.of("root", root.toString(), "keepalive_timeout", Duration.ofMillis(300)));
             RawHttp c = new RawHttp(host.tcpPort("http"))) {
            assertThat(c.socket.getInputStream().readAllBytes()).isEmpty();
        }
    }

    @Test
    void idleKeptAliveConnectionIsClosed() throws Exception {
        try (Host host = HttpTestHosts.start(Map.of("root", root.toString(), "keepalive_timeout", Duration.ofMillis(300)));
             RawHttp c = new RawHttp(host.tcpPort("http"))) {
            c.send("GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(c.read().status()).isEqualTo(200);
            long start = System.nanoTime();
            assertThat(c.closedByServer()).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(200), Duration.ofSeconds(5));
        }
    }

    @Test
    void gzipForCompressibleTypesWhenAccepted() throws Exception {
        try (Host host = start()) {
            HttpResponse<byte[]> r = get(host, "/app.js", "Accept-Encoding", "br;q=1, gzip;q=0.5");
            assertThat(r.headers().firstValue("content-encoding")).hasValue("gzip");
            assertThat(r.headers().firstValue("vary")).hasValueSatisfying(v -> assertThat(v).isEqualToIgnoringCase("accept-encoding"));
            byte[] plain = new GZIPInputStream(new ByteArrayInputStream(r.body())).readAllBytes();
            assertThat(new String(plain, StandardCharsets.UTF_8)).isEqualTo("console.log('x');\n".repeat(200));
            assertThat(r.body().length).isLessThan(plain.length / 4);
            assertThat(get(host, "/app.js", "Accept-Encoding", "gzip;q=0").headers().firstValue("content-encoding")).isEmpty();
            assertThat(get(host, "/big.bin", "Accept-Encoding", "gzip").headers().firstValue("content-encoding")).isEmpty();
            String gzTag = r.headers().firstValue("etag").orElseThrow();
            assertThat(get(host, "/app.js", "Accept-Encoding", "gzip", "If-None-Match", gzTag).statusCode()).isEqualTo(304);
        }
    }

    @Test
    void welcomePageWhileRootDoesNotExist() throws Exception {
        try (Host host = HttpTestHosts.start(Map.of("root", dir.resolve("nothing-here").toString()))) {
            HttpResponse<byte[]> r = get(host, "/");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(new String(r.body(), StandardCharsets.UTF_8)).contains("portd is serving HTTP");
            assertThat(get(host, "/other").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void changedFileIsServedNewWithinASecond() throws Exception {
        try (Host host = start()) {
            assertThat(new String(get(host, "/hello.txt").body(), StandardCharsets.UTF_8)).startsWith("hello");
            Files.writeString(root.resolve("hello.txt"), "changed");
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(new String(get(host, "/hello.txt").body(), StandardCharsets.UTF_8)).isEqualTo("changed"));
        }
    }

    @Test
    void accessLogWritesCombinedFormat() throws Exception {
        Path log = dir.resolve("access.log");
        try (Host host = HttpTestHosts.start(Map.of("root", root.toString(), "access_log", log.toString()))) {
            get(host, "/hello.txt", "User-Agent", "tester/1 \"quoted\"", "Referer", "http://r/");
        }
        assertThat(Files.readAllLines(log)).singleElement().asString()
                .matches("127\\.0\\.0\\.1 - - \\[\\d{2}/\\w{3}/\\d{4}:\\d{2}:\\d{2}:\\d{2} [+-]\\d{4}] "
                        + "\"GET /hello.txt HTTP/1.1\" 200 13 \"http://r/\" \"tester/1 \\\\\"quoted\\\\\"\"");
    }

    @Test
    void unusableLimitsAreConfigErrorsNamingTheKey() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> HttpTestHosts.start(Map.of("root", root.toString(),
                        "max_line_bytes", 0L, "max_body_bytes", -1L, "request_timeout", Duration.ZERO)))
                .hasMessageContaining("services.http.max_line_bytes = 0: must be a size 1..16MiB in bytes")
                .hasMessageContaining("services.http.max_body_bytes = -1: must be a size 0..1TiB in bytes")
                .hasMessageContaining("services.http.request_timeout = \"0ms\": must be a duration 1ms..24h");
    }

    @Test
    void rootThatIsAFileIsAConfigError() throws Exception {
        Path file = dir.resolve("file");
        Files.writeString(file, "x");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> HttpTestHosts.start(Map.of("root", file.toString())))
                .hasMessageContaining("services.http.root = \"" + file + "\": is not a directory; give a directory to serve");
    }
}
