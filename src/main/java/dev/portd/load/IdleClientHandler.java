package dev.portd.load;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * {@code idle}: one held connection that sends nothing. Opening it is the operation; the target
 * closing it while the run lasts is an error (it could not keep it). Bytes it sends are counted.
 */
final class IdleClientHandler extends ChannelInboundHandlerAdapter {
    private final LoadRun run;
    private final long started = System.nanoTime();
    private boolean closing;

    IdleClientHandler(LoadRun run) {
        this.run = run;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        run.opened();
        run.completed(System.nanoTime() - started, 0, 0);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf buf) {
            run.stats().bytesReceived.add(buf.readableBytes());
        }
        ReferenceCountUtil.release(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        run.closed();
        if (!closing) {
            run.failed("idle: closed by the target");
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        run.failed("io: " + LoadRun.describe(cause));
        closing = true;
        ctx.close();
    }
}
