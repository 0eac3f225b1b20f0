package dev.portd.service.rpc;

import io.netty.buffer.ByteBuf;

/**
 * One procedure of one program version: reads its arguments and writes its results. Bad arguments
 * throw {@link XdrException} (the call gets GARBAGE_ARGS); a caller without the right gets
 * {@link RpcAuthException} (AUTH_ERROR). Results go to {@code results}, after the reply header.
 */
@FunctionalInterface
public interface RpcProcedure {
    void call(RpcCall call, RpcCaller caller, XdrReader args, ByteBuf results);

    /** The NULL procedure every program has as procedure 0: no arguments, no results (RFC 5531 section 12). */
    RpcProcedure NULL = (call, caller, args, results) -> { };
}
