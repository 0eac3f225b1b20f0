package dev.portd.service.rpc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Decodes a call message (RFC 5531 section 9) into an {@link RpcCall}, or into a value saying how
 * the bad message must be answered: an RPC version other than 2 gets RPC_MISMATCH, a malformed
 * credential AUTH_ERROR, and a message with no readable header (or a reply sent to us) gets nothing,
 * as there is nothing to answer to. Never throws.
 */
public final class RpcCallDecoder {
    private RpcCallDecoder() {
    }

    /** What decoding gave: a call, or a failure that says how to answer. */
    public sealed interface Result permits RpcCall, Refused, Ignored {
    }

    /** A message that gets a MSG_DENIED reply: {@code rejectStat} RPC_MISMATCH or AUTH_ERROR. */
    public record Refused(int xid, int rejectStat, int authStat) implements Result {
    }

    /** A message not answered at all: too short for a header, a REPLY, or an unreadable header. */
    public record Ignored(String why) implements Result {
    }

    public static Result decode(ByteBuf message) {
        XdrReader in = new XdrReader(message);
        int xid;
        int program;
        int version;
        int procedure;
        try {
            xid = in.readInt();
            int type = in.readInt();
            if (type != Rpc.CALL) {
                return new Ignored("message type " + type + " is not a call");
            }
            if (in.readInt() != Rpc.VERSION) {
                return new Refused(xid, Rpc.RPC_MISMATCH, 0);
            }
            program = in.readInt();
            version = in.readInt();
            procedure = in.readInt();
        } catch (XdrException e) {
            return new Ignored("truncated header");
        }
        RpcCall.Credential credential;
        try {
            credential = credential(in);
        } catch (XdrException e) {
            return new Refused(xid, Rpc.AUTH_ERROR, Rpc.AUTH_BADCRED);
        }
        try {
            in.readInt();                          // verifier flavor: AUTH_NONE and AUTH_SYS carry none we check
            in.skipOpaque(Rpc.MAX_AUTH_BYTES);
        } catch (XdrException e) {
            return new Refused(xid, Rpc.AUTH_ERROR, Rpc.AUTH_BADVERF);
        }
        return new RpcCall(xid, program, version, procedure, credential, message.slice());
    }

    private static RpcCall.Credential credential(XdrReader in) {
        int flavor = in.readInt();
        if (flavor != Rpc.AUTH_SYS) {
            in.skipOpaque(Rpc.MAX_AUTH_BYTES);
            return flavor == Rpc.AUTH_NONE ? RpcCall.Credential.NONE
                    : new RpcCall.Credential(flavor, 0, "", -1, -1, new int[0]);
        }
        byte[] body = in.readOpaque(Rpc.MAX_AUTH_BYTES);
        XdrReader sys = new XdrReader(Unpooled.wrappedBuffer(body));
        long stamp = sys.readUnsignedInt();
        String machine = sys.readString(Rpc.MAX_MACHINE_NAME);
        int uid = sys.readInt();
        int gid = sys.readInt();
        int count = sys.readInt();
        if (count < 0 || count > Rpc.MAX_GIDS) {
            throw new XdrException("AUTH_SYS with " + count + " groups");
        }
        int[] gids = new int[count];
        for (int i = 0; i < count; i++) {
            gids[i] = sys.readInt();
        }
        return new RpcCall.Credential(flavor, stamp, machine, uid, gid, gids);
    }
}
