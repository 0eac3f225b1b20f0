package dev.portd.service.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portd.host.Host;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DashboardServiceTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static Host start() {
        return HttpTestHosts.start("[services.echo]\n[services.dashboard]");
    }

    private HttpResponse<String> get(Host host, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + host.tcpPort("dashboard") + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode service(Host host, String name) throws Exception {
        for (JsonNode s : JSON.readTree(get(host, "/api/services").body()).path("services")) {
            if (s.path("name").asText().equals(name)) {
                return s;
            }
        }
        throw new AssertionError("no service " + name);
    }

    @Test
    void servicesJsonListsEveryServiceWithItsListenersAndHost() throws Exception {
        try (Host host = start()) {
            HttpResponse<String> r = get(host, "/api/services");
            assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
            JsonNode root = JSON.readTree(r.body());
            assertThat(root.path("host").path("transport").asText()).isEqualTo(host.transport());
            assertThat(root.path("host").path("uptimeSeconds").asLong()).isGreaterThanOrEqualTo(0);
            assertThat(root.path("services").findValuesAsText("name")).contains("echo", "dashboard");
            JsonNode echo = service(host, "echo");
            assertThat(echo.path("listeners").findValuesAsText("protocol")).containsExactlyInAnyOrder("tcp", "udp");
            assertThat(echo.path("listeners").get(0).path("port").asInt()).isEqualTo(host.tcpPort("echo"));
            assertThat(echo.path("listeners").get(0).path("address").asText()).isEqualTo("127.0.0.1");
            assertThat(root.path("mail").asBoolean()).isFalse();
        }
    }

    @Test
    void echoConnectionShowsInJsonAndMetrics() throws Exception {
        try (Host host = start();
             Socket s = new Socket(InetAddress.getLoopbackAddress(), host.tcpPort("echo"))) {
            s.getOutputStream().write("ping\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(s.getInputStream().readNBytes(5)).isEqualTo("ping\n".getBytes(StandardCharsets.US_ASCII));
            JsonNode echo = service(host, "echo");
            assertThat(echo.path("openConnections").asLong()).isEqualTo(1);
            assertThat(echo.path("totalConnections").asLong()).isEqualTo(1);
            assertThat(echo.path("bytesIn").asLong()).isEqualTo(5);
            assertThat(echo.path("bytesOut").asLong()).isEqualTo(5);
            HttpResponse<String> metrics = get(host, "/metrics");
            assertThat(metrics.headers().firstValue("content-type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
            assertThat(metrics.body())
                    .contains("portd_connections_total{kind=\"echo\",service=\"echo\"} 1.0")
                    .contains("portd_connections_open{kind=\"echo\",service=\"echo\"} 1.0")
                    .contains("portd_bytes_in_total{kind=\"echo\",service=\"echo\"} 5.0")
                    .contains("portd_listener_info{address=\"127.0.0.1\",kind=\"echo\",port=\"" + host.tcpPort("echo")
                            + "\",protocol=\"tcp\",service=\"echo\"} 1")
                    .contains("process_uptime_seconds");
        }
    }

    @Test
    void eventsStreamASnapshotEverySecond() throws Exception {
        try (Host host = start(); RawHttp c = new RawHttp(host.tcpPort("dashboard"))) {
            c.send("GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            RawHttp.Response head = c.read(true);
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.header("content-type")).isEqualTo("text/event-stream; charset=utf-8");
            assertThat(head.header("transfer-encoding")).isEqualTo("chunked");
            InputStream in = c.socket.getInputStream();
            StringBuilder seen = new StringBuilder();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (count(seen, "data: {\"host\"") < 2 && System.nanoTime() < deadline) {
                byte[] b = new byte[4096];
                int n = in.read(b);
                if (n < 0) {
                    break;
                }
                seen.append(new String(b, 0, n, StandardCharsets.UTF_8));
            }
            assertThat(count(seen, "data: {\"host\"")).isGreaterThanOrEqualTo(2);
            assertThat(seen).contains("retry: 3000\n").contains("\"name\":\"echo\"");
        }
    }

    @Test
    void requestPipelinedBehindAnEventStreamIsNotAnsweredInsideIt() throws Exception {
        try (Host host = start(); RawHttp c = new RawHttp(host.tcpPort("dashboard"))) {
            c.send("GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nGET /api/services HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            RawHttp.Response head = c.read(true);
            assertThat(head.header("content-type")).startsWith("text/event-stream");
            assertThat(head.header("connection")).isEqualTo("close");
            byte[] b = new byte[65536];
            StringBuilder seen = new StringBuilder();
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (count(seen, "data: ") < 2 && System.nanoTime() < deadline) {
                int n = c.socket.getInputStream().read(b);
                if (n < 0) {
                    break;
                }
                seen.append(new String(b, 0, n, StandardCharsets.UTF_8));
            }
            assertThat(count(seen, "data: ")).isEqualTo(2);
            assertThat(seen).doesNotContain("HTTP/1.1 200");
        }
    }

    private static int count(CharSequence text, String what) {
        int n = 0;
        for (int i = text.toString().indexOf(what); i >= 0; i = text.toString().indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void pageAndAssetsComeFromPortdOnly() throws Exception {
        try (Host host = start()) {
            HttpResponse<String> page = get(host, "/");
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
            assertThat(page.body()).contains("<table id=\"services\"").contains("/dashboard.js").contains("/dashboard.css");
            for (String asset : new String[] {"/", "/dashboard.js", "/dashboard-format.js", "/dashboard-charts.js",
                    "/dashboard-mail.js", "/dashboard.css", "/favicon.svg", "/uplot.js", "/uplot.css"}) {
                HttpResponse<String> r = get(host, asset);
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).as(asset).doesNotContainPattern("(src|href)=\"(https?:)?//").doesNotContain("url(http");
            }
            assertThat(get(host, "/nothing").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void foreignHostNameIsRefusedAgainstDnsRebinding() throws Exception {
        try (Host host = start(); RawHttp c = new RawHttp(host.tcpPort("dashboard"))) {
            c.send("GET /api/services HTTP/1.1\r\nHost: attacker.example:8111\r\n\r\n");
            assertThat(c.read().status()).isEqualTo(421);
            c.send("GET /api/services HTTP/1.1\r\nHost: localhost:8111\r\n\r\n");
            assertThat(c.read().status()).isEqualTo(200);
            c.send("GET /api/services HTTP/1.1\r\nHost: [::1]:8111\r\n\r\n");
            assertThat(c.read().status()).isEqualTo(200);
        }
    }

    @Test
    void writesAreRefusedAndMailIsAbsentWithoutSmtp() throws Exception {
        try (Host host = start(); RawHttp c = new RawHttp(host.tcpPort("dashboard"))) {
            c.send("POST /api/services HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n");
            RawHttp.Response post = c.read();
            assertThat(post.status()).isEqualTo(405);
            assertThat(post.header("allow")).isEqualTo("GET, HEAD");
            c.send("GET /api/messages HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            RawHttp.Response mail = c.read();
            assertThat(mail.status()).isEqualTo(404);
            assertThat(mail.text()).contains("no mail service is running");
        }
    }

    @Test
    void uplotIsServedFromItsWebjar() throws Exception {
        try (Host host = start()) {
            HttpResponse<String> js = get(host, "/uplot.js");
            assertThat(js.headers().firstValue("content-type")).hasValue("text/javascript; charset=utf-8");
            assertThat(js.body()).startsWith("/*! https://github.com/leeoniya/uPlot (v1.6.30)");
            assertThat(get(host, "/uplot.css").body()).contains(".uplot");
        }
    }

    @Test
    void historyCountsAnEchoConnectionAndItsBytes() throws Exception {
        try (Host host = start()) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), host.tcpPort("echo"))) {
                s.getOutputStream().write("ping\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(s.getInputStream().readNBytes(5)).hasSize(5);
            }
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                HttpResponse<String> r = get(host, "/api/history");
                assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
                JsonNode history = JSON.readTree(r.body());
                assertThat(sum(history.path("services").path("echo").path("connections"))).isEqualTo(1);
                assertThat(sum(history.path("services").path("echo").path("bytesIn"))).isEqualTo(5);
                assertThat(sum(history.path("services").path("echo").path("bytesOut"))).isEqualTo(5);
                assertThat(sum(history.path("host").path("bytesIn"))).isGreaterThanOrEqualTo(5);
                assertThat(history.path("t").size()).isEqualTo(history.path("services").path("echo").path("bytesIn").size());
                assertThat(history.path("periodSeconds").asInt()).isEqualTo(1);
            });
        }
    }

    @Test
    void eventsAndThePageCarryTheHistory() throws Exception {
        try (Host host = start()) {
            JsonNode recent = JSON.readTree(get(host, "/api/services").body()).path("recent");
            assertThat(recent.path("t").size()).isBetween(1, DashboardService.RECENT_SECONDS);
            assertThat(recent.path("services").path("echo").path("connections").size()).isEqualTo(recent.path("t").size());

            String page = get(host, "/").body();
            String open = "<script id=\"boot\" type=\"application/json\">";
            int from = page.indexOf(open) + open.length();
            JsonNode data = JSON.readTree(page.substring(from, page.indexOf("</script>", from)));
            assertThat(data.path("snapshot").path("services").findValuesAsText("name")).contains("echo", "dashboard");
            assertThat(data.path("history").path("services").path("echo").path("bytesIn").isArray()).isTrue();
        }
    }

    @Test
    void textWrittenIntoThePageCannotEndItsScript() {
        String json = new String(DashboardSnapshot.bytes(java.util.Map.of("subject", "</script><script>alert(1)&")),
                StandardCharsets.UTF_8);
        String inert = DashboardPage.inert(json);
        assertThat(inert).doesNotContain("<").doesNotContain(">").doesNotContain("&");
        assertThat(JSON.createObjectNode().put("subject", "</script><script>alert(1)&"))
                .isEqualTo(readTree(inert));
    }

    private static JsonNode readTree(String json) {
        try {
            return JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private static long sum(JsonNode values) {
        long n = 0;
        for (JsonNode v : values) {
            n += v.asLong();
        }
        return n;
    }
}
