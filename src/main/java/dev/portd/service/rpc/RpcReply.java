package dev.portd.service.rpc;

import io.netty.buffer.ByteBuf;

/** Writes the reply headers of RFC 5531 section 9 ({@code reply_body}); results follow an accepted one. */
public final class RpcReply {
    private RpcReply() {
    }

    /** An accepted reply with a null (AUTH_NONE) verifier and {@code acceptStat}; results go after it. */
    public static void accepted(ByteBuf out, int xid, int acceptStat) {
        out.writeInt(xid);
        out.writeInt(Rpc.REPLY);
        out.writeInt(Rpc.MSG_ACCEPTED);
        out.writeInt(Rpc.AUTH_NONE);
        out.writeInt(0);
        out.writeInt(acceptStat);
    }

    /** PROG_MISMATCH with the lowest and highest version served: how rpcinfo learns the range. */
    public static void progMismatch(ByteBuf out, int xid, int low, int high) {
        accepted(out, xid, Rpc.PROG_MISMATCH);
        out.writeInt(low);
        out.writeInt(high);
    }

    /** MSG_DENIED: RPC_MISMATCH (with the one RPC version spoken, 2) or AUTH_ERROR with its auth_stat. */
    public static void denied(ByteBuf out, int xid, int rejectStat, int authStat) {
        out.writeInt(xid);
        out.writeInt(Rpc.REPLY);
        out.writeInt(Rpc.MSG_DENIED);
        out.writeInt(rejectStat);
        if (rejectStat == Rpc.RPC_MISMATCH) {
            out.writeInt(Rpc.VERSION);
            out.writeInt(Rpc.VERSION);
        } else {
            out.writeInt(authStat);
        }
    }
}
