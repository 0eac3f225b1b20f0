package dev.portd.scan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portd.scan.BannerGrab.Banner;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BannerNamesTest {

    private static Banner identify(String bytes, boolean probed) {
        return BannerNames.identify(bytes.getBytes(StandardCharsets.ISO_8859_1), probed);
    }

    @Test
    void namesGreetings() {
        assertThat(identify("SSH-2.0-OpenSSH_9.2p1\r\n", false)).isEqualTo(new Banner("SSH-2.0-OpenSSH_9.2p1", "ssh"));
        assertThat(identify("220 mail.example ESMTP Postfix\r\n", false).service()).isEqualTo("smtp");
        assertThat(identify("220 (vsFTPd 3.0.3)\r\n", false).service()).isEqualTo("ftp");
        assertThat(identify("+OK Dovecot ready.\r\n", false).service()).isEqualTo("pop3");
        assertThat(identify("* OK [CAPABILITY IMAP4rev1] ready\r\n", false).service()).isEqualTo("imap");
        assertThat(identify("RFB 003.008\n", false).service()).isEqualTo("vnc");
    }

    @Test
    void namesAnswersToTheHttpProbe() {
        Banner http = identify("HTTP/1.1 200 OK\r\nDate: x\r\nServer: nginx/1.22.1\r\n\r\n", true);
        assertThat(http).isEqualTo(new Banner("HTTP/1.1 200 OK (Server: nginx/1.22.1)", "http"));
        assertThat(identify("-ERR unknown command 'HEAD'\r\n", true).service()).isEqualTo("redis");
        assertThat(identify("HEAD / HTTP/1.0\r\n\r\n", true)).isEqualTo(new Banner("(the probe came back unchanged)", "echo"));
    }

    @Test
    void unknownAndBinaryBannersAreShownSafely() {
        assertThat(identify("Sun Nov 29 06:20:00 2026\r\n", false)).isEqualTo(new Banner("Sun Nov 29 06:20:00 2026", ""));
        assertThat(identify("\u0000\u0001ab\u001b[2J", false).text()).isEqualTo("..ab.[2J");
        assertThat(identify("", true)).isEqualTo(new Banner("", ""));
        assertThat(identify("x".repeat(500), false).text()).hasSize(BannerNames.MAX_TEXT);
    }
}
