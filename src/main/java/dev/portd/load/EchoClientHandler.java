package dev.portd.load;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * {@code echo} and {@code echo-stream} on one TCP connection: keeps up to {@code window} payloads in
 * flight (1: request/response), checks every byte that comes back against what was sent, and
 * counts a payload done when all of it has returned. A payload with any wrong byte is an error.
 */
final class EchoClientHandler extends ChannelInboundHandlerAdapter {
    private final LoadRun run;
    private final int size;
    private final int window;
    private final long[] sentAt;
    private long chunksSent;
    private long chunksDone;
    private long received;   // stream position of the next byte expected back
    private boolean chunkBad;
    private boolean closing;

    EchoClientHandler(LoadRun run) {
        this.run = run;
        this.size = run.spec().payloadBytes();
        this.window = run.spec().window();
        this.sentAt = new long[window];
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
        while (chunksSent - chunksDone < window && ch.isWritable() && run.take()) {
            sentAt[(int) (chunksSent % window)] = System.nanoTime();
            ctx.write(run.pattern().slice(chunksSent * size, size), ctx.voidPromise());
            chunksSent++;
            wrote = true;
        }
        if (wrote) {
            ctx.flush();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf buf = (ByteBuf) msg;
        try {
            check(buf);
        } finally {
            buf.release();
        }
        fill(ctx);
    }

    private void check(ByteBuf buf) {
        int index = buf.readerIndex();
        int left = buf.readableBytes();
        while (left > 0) {
            if (chunksDone == chunksSent) {
                run.failed("echo: more bytes back than were sent");
                return;
            }
            long chunkEnd = (chunksDone + 1) * size;
            int n = (int) Math.min(left, chunkEnd - received);
            if (!run.pattern().matches(buf, index, received, n)) {
                chunkBad = true;
            }
            received += n;
            index += n;
            left -= n;
            if (received == chunkEnd) {
                long latency = System.nanoTime() - sentAt[(int) (chunksDone % window)];
                chunksDone++;
                if (chunkBad) {
                    run.opFailed("echo: reply differs from what was sent");
                    chunkBad = false;
                } else {
                    run.completed(latency, size, size);
                }
            }
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        run.closed();
        if (!closing) {
            run.failed(chunksDone < chunksSent ? "echo: closed by the target with a reply missing"
                    : "echo: closed by the target");
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
