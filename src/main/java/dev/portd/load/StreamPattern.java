package dev.portd.load;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

/**
 * What the generator sends: a byte stream where the byte at stream position p depends only on
 * p mod 251, so any slice can be written from one shared buffer without a copy, and any reply can
 * be checked knowing only its position. 251 is prime: no payload size lines it up with itself, so a
 * reply echoed from the wrong place, shifted, or with one byte changed does not match.
 */
final class StreamPattern {
    static final int PERIOD = 251;
    /** The buffer this pattern owns; {@link #bytes} is a shared view that handlers cannot release. */
    private final ByteBuf owned;
    private final ByteBuf bytes;

    /** A pattern from which slices of up to {@code maxSlice} bytes can be taken. */
    StreamPattern(int maxSlice) {
        int length = PERIOD + Math.max(maxSlice, PERIOD);
        ByteBuf buf = Unpooled.directBuffer(length);
        for (int i = 0; i < length; i++) {
            buf.writeByte(at(i));
        }
        owned = buf;
        bytes = Unpooled.unreleasableBuffer(buf.asReadOnly());
    }

    /** Frees the direct memory, once nothing writes from the pattern any more. */
    void release() {
        if (owned.refCnt() > 0) {
            owned.release();
        }
    }

    boolean released() {
        return owned.refCnt() == 0;
    }

    /** The byte at stream position p: a permutation of 0..250 (step 37), so neighbours differ. */
    static byte at(long p) {
        return (byte) ((p % PERIOD) * 37 % PERIOD);
    }

    /** The {@code length} bytes from stream position {@code position}, shared until {@link #release()}. */
    ByteBuf slice(long position, int length) {
        return bytes.slice((int) (position % PERIOD), length);
    }

    /** Whether {@code length} bytes of {@code buf} from {@code index} are the stream from {@code position}. */
    boolean matches(ByteBuf buf, int index, long position, int length) {
        while (length > 0) {
            int start = (int) (position % PERIOD);
            int n = Math.min(length, bytes.capacity() - start);
            if (!ByteBufUtil.equals(buf, index, bytes, start, n)) {
                return false;
            }
            index += n;
            position += n;
            length -= n;
        }
        return true;
    }
}
