package dev.portd.service.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portd.host.Host;
import dev.portd.support.TestHosts;
import jakarta.mail.Message.RecipientType;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A mail with attachments sent by Jakarta Mail (Angus Mail) through portd's SMTP service, read back
 * through the dashboard: the Maildir's MIME parsing and the mail API together.
 */
class DashboardAttachmentTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path maildir;

    private Host start() {
        return HttpTestHosts.start("[services.smtp]\nmaildir = " + TestHosts.quote(maildir)
                + "\nstarttls = false\n[services.dashboard]\n");
    }

    private HttpResponse<byte[]> get(Host host, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + host.tcpPort("dashboard") + path)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private static void send(int port) throws Exception {
        Properties p = new Properties();
        p.put("mail.smtp.host", "127.0.0.1");
        p.put("mail.smtp.port", String.valueOf(port));
        p.put("mail.smtp.connectiontimeout", "10000");
        p.put("mail.smtp.timeout", "10000");
        MimeMessage m = new MimeMessage(Session.getInstance(p));
        m.setFrom(new InternetAddress("app@example.com"));
        m.setRecipients(RecipientType.TO, "dev@example.org");
        m.setSubject("Quarterly figures");
        MimeBodyPart text = new MimeBodyPart();
        text.setText("See the two files.", "UTF-8");
        MimeBodyPart csv = new MimeBodyPart();
        csv.setDataHandler(new jakarta.activation.DataHandler(
                new ByteArrayDataSource("month,total\njan,42\n".getBytes(StandardCharsets.UTF_8), "text/csv")));
        csv.setFileName("figures.csv");
        csv.setDisposition(MimeBodyPart.ATTACHMENT);
        byte[] png = new byte[3000];
        for (int i = 0; i < png.length; i++) {
            png[i] = (byte) (i * 7);
        }
        MimeBodyPart image = new MimeBodyPart();
        image.setDataHandler(new jakarta.activation.DataHandler(new ByteArrayDataSource(png, "image/png")));
        image.setFileName("Übersicht.png");   // a non-ASCII name: RFC 2231 on the wire
        image.setHeader("Content-Transfer-Encoding", "base64");
        m.setContent(new MimeMultipart(text, csv, image));
        m.saveChanges();
        Transport.send(m);
    }

    @Test
    void attachmentsOfARealMailAreListedAndDownloadDecoded() throws Exception {
        try (Host host = start()) {
            send(host.tcpPort("smtp"));
            JsonNode list = JSON.readTree(get(host, "/api/messages").body()).path("messages");
            assertThat(list.size()).isEqualTo(1);
            String id = list.get(0).path("id").asText();
            String path = "/api/messages/" + java.net.URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");

            JsonNode m = JSON.readTree(get(host, path).body());
            assertThat(m.path("text").asText()).isEqualTo("See the two files.");
            assertThat(m.path("hasHtml").asBoolean()).isFalse();
            JsonNode files = m.path("attachments");
            assertThat(files.size()).isEqualTo(2);
            assertThat(files.get(0).path("name").asText()).isEqualTo("figures.csv");
            assertThat(files.get(0).path("type").asText()).isEqualTo("text/csv");
            assertThat(files.get(0).path("sizeBytes").asLong()).isEqualTo(21);   // text travels with CRLF (RFC 2046 4.1.1)
            assertThat(files.get(1).path("name").asText()).isEqualTo("Übersicht.png");
            assertThat(files.get(1).path("type").asText()).isEqualTo("image/png");
            assertThat(files.get(1).path("sizeBytes").asLong()).isEqualTo(3000);

            HttpResponse<byte[]> csv = get(host, path + "/attachments/0");
            assertThat(new String(csv.body(), StandardCharsets.UTF_8)).isEqualTo("month,total\r\njan,42\r\n");
            HttpResponse<byte[]> png = get(host, path + "/attachments/1");
            assertThat(png.body()).hasSize(3000);
            assertThat(png.body()[1]).isEqualTo((byte) 7);
            assertThat(png.headers().firstValue("content-disposition"))
                    .hasValue("attachment; filename=\"_bersicht.png\"; filename*=UTF-8''%C3%9Cbersicht.png");
        }
    }
}
