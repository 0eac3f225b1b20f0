package dev.portd.service.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.portd.config.ConfigException;
import dev.portd.config.ConfigLoader;
import dev.portd.config.HostConfig;
import dev.portd.config.ServiceConfig;
import dev.portd.host.Host;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Base64;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The smtp row in the default config, its options, and a configured certificate. */
class SmtpConfigTest {
    @TempDir
    Path dir;

    @Test
    void defaultConfigHasSmtpOnPort25WithMaildir() {
        HostConfig config = ConfigLoader.loadDefault(dev.portd.service.ServiceKinds.BUILT_IN);
        ServiceConfig smtp = config.services().stream().filter(s -> s.name().equals("smtp")).findFirst().orElseThrow();
        assertThat(smtp.kind().name()).isEqualTo("smtp");
        assertThat(smtp.port()).isEqualTo(25);
        assertThat(smtp.options().get(SmtpService.MAILDIR)).isEqualTo(Path.of("./mail"));
    }

    @Test
    void certificateWithoutKeyIsAConfigErrorNamingTheKey() {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> SmtpTestHosts.start(dir.resolve("mail"), "tls_cert", dir.resolve("cert.pem").toString()));
        assertThat(e.problems()).containsExactly(
                "<embedded>:1: services.smtp.tls_key: tls_cert and tls_key go together: give both or neither");
    }

    @Test
    void zeroRecipientsIsAConfigError() {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> SmtpTestHosts.start(dir.resolve("mail"), "max_recipients", 0L));
        assertThat(e.problems()).containsExactly("<embedded>:4: services.smtp.max_recipients = 0: must be an integer "
                + "1..1000000 (recipients per message, then 452 4.5.3)");
    }

    @Test
    void configuredCertificateIsServedAfterStartTls() throws Exception {
        SmtpSelfSignedCertificate made = SmtpSelfSignedCertificate.make("configured.test");
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Files.writeString(cert, pem("CERTIFICATE", made.certificate().getEncoded()), StandardCharsets.US_ASCII);
        Files.writeString(key, pem("PRIVATE KEY", made.key().getEncoded()), StandardCharsets.US_ASCII);
        try (Host host = SmtpTestHosts.start(dir.resolve("mail"), "tls_cert", cert.toString(), "tls_key", key.toString());
             var d = SmtpDialogue.connect(host.tcpPort("smtp"))) {
            d.expect("220 ").send("EHLO client.test").expect("250 ").send("STARTTLS").expect("220 ");
            d.handshake();
            d.send("NOOP").expect("250 ");
            assertThat(d.peerCertificate().getSubjectX500Principal().getName()).isEqualTo("CN=configured.test");
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
