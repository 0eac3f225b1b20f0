package dev.portd.service.rpc;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Record marking for RPC over a byte stream (RFC 5531 section 11): each fragment is led by four
 * bytes, the top bit set on the last fragment of a record and the other 31 bits its length. Emits
 * one buffer per whole record. A record (all its fragments together) longer than
 * {@code maxRecordBytes} closes the connection before its bytes are buffered: the 31-bit length
 * would otherwise let a client make us hold 2 GiB.
 */
public final class RpcRecordDecoder extends ByteToMessageDecoder {
    private static final Logger log = LoggerFactory.getLogger(RpcRecordDecoder.class);
    private static final long LAST_FRAGMENT = 0x8000_0000L;

    private final int maxRecordBytes;
    private ByteBuf partial;   // the fragments of a record whose last fragment has not come yet

    public RpcRecordDecoder(int maxRecordBytes) {
        this.maxRecordBytes = maxRecordBytes;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.readableBytes() >= 4) {
            long header = in.getUnsignedInt(in.readerIndex());
            boolean last = (header & LAST_FRAGMENT) != 0;
            long length = header & ~LAST_FRAGMENT;
            long sofar = partial == null ? 0 : partial.readableBytes();
            if (sofar + length > maxRecordBytes) {
                log.debug("{}: record of {} bytes or more is over the limit of {}; closing", ctx.channel(),
                        sofar + length, maxRecordBytes);
                in.skipBytes(in.readableBytes());
                releasePartial();
                ctx.close();
                return;
            }
            if (in.readableBytes() < 4 + length) {
                return;
            }
            in.skipBytes(4);
            if (last && partial == null) {
                out.add(in.readRetainedSlice((int) length));
                continue;
            }
            if (partial == null) {
                partial = ctx.alloc().buffer((int) Math.max(length, 64));
            }
            partial.writeBytes(in, (int) length);
            if (last) {
                out.add(partial);
                partial = null;
            }
        }
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        releasePartial();
    }

    private void releasePartial() {
        if (partial != null) {
            partial.release();
            partial = null;
        }
    }
}
