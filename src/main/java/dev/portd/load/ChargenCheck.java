package dev.portd.load;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;

/**
 * What a chargen reader expects. {@code rfc864}: RFC 864's suggested pattern exactly, a ring of the
 * 95 printing characters (space to '~') where line N holds the 72 characters starting at character
 * N mod 95, then CRLF. {@code lines}: only the shape every chargen keeps, lines of 72 printing
 * characters and CRLF, for servers with another ring (xinetd's stream starts at '!' and its ring
 * does not advance by one character a line).
 */
abstract class ChargenCheck {
    static final int LINE_CHARS = 72;
    static final int LINE_BYTES = LINE_CHARS + 2;
    static final int RING = 95;

    /** Whether {@code length} bytes of {@code buf} from {@code index} are the stream from {@code position}. */
    abstract boolean matches(ByteBuf buf, int index, long position, int length);

    static ChargenCheck of(String name) {
        return switch (name) {
            case "rfc864" -> new Rfc864();
            case "lines" -> new Lines();
            default -> throw new IllegalArgumentException("chargen pattern must be rfc864 or lines");
        };
    }

    /** Byte for byte against two periods of the RFC 864 stream (95 lines, 7,030 bytes each). */
    private static final class Rfc864 extends ChargenCheck {
        private final int period = RING * LINE_BYTES;
        private final ByteBuf expected;

        Rfc864() {
            StringBuilder sb = new StringBuilder(2 * period);
            for (int line = 0; line < 2 * RING; line++) {
                for (int i = 0; i < LINE_CHARS; i++) {
                    sb.append((char) (' ' + (line + i) % RING));
                }
                sb.append("\r\n");
            }
            ByteBuf buf = Unpooled.directBuffer(2 * period).writeBytes(sb.toString().getBytes(StandardCharsets.US_ASCII));
            expected = Unpooled.unreleasableBuffer(buf.asReadOnly());
        }

        @Override
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

    /** Column by column: printing characters in columns 0-71, CR in 72, LF in 73. */
    private static final class Lines extends ChargenCheck {
        @Override
        boolean matches(ByteBuf buf, int index, long position, int length) {
            int column = (int) (position % LINE_BYTES);
            for (int i = 0; i < length; i++) {
                byte b = buf.getByte(index + i);
                boolean ok = column < LINE_CHARS ? b >= ' ' && b <= '~' : b == (column == LINE_CHARS ? '\r' : '\n');
                if (!ok) {
                    return false;
                }
                column = column == LINE_BYTES - 1 ? 0 : column + 1;
            }
            return true;
        }
    }
}
