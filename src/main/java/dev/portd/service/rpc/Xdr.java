package dev.portd.service.rpc;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/** Writes XDR (RFC 4506) items; the reading side is {@link XdrReader}. */
public final class Xdr {
    private Xdr() {
    }

    /** RFC 4506 4.11: length, bytes, zero padding to a multiple of four. */
    public static void writeString(ByteBuf out, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        writeOpaque(out, bytes);
    }

    /** RFC 4506 4.10: variable-length opaque data. */
    public static void writeOpaque(ByteBuf out, byte[] data) {
        out.writeInt(data.length);
        out.writeBytes(data);
        out.writeZero(XdrReader.padded(data.length) - data.length);
    }

    /** RFC 4506 4.4. */
    public static void writeBool(ByteBuf out, boolean value) {
        out.writeInt(value ? 1 : 0);
    }
}
