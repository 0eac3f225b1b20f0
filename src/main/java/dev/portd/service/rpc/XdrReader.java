package dev.portd.service.rpc;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Reads XDR (RFC 4506) items from a buffer: 4-byte big-endian units, variable-length data padded
 * to a multiple of four. Every variable length is checked against a bound given by the caller and
 * against the bytes actually present before anything is allocated, so a 4-byte claim of 4 GiB
 * costs nothing (CVE-2017-8779, "rpcbomb", was rpcbind trusting such lengths).
 */
public final class XdrReader {
    private final ByteBuf in;

    public XdrReader(ByteBuf in) {
        this.in = in;
    }

    /** RFC 4506 4.1: a signed 32-bit integer. */
    public int readInt() {
        need(4);
        return in.readInt();
    }

    /** RFC 4506 4.2: an unsigned 32-bit integer, as a long. */
    public long readUnsignedInt() {
        return readInt() & 0xFFFF_FFFFL;
    }

    /** RFC 4506 4.5: 8 bytes. */
    public long readHyper() {
        need(8);
        return in.readLong();
    }

    /** RFC 4506 4.4: 0 or 1; anything else is not a boolean. */
    public boolean readBool() {
        int v = readInt();
        if (v != 0 && v != 1) {
            throw new XdrException("boolean " + v);
        }
        return v == 1;
    }

    /** RFC 4506 4.11: a string of at most {@code max} bytes, decoded as UTF-8. */
    public String readString(int max) {
        int length = length(max);
        String s = in.toString(in.readerIndex(), length, StandardCharsets.UTF_8);
        in.skipBytes(padded(length));
        return s;
    }

    /** RFC 4506 4.10: variable-length opaque data of at most {@code max} bytes. */
    public byte[] readOpaque(int max) {
        int length = length(max);
        byte[] data = new byte[length];
        in.readBytes(data);
        in.skipBytes(padded(length) - length);
        return data;
    }

    /** Skips variable-length opaque data of at most {@code max} bytes without copying it. */
    public void skipOpaque(int max) {
        in.skipBytes(padded(length(max)));
    }

    /** Bytes not yet read. */
    public int remaining() {
        return in.readableBytes();
    }

    private int length(int max) {
        long length = readUnsignedInt();
        if (length > max) {
            throw new XdrException("length " + length + " over the bound of " + max);
        }
        need(padded((int) length));
        return (int) length;
    }

    private void need(int bytes) {
        if (in.readableBytes() < bytes) {
            throw new XdrException("truncated: " + bytes + " bytes needed, " + in.readableBytes() + " left");
        }
    }

    static int padded(int length) {
        return (length + 3) & ~3;
    }
}
