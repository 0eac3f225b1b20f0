package dev.portd.load;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * {@code chargen} on one TCP connection: reads as fast as the target writes and checks every byte
 * against the RFC 864 pattern. Each {@code payload} bytes read make one operation; a chunk with any
 * wrong byte is an error. With a count, the connection closes once its last chunk is read.
 */
final class ChargenClientHandler extends ChannelInboundHandlerAdapter {
    private final LoadRun run;
    private final int size;
    private long position;
    private int chunkLeft;
    private boolean chunkBad;
    private boolean closing;

    ChargenClientHandler(LoadRun run) {
        this.run = run;
        this.size = run.spec().payloadBytes();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        run.opened();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf buf = (ByteBuf) msg;
        try {
            int index = buf.readerIndex();
            int left = buf.readableBytes();
            while (left > 0 && !closing) {
                if (chunkLeft == 0) {
                    if (!run.take()) {
                        closing = true;
                        ctx.close();
                        return;
                    }
                    chunkLeft = size;
                }
                int n = Math.min(left, chunkLeft);
                if (!run.chargen().matches(buf, index, position, n)) {
                    chunkBad = true;
                }
                position += n;
                index += n;
                left -= n;
                chunkLeft -= n;
                if (chunkLeft == 0) {
                    if (chunkBad) {
                        run.opFailed("chargen: bytes differ from the " + run.spec().chargenPattern() + " pattern");
                        chunkBad = false;
                    } else {
                        run.completed(-1, 0, size);
                    }
                }
            }
        } finally {
            buf.release();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        run.closed();
        if (!closing) {
            run.failed("chargen: closed by the target");
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
