package dev.portd.service.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portd.host.Host;
import dev.portd.support.TestHosts;
import jakarta.mail.Message.RecipientType;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * International mail from real clients, shown by the dashboard's mail API as it was written: raw
 * UTF-8 headers (SMTPUTF8, RFC 6531/6532) and RFC 2047 encoded words, from Python's smtplib and
 * Jakarta Mail.
 */
class SmtpInternationalMailIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path maildir;

    private Host start() {
        return TestHosts.start("[services.smtp]\nmaildir = " + TestHosts.quote(maildir)
                + "\nhostname = \"mx.test\"\n[services.dashboard]\n");
    }

    private static final String PYTHON = String.join("\n",
            "import smtplib, sys",
            "from email.message import EmailMessage",
            "port = int(sys.argv[1])",
            "raw = EmailMessage()",
            "raw['From'] = 'zoë@exämple.test'",
            "raw['To'] = 'bob@example.org'",
            "raw['Subject'] = 'Grüße from python, raw'",
            "raw.set_content('Hallo, Zoë')",
            "encoded = EmailMessage()",
            "encoded['From'] = 'Zoë <zoe@example.test>'",
            "encoded['To'] = 'bob@example.org'",
            "encoded['Subject'] = 'Grüße from python, encoded'",
            "encoded.set_content('Hallo, Zoë')",
            "with smtplib.SMTP('127.0.0.1', port, local_hostname='client.test', timeout=10) as s:",
            "    s.send_message(raw)       # non-ASCII addresses: smtplib sends SMTPUTF8 and UTF-8 headers",
            "    s.send_message(encoded)   # ASCII addresses: the default policy writes =?utf-8?...?= words",
            "print('ok')");

    @Test
    void pythonSmtplibRawUtf8AndEncodedWordsShowAsWritten() throws Exception {
        try (Host host = start()) {
            Process p = new ProcessBuilder("python3", "-c", PYTHON, String.valueOf(host.tcpPort("smtp")))
                    .redirectErrorStream(true).start();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("ok\n");

            JsonNode list = messages(host);
            assertThat(subjects(list)).containsExactlyInAnyOrder("Grüße from python, raw", "Grüße from python, encoded");
            JsonNode raw = message(host, list, "Grüße from python, raw");
            assertThat(raw.path("from").asText()).isEqualTo("zoë@exämple.test");
            assertThat(header(raw, "From")).isEqualTo("zoë@exämple.test");
            assertThat(raw.path("text").asText()).startsWith("Hallo, Zoë");
            JsonNode encoded = message(host, list, "Grüße from python, encoded");
            assertThat(header(encoded, "From")).isEqualTo("Zoë <zoe@example.test>");
            assertThat(header(encoded, "Subject")).isEqualTo("Grüße from python, encoded");
        }
    }

    @Test
    void jakartaMailRawUtf8AndEncodedWordsShowAsWritten() throws Exception {
        try (Host host = start()) {
            Properties props = new Properties();
            props.put("mail.smtp.host", "127.0.0.1");
            props.put("mail.smtp.port", String.valueOf(host.tcpPort("smtp")));
            props.put("mail.smtp.localhost", "client.test");
            props.put("mail.smtp.timeout", "10000");
            Properties utf8 = new Properties();
            utf8.putAll(props);
            utf8.put("mail.mime.allowutf8", "true");   // SMTPUTF8: raw UTF-8 addresses and headers

            MimeMessage raw = new MimeMessage(Session.getInstance(utf8));
            raw.setFrom(new InternetAddress("zoë@exämple.test"));
            raw.setRecipients(RecipientType.TO, "bob@example.org");
            raw.setSubject("Grüße from Jakarta, raw", "UTF-8");
            raw.setText("Hallo, Zoë", "UTF-8");
            Transport.send(raw);

            MimeMessage encoded = new MimeMessage(Session.getInstance(props));
            encoded.setFrom(new InternetAddress("zoe@example.test", "Zoë", "UTF-8"));
            encoded.setRecipients(RecipientType.TO, "bob@example.org");
            encoded.setSubject("Grüße from Jakarta, encoded", "UTF-8");
            encoded.setText("Hallo, Zoë", "UTF-8");
            Transport.send(encoded);

            JsonNode list = messages(host);
            assertThat(subjects(list)).containsExactlyInAnyOrder("Grüße from Jakarta, raw", "Grüße from Jakarta, encoded");
            JsonNode first = message(host, list, "Grüße from Jakarta, raw");
            assertThat(first.path("from").asText()).isEqualTo("zoë@exämple.test");
            assertThat(header(first, "From")).isEqualTo("zoë@exämple.test");
            JsonNode second = message(host, list, "Grüße from Jakarta, encoded");
            assertThat(header(second, "From")).isEqualTo("Zoë <zoe@example.test>");
            assertThat(second.path("text").asText()).startsWith("Hallo, Zoë");
        }
    }

    private JsonNode get(Host host, String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + host.tcpPort("dashboard") + path)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertThat(r.statusCode()).as(path).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private JsonNode messages(Host host) throws Exception {
        return get(host, "/api/messages").path("messages");
    }

    private static List<String> subjects(JsonNode list) {
        List<String> subjects = new ArrayList<>();
        list.forEach(m -> subjects.add(m.path("subject").asText()));
        return subjects;
    }

    private JsonNode message(Host host, JsonNode list, String subject) throws Exception {
        for (JsonNode m : list) {
            if (m.path("subject").asText().equals(subject)) {
                return get(host, "/api/messages/" + URLEncoder.encode(m.path("id").asText(), StandardCharsets.UTF_8).replace("+", "%20"));
            }
        }
        throw new AssertionError("no message " + subject + " in " + list);
    }

    private static String header(JsonNode message, String name) {
        for (JsonNode h : message.path("headers")) {
            if (h.get(0).asText().equalsIgnoreCase(name)) {
                return h.get(1).asText();
            }
        }
        throw new AssertionError("no " + name + " header in " + message);
    }
}
