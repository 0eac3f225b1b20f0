package dev.portd.service.classic;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;

/**
 * The character generator pattern suggested by RFC 864: the 95 printing ASCII characters (space to
 * '~') in a ring; line N holds the 72 characters starting at character N mod 95, then CRLF.
 *
 * <p>Line 95 equals line 0, so the whole stream is one period of 95 lines (7,030 bytes) repeated.
 * The period is built once and shared by every connection as a read-only, never-freed buffer.
 */
final class ChargenPattern {
    static final int PRINTABLE = 95;
    static final int LINE_CHARS = 72;
    static final int LINE_BYTES = LINE_CHARS + 2;
    static final int PERIOD_BYTES = PRINTABLE * LINE_BYTES;

    /** Ten periods (70,300 bytes): few enough writes per megabyte, small enough to stay in cache. */
    private static final ByteBuf CHUNK = Unpooled.unreleasableBuffer(
            Unpooled.unmodifiableBuffer(Unpooled.directBuffer(10 * PERIOD_BYTES)
                    .writeBytes(text(10 * PRINTABLE).getBytes(StandardCharsets.US_ASCII))));

    private ChargenPattern() {
    }

    /** The first {@code lines} lines of the stream, CRLF-terminated. */
    static String text(int lines) {
        StringBuilder sb = new StringBuilder(lines * LINE_BYTES);
        for (int line = 0; line < lines; line++) {
            for (int i = 0; i < LINE_CHARS; i++) {
                sb.append((char) (' ' + (line + i) % PRINTABLE));
            }
            sb.append("\r\n");
        }
        return sb.toString();
    }

    /** A whole number of periods, to write again and again: the stream never loses its phase. */
    static ByteBuf chunk() {
        return CHUNK.duplicate();
    }

    /** The first {@code length} bytes of the stream (length at most one chunk). */
    static ByteBuf prefix(int length) {
        return CHUNK.slice(0, length);
    }
}
