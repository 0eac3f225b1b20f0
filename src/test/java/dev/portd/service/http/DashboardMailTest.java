package dev.portd.service.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portd.service.HostView;
import dev.portd.service.Mailbox;
import dev.portd.service.ServiceContext;
import dev.portd.service.ServiceOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The mail panel's API against a fake {@link Mailbox}, as the SMTP service will offer it. */
class DashboardMailTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ExecutorService blocking = Executors.newFixedThreadPool(2);
    private final FakeMailbox mailbox = new FakeMailbox()
            .add("1700000000.M1P2.host,S=321:2,", "First", "hello text", "<p>hi<script>alert(1)</script></p>")
            .add("m2", "Second <b>bold</b>", "second", null)
            .add("m3", "With files", "see attached", null, attached());
    private ServiceServer server;

    @BeforeEach
    void start() {
        HostView host = new HostView() {
            @Override public Instant startedAt() { return Instant.now(); }
            @Override public String transport() { return "nio"; }
            @Override public List<Listener> listeners() { return List.of(); }
            @Override public <T> List<T> servicesOf(Class<T> feature) {
                return feature == Mailbox.class ? List.of(feature.cast(mailbox)) : List.of();
            }
        };
        server = new ServiceServer(new DashboardService(
                new ServiceContext("dashboard", ServiceOptions.NONE, Clock.systemUTC(), blocking, host)));
    }

    @AfterEach
    void stop() {
        server.close();
        blocking.shutdownNow();
    }

    private HttpResponse<String> call(String method, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String id(String raw) {
        return java.net.URLEncoder.encode(raw, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Test
    void listsMessagesNewestFirstAndSaysMailIsThere() throws Exception {
        JsonNode list = JSON.readTree(call("GET", "/api/messages").body()).path("messages");
        assertThat(list.findValuesAsText("id")).containsExactly("m3", "m2", "1700000000.M1P2.host,S=321:2,");
        assertThat(list.get(1).path("subject").asText()).isEqualTo("Second <b>bold</b>");
        assertThat(list.get(1).path("to").get(0).asText()).isEqualTo("bob@example.org");
        assertThat(list.get(1).path("received").asText()).isEqualTo("2026-11-29T05:00:00Z");
        assertThat(JSON.readTree(call("GET", "/api/services").body()).path("mail").asBoolean()).isTrue();
    }

    @Test
    void opensOneMessageWithHeadersAndBodies() throws Exception {
        JsonNode m = JSON.readTree(call("GET", "/api/messages/" + id("1700000000.M1P2.host,S=321:2,")).body());
        assertThat(m.path("subject").asText()).isEqualTo("First");
        assertThat(m.path("headers").get(1).get(0).asText()).isEqualTo("Subject");
        assertThat(m.path("text").asText()).isEqualTo("hello text");
        assertThat(m.path("hasHtml").asBoolean()).isTrue();
        assertThat(call("GET", "/api/messages/nope").statusCode()).isEqualTo(404);
    }

    @Test
    void htmlBodyIsServedSandboxedWithoutScripts() throws Exception {
        HttpResponse<String> r = call("GET", "/api/messages/" + id("1700000000.M1P2.host,S=321:2,") + "/html");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-security-policy")).hasValueSatisfying(csp ->
                assertThat(csp).startsWith("sandbox;").contains("default-src 'none'").doesNotContain("allow-scripts"));
        assertThat(r.body()).isEqualTo("<p>hi<script>alert(1)</script></p>");
        assertThat(call("GET", "/api/messages/m2/html").statusCode()).isEqualTo(404);
    }

    @Test
    void rawDownloadIsTheStoredMessage() throws Exception {
        HttpResponse<String> r = call("GET", "/api/messages/m2/raw");
        assertThat(r.headers().firstValue("content-type")).hasValue("message/rfc822");
        assertThat(r.headers().firstValue("content-disposition")).hasValue("attachment; filename=\"m2.eml\"; filename*=UTF-8''m2.eml");
        assertThat(r.body()).isEqualTo("Subject: Second <b>bold</b>\r\n\r\nsecond");
    }

    @Test
    void deletesOneThenAll() throws Exception {
        assertThat(call("DELETE", "/api/messages/m2").statusCode()).isEqualTo(200);
        assertThat(call("DELETE", "/api/messages/m2").statusCode()).isEqualTo(404);
        assertThat(mailbox.messages()).hasSize(2);
        assertThat(JSON.readTree(call("DELETE", "/api/messages").body()).path("deleted").asInt()).isEqualTo(2);
        assertThat(mailbox.messages()).isEmpty();
        assertThat(call("POST", "/api/messages").statusCode()).isEqualTo(405);
    }

    private static java.util.Map<String, byte[]> attached() {
        java.util.Map<String, byte[]> files = new java.util.LinkedHashMap<>();
        files.put("report.pdf", "%PDF-1.4 tiny".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        files.put("../../.ssh/authorized_keys", "ssh-ed25519 AAAA".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        files.put("", new byte[] {1, 2, 3});
        return files;
    }

    @Test
    void listsAttachmentsWithNameTypeAndSize() throws Exception {
        JsonNode m = JSON.readTree(call("GET", "/api/messages/m3").body());
        JsonNode first = m.path("attachments").get(0);
        assertThat(first.path("name").asText()).isEqualTo("report.pdf");
        assertThat(first.path("type").asText()).isEqualTo("application/octet-stream");
        assertThat(first.path("sizeBytes").asLong()).isEqualTo(13);
        assertThat(m.path("attachments").size()).isEqualTo(3);
        assertThat(JSON.readTree(call("GET", "/api/messages/m2").body()).path("attachments").size()).isZero();
    }

    @Test
    void attachmentDownloadsAsBytesUnderASafeName() throws Exception {
        HttpResponse<String> pdf = call("GET", "/api/messages/m3/attachments/0");
        assertThat(pdf.statusCode()).isEqualTo(200);
        assertThat(pdf.body()).isEqualTo("%PDF-1.4 tiny");
        assertThat(pdf.headers().firstValue("content-type")).hasValue("application/octet-stream");
        assertThat(pdf.headers().firstValue("content-disposition"))
                .hasValue("attachment; filename=\"report.pdf\"; filename*=UTF-8''report.pdf");
        assertThat(pdf.headers().firstValue("x-content-type-options")).hasValue("nosniff");
        assertThat(call("GET", "/api/messages/m3/attachments/1").headers().firstValue("content-disposition"))
                .hasValue("attachment; filename=\"authorized_keys\"; filename*=UTF-8''authorized_keys");
        assertThat(call("GET", "/api/messages/m3/attachments/2").headers().firstValue("content-disposition"))
                .hasValue("attachment; filename=\"attachment-3\"; filename*=UTF-8''attachment-3");
        assertThat(call("GET", "/api/messages/m3/attachments/3").statusCode()).isEqualTo(404);
        assertThat(call("GET", "/api/messages/m3/attachments/-1").statusCode()).isEqualTo(404);
        assertThat(call("GET", "/api/messages/m3/attachments/x").statusCode()).isEqualTo(404);
        assertThat(call("GET", "/api/messages/nope/attachments/0").statusCode()).isEqualTo(404);
        assertThat(call("DELETE", "/api/messages/m3/attachments/0").statusCode()).isEqualTo(405);
    }

    @Test
    void downloadNamesLoseDirectoriesControlsAndReversals() {
        assertThat(MailApi.disposition("C:\\Users\\x\\evil.bat", "f"))
                .isEqualTo("attachment; filename=\"evil.bat\"; filename*=UTF-8''evil.bat");
        assertThat(MailApi.disposition("invoice\u202Efdp.exe", "f"))
                .isEqualTo("attachment; filename=\"invoicefdp.exe\"; filename*=UTF-8''invoicefdp.exe");
        assertThat(MailApi.disposition("a\"b\r\nSet-Cookie: x;.txt", "f"))
                .isEqualTo("attachment; filename=\"a_bSet-Cookie: x;.txt\"; filename*=UTF-8''a%22bSet-Cookie%3A%20x%3B.txt");
        assertThat(MailApi.disposition("Grüße 100%.pdf", "f"))
                .isEqualTo("attachment; filename=\"Gr__e 100_.pdf\"; filename*=UTF-8''Gr%C3%BC%C3%9Fe%20100%25.pdf");
        assertThat(MailApi.disposition("...", "attachment-0")).contains("filename=\"attachment-0\"");
        String longName = "x".repeat(300) + ".tar.gz";
        assertThat(MailApi.disposition(longName, "f")).contains("filename=\"" + "x".repeat(MailApi.MAX_NAME - 3) + ".gz\"");
    }
}
