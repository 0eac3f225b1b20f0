package dev.portd.service.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SmtpLineDecoderTest {

    private static String read(EmbeddedChannel ch) {
        SmtpLine line = ch.readInbound();
        if (line == null) {
            return null;
        }
        if (!line.ok()) {
            return line.failure().name();
        }
        String s = line.content().toString(StandardCharsets.ISO_8859_1);
        line.release();
        return s;
    }

    private static void write(EmbeddedChannel ch, String bytes) {
        ch.writeInbound(Unpooled.copiedBuffer(bytes, StandardCharsets.ISO_8859_1));
    }

    @Test
    void framesCrlfLinesAcrossReads() {
        EmbeddedChannel ch = new EmbeddedChannel(new SmtpLineDecoder());
        write(ch, "EHLO a\r\nMAIL FR");
        write(ch, "OM:<a@b>\r");
        write(ch, "\n\r\n");
        assertThat(read(ch)).isEqualTo("EHLO a");
        assertThat(read(ch)).isEqualTo("MAIL FROM:<a@b>");
        assertThat(read(ch)).isEqualTo("");
        assertThat(read(ch)).isNull();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void badBytesBecomeFailedLinesAndFramingGoesOn() {
        EmbeddedChannel ch = new EmbeddedChannel(new SmtpLineDecoder());
        write(ch, "a\nb\rc\r\nd\0e\r\n\n\r\nok\r\n");
        assertThat(read(ch)).isEqualTo("BARE_LF");
        assertThat(read(ch)).isEqualTo("BARE_CR");
        assertThat(read(ch)).isEqualTo("NUL");
        assertThat(read(ch)).isEqualTo("BARE_LF");
        assertThat(read(ch)).isEqualTo("");
        assertThat(read(ch)).isEqualTo("ok");
        ch.finishAndReleaseAll();
    }

    @Test
    void limitCountsTheCrlfAndOverlongLinesAreReportedOnce() {
        SmtpLineDecoder decoder = new SmtpLineDecoder();
        EmbeddedChannel ch = new EmbeddedChannel(decoder);
        write(ch, "x".repeat(510) + "\r\n" + "y".repeat(511) + "\r\n");
        assertThat(read(ch)).hasSize(510);
        assertThat(read(ch)).isEqualTo("TOO_LONG");
        for (int i = 0; i < 10; i++) {
            write(ch, "z".repeat(300));   // arrives in pieces, never buffered past the limit
        }
        assertThat(read(ch)).isNull();
        write(ch, "z\r\nnext\r\n");
        assertThat(read(ch)).isEqualTo("TOO_LONG");
        assertThat(read(ch)).isEqualTo("next");
        decoder.maxLineBytes(SmtpLineDecoder.TEXT_LINE_BYTES);
        write(ch, "t".repeat(998) + "\r\n");
        assertThat(read(ch)).hasSize(998);
        ch.finishAndReleaseAll();
    }
}
