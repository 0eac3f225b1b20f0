package dev.portd.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * {@code connect}: one lane of connections made one after another. Each connects, then either reads
 * until the target closes (daytime, time, qotd: at least one byte must come) or, with
 * {@code --echo}, sends one payload, checks it comes back whole and closes. The operation is the
 * whole connection; its latency runs from connect() to the close.
 */
final class ConnectLane {
    /** After a failed connect, wait this long before the next, so a refused port is not hammered. */
    static final long RETRY_MILLIS = 10;
    private final LoadRun run;
    private final Bootstrap bootstrap;
    private final InetSocketAddress source;

    ConnectLane(LoadRun run, Bootstrap bootstrap, InetSocketAddress source) {
        this.run = run;
        this.bootstrap = bootstrap;
        this.source = source;
    }

    void next() {
        if (!run.take()) {
            run.laneEnded();
            return;
        }
        long started = System.nanoTime();
        Bootstrap b = bootstrap.clone().handler(new Exchange(started));
        ChannelFuture f = source == null ? b.connect(run.spec().target()) : b.connect(run.spec().target(), source);
        f.addListener((ChannelFuture cf) -> {
            if (!cf.isSuccess()) {
                run.opFailed("connect: " + LoadRun.describe(cf.cause()));
                cf.channel().eventLoop().schedule(this::next, RETRY_MILLIS, TimeUnit.MILLISECONDS);
            } else {
                run.register(cf.channel());
            }
        });
    }

    /** One connection's exchange. */
    private final class Exchange extends ChannelInboundHandlerAdapter {
        private final long started;
        private long sent;
        private long received;
        private boolean bad;
        private boolean done;
        private boolean failed;   // already counted as an error

        Exchange(long started) {
            this.started = started;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            if (run.spec().exchange()) {
                int size = run.spec().payloadBytes();
                ctx.writeAndFlush(run.pattern().slice(started, size), ctx.voidPromise());
                sent = size;
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            try {
                int n = buf.readableBytes();
                if (run.spec().exchange()) {
                    if (received + n > sent || !run.pattern().matches(buf, buf.readerIndex(), started + received, n)) {
                        bad = true;
                    }
                    received += n;
                    if (received >= sent && !done) {
                        done = true;
                        ctx.close();
                    }
                } else {
                    received += n;
                }
            } finally {
                buf.release();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (failed) {
                next();
                return;
            }
            if (bad) {
                run.opFailed("connect: echo reply differs from what was sent");
            } else if (run.spec().exchange() && received < sent) {
                run.opFailed("connect: closed by the target before the echo came back");
            } else if (received == 0 && !run.spec().exchange()) {
                run.opFailed("connect: closed by the target without sending anything");
            } else {
                run.completed(System.nanoTime() - started, sent, received);
            }
            next();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (!failed) {
                failed = true;
                run.opFailed("io: " + LoadRun.describe(cause));
            }
            ctx.close();
        }
    }
}
