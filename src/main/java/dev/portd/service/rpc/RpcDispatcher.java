package dev.portd.service.rpc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a decoded call into its reply (RFC 5531 section 9): PROG_UNAVAIL for a program not served,
 * PROG_MISMATCH with the served range for a version outside it, PROC_UNAVAIL for an unknown
 * procedure, GARBAGE_ARGS for arguments that do not decode, SYSTEM_ERR for a bug in a procedure.
 * Shared by TCP, UDP and the local socket; safe on any thread.
 */
public final class RpcDispatcher {
    private static final Logger log = LoggerFactory.getLogger(RpcDispatcher.class);
    /** Where the accept_stat sits in an accepted reply: xid, REPLY, MSG_ACCEPTED, verifier flavor and length. */
    private static final int ACCEPT_STAT_OFFSET = 20;

    private final RpcProgram[] programs;   // a few: a scan beats boxing the number for a map

    public RpcDispatcher(List<RpcProgram> served) {
        programs = served.toArray(new RpcProgram[0]);
    }

    private RpcProgram program(int number) {
        for (RpcProgram p : programs) {
            if (p.number() == number) {
                return p;
            }
        }
        return null;
    }

    /** The reply to a decode result, or null when the message gets none. */
    public ByteBuf reply(RpcCallDecoder.Result message, RpcCaller caller, ByteBufAllocator alloc) {
        if (message instanceof RpcCall call) {
            return reply(call, caller, alloc);
        }
        if (message instanceof RpcCallDecoder.Refused r) {
            ByteBuf out = alloc.buffer(24);
            RpcReply.denied(out, r.xid(), r.rejectStat(), r.authStat());
            return out;
        }
        return null;
    }

    /** The reply to one call. */
    public ByteBuf reply(RpcCall call, RpcCaller caller, ByteBufAllocator alloc) {
        ByteBuf out = alloc.buffer(128);
        RpcProgram program = program(call.program());
        if (program == null) {
            RpcReply.accepted(out, call.xid(), Rpc.PROG_UNAVAIL);
            return out;
        }
        if (call.version() < program.lowVersion() || call.version() > program.highVersion()) {
            RpcReply.progMismatch(out, call.xid(), program.lowVersion(), program.highVersion());
            return out;
        }
        RpcProcedure procedure = program.procedure(call.version(), call.procedure());
        if (procedure == null) {
            RpcReply.accepted(out, call.xid(), Rpc.PROC_UNAVAIL);
            return out;
        }
        RpcReply.accepted(out, call.xid(), Rpc.SUCCESS);
        try {
            procedure.call(call, caller, new XdrReader(call.args()), out);
        } catch (XdrException e) {
            out.writerIndex(ACCEPT_STAT_OFFSET).writeInt(Rpc.GARBAGE_ARGS);
        } catch (RpcAuthException e) {
            out.clear();
            RpcReply.denied(out, call.xid(), Rpc.AUTH_ERROR, e.authStat());
        } catch (RuntimeException e) {
            log.error("program {} version {} procedure {}: unexpected error, answered SYSTEM_ERR",
                    call.program(), call.version(), call.procedure(), e);
            out.writerIndex(ACCEPT_STAT_OFFSET).writeInt(Rpc.SYSTEM_ERR);
        }
        return out;
    }
}
