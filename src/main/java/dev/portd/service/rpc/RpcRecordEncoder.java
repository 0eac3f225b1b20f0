package dev.portd.service.rpc;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.util.List;

/**
 * Sends each reply as one record of one fragment (RFC 5531 section 11): a four-byte header with
 * the last-fragment bit and the length, then the reply itself, written together without a copy.
 */
@Sharable
public final class RpcRecordEncoder extends MessageToMessageEncoder<ByteBuf> {
    public static final RpcRecordEncoder INSTANCE = new RpcRecordEncoder();

    private RpcRecordEncoder() {
        super(ByteBuf.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, ByteBuf msg, List<Object> out) {
        ByteBuf header = ctx.alloc().buffer(4);
        header.writeInt(0x8000_0000 | msg.readableBytes());
        out.add(header);
        out.add(msg.retain());
    }
}
