package dev.portd.load;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * {@code discard} on one TCP connection: writes payloads from the shared pattern while the channel
 * is writable and again when it becomes writable, so the target's reading speed sets the pace. A
 * payload counts when the kernel has taken all of it. Anything the target sends back is an error.
 */
final class DiscardClientHandler extends ChannelInboundHandlerAdapter {
    private final LoadRun run;
    private final int size;
    private final ChannelFutureListener written;
    private long position;
    private boolean closing;

    DiscardClientHandler(LoadRun run) {
        this.run = run;
        this.size = run.spec().payloadBytes();
        this.written = f -> {
            if (f.isSuccess()) {
                run.completed(-1, size, 0);
            } else if (!closing) {
                run.failed("discard: write failed: " + LoadRun.describe(f.cause()));
            }
        };
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        run.opened();
        fill(ctx);
        ctx.fireChannelActive();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        fill(ctx);
        ctx.fireChannelWritabilityChanged();
    }

    private void fill(ChannelHandlerContext ctx) {
        Channel ch = ctx.channel();
        boolean wrote = false;
        while (ch.isWritable() && run.take()) {
            ctx.write(run.pattern().slice(position, size)).addListener(written);
            position += size;
            wrote = true;
        }
        if (wrote) {
            ctx.flush();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ReferenceCountUtil.release(msg);
        run.failed("discard: the target sent data");
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        run.closed();
        if (!closing) {
            run.failed("discard: closed by the target");
        }
        run.laneEnded();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        run.failed("io: " + LoadRun.describe(cause));
        closing = true;
        ctx.close();
    }
}
