package dev.portd.service.rpc;

import io.netty.buffer.ByteBuf;

/**
 * One decoded RPC call (RFC 5531 section 9, {@code call_body}): the header and the still-encoded
 * arguments, a slice of the received buffer valid while the handler runs.
 *
 * @param xid        the caller's transaction id, echoed in the reply
 * @param program    program number, e.g. 100000 for the portmapper
 * @param version    program version
 * @param procedure  procedure number within that version
 * @param credential the caller's credential; AUTH_SYS parsed, other flavors kept as a number
 * @param args       the procedure's XDR arguments
 */
public record RpcCall(int xid, int program, int version, int procedure, Credential credential, ByteBuf args)
        implements RpcCallDecoder.Result {

    /** A credential: AUTH_NONE, AUTH_SYS (RFC 5531 appendix A) with its fields, or another flavor. */
    public record Credential(int flavor, long stamp, String machine, int uid, int gid, int[] gids) {
        public static final Credential NONE = new Credential(Rpc.AUTH_NONE, 0, "", -1, -1, new int[0]);
    }
}
