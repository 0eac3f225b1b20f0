package dev.portd.service.smtp;

import io.netty.buffer.ByteBuf;

/**
 * One line as {@link SmtpLineDecoder} framed it: its bytes without the CRLF, or, when the bytes
 * broke RFC 5321's line rules, the failure instead (like Netty's {@code DecoderResult}).
 *
 * @param content the line without CRLF; null when failed
 * @param failure why the line was refused; null when it is good
 */
record SmtpLine(ByteBuf content, Failure failure) {

    /** What can be wrong with a line (RFC 5321 2.3.8, 4.5.3.1.4, 4.5.3.1.6). */
    enum Failure {
        /** Longer than the limit, CRLF included (512 for commands, 1000 for text). */
        TOO_LONG,
        /** An LF not preceded by CR: SMTP smuggling's tool, never a line end. */
        BARE_LF,
        /** A CR not followed by LF. */
        BARE_CR,
        /** A NUL octet, which no SMTP line may carry (RFC 6152 for 8BITMIME data). */
        NUL
    }

    static SmtpLine of(ByteBuf content) {
        return new SmtpLine(content, null);
    }

    static SmtpLine failed(Failure failure) {
        return new SmtpLine(null, failure);
    }

    boolean ok() {
        return failure == null;
    }

    void release() {
        if (content != null && content.refCnt() > 0) {
            content.release();
        }
    }
}
