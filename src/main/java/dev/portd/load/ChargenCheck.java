package dev.portd.load;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;

/**
 * The chargen stream a reader expects (RFC 864's suggested pattern): a ring of printing characters;
 * line N holds the 72 characters starting at character N mod ring, then CRLF. The RFC's ring is the
 * 95 characters from space to '~'; xinetd uses the 94 from '!' to '~', so the ring is a parameter.
 */
final class ChargenCheck {
    static final int LINE_CHARS = 72;
    static final int LINE_BYTES = LINE_CHARS + 2;
    private final int period;
    private final ByteBuf expected;   // two periods, so any run of up to one period starts inside it

    ChargenCheck(int ring) {
        if (ring != 95 && ring != 94) {
            throw new IllegalArgumentException("ring must be 95 (RFC 864) or 94 (xinetd)");
        }
        char first = ring == 95 ? ' ' : '!';
        period = ring * LINE_BYTES;
        StringBuilder sb = new StringBuilder(2 * period);
        for (int line = 0; line < 2 * ring; line++) {
            for (int i = 0; i < LINE_CHARS; i++) {
                sb.append((char) (first + (line + i) % ring));
            }
            sb.append("\r\n");
        }
        ByteBuf buf = Unpooled.directBuffer(2 * period).writeBytes(sb.toString().getBytes(StandardCharsets.US_ASCII));
        expected = Unpooled.unreleasableBuffer(buf.asReadOnly());
    }

    /** Whether {@code length} bytes of {@code buf} from {@code index} are the stream from {@code position}. */
    boolean matches(ByteBuf buf, int index, long position, int length) {
        while (length > 0) {
            int start = (int) (position % period);
            int n = Math.min(length, expected.capacity() - start);
            if (!ByteBufUtil.equals(buf, index, expected, start, n)) {
                return false;
            }
            index += n;
            position += n;
            length -= n;
        }
        return true;
    }
}
