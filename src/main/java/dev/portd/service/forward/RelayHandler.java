package dev.portd.service.forward;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One end of a TCP relay: what this channel reads is written to its peer. Back-pressure both ways:
 * this side stops reading while the peer is not writable (Netty's write-buffer high-water mark,
 * 64 KiB, is the window) and reads again when the peer drains. A half-close is passed on
 * ({@code shutdownOutput} on the peer once what was read before it is flushed); when both
 * directions have ended the relay closes. A reset on one side resets the other.
 *
 * <p>Both ends run on the same event loop, so the relay's state needs no locking.
 */
final class RelayHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(RelayHandler.class);

    /** The two channels of one relay and which directions have ended. */
    static final class Relay {
        Channel client;
        /** Set once connected: until then what the client sends waits in {@link #early}. */
        Channel upstream;
        private int inputsEnded;
        /**
         * What the client sent before upstream was connected. Its reads are off until then, but the
         * epoll transport still reads a pending FIN (and the bytes before it) when it arrives; at
         * most one read's worth, so this stays small.
         */
        private final java.util.List<ByteBuf> early = new java.util.ArrayList<>();
        private boolean earlyHalfClose;

        /** Upstream is connected: hand it what waited, and the client's half-close if that came too. */
        void connected(Channel up) {
            upstream = up;
            early.forEach(b -> up.write(b, up.voidPromise()));
            early.clear();
            up.flush();
            if (earlyHalfClose) {
                ((DuplexChannel) up).shutdownOutput().addListener(s -> inputEnded());
            }
        }

        /** The relay failed before it was connected. */
        void discard() {
            early.forEach(ReferenceCountUtil::release);
            early.clear();
        }

        /** Both directions ended and both half-closes passed on: close both. */
        void inputEnded() {
            if (++inputsEnded == 2) {
                client.close();
                upstream.close();
            }
        }
    }

    /** What the client side does once the host has admitted the client: connect upstream. */
    interface Connector {
        void connect(Relay relay);
    }

    private final Relay relay;
    private final boolean clientSide;
    private final LongAdder bytesRead;
    private final Connector connector;

    RelayHandler(Relay relay, boolean clientSide, LongAdder bytesRead, Connector connector) {
        this.relay = relay;
        this.clientSide = clientSide;
        this.bytesRead = bytesRead;
        this.connector = connector;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (connector != null) {
            connector.connect(relay);
        }
        ctx.fireChannelActive();
    }

    /**
     * True when nothing waits to be written to {@code ch}: what must follow the written bytes (a
     * half-close, a close) can then be done at once, without an empty write and a listener.
     */
    static boolean drained(Channel ch) {
        ChannelOutboundBuffer pending = ch.unsafe().outboundBuffer();
        return pending != null && pending.totalPendingWriteBytes() == 0 && pending.isEmpty();
    }

    /**
     * Reads again, unless the input has ended: Netty 4.2.18's epoll channel has then left the epoll
     * set, and asking it to read fails with epoll_ctl ENOENT.
     */
    static void resumeReading(Channel ch) {
        if (!(ch instanceof DuplexChannel d && d.isInputShutdown()) && ch.isActive()) {
            ch.config().setAutoRead(true);
        }
    }

    private Channel peer() {
        return clientSide ? relay.upstream : relay.client;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Channel peer = peer();
        if (clientSide && peer == null && msg instanceof ByteBuf early) {
            bytesRead.add(early.readableBytes());
            relay.early.add(early);
            return;
        }
        if (!(msg instanceof ByteBuf buf) || peer == null) {
            ReferenceCountUtil.release(msg);
            return;
        }
        bytesRead.add(buf.readableBytes());
        peer.write(buf, peer.voidPromise());
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        Channel peer = peer();
        if (peer != null) {
            peer.flush();
            if (!peer.isWritable()) {
                ctx.channel().config().setAutoRead(false);
            }
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        Channel peer = peer();
        if (peer != null && ctx.channel().isWritable()) {
            resumeReading(peer);   // the peer writes into us: it may read again
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            Channel peer = peer();
            if (peer == null && clientSide) {
                relay.earlyHalfClose = true;   // passed on once upstream is connected
                return;
            }
            if (peer == null) {
                ctx.close();
                return;
            }
            if (drained(peer)) {
                passHalfClose(ctx, peer);
            } else {
                peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> passHalfClose(ctx, peer));
            }
        } else if (evt instanceof ChannelInputShutdownReadComplete) {
            return;   // ours, handled above; the host's tail would close the connection on a half-close
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    /** Our input ended and what we read before it is written: end the peer's output. */
    private void passHalfClose(ChannelHandlerContext ctx, Channel peer) {
        if (peer.isActive()) {
            ((DuplexChannel) peer).shutdownOutput().addListener(s -> relay.inputEnded());
        } else {
            ctx.close();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        Channel peer = peer();
        if (peer != null && peer.isActive()) {
            if (drained(peer)) {
                peer.close();
            } else {
                peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            }
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Channel peer = peer();
        if (cause instanceof IOException && peer != null && peer.isOpen()) {
            log.debug("{}: {}; resetting {}", ctx.channel(), cause.toString(), peer);
            peer.config().setOption(ChannelOption.SO_LINGER, 0);   // close sends RST, as the other side did
            peer.close();
        }
        if (clientSide) {
            ctx.fireExceptionCaught(cause);   // the host's tail logs it and closes
        } else {
            if (!(cause instanceof IOException)) {
                log.error("{}: unexpected error, relay closed", ctx.channel(), cause);
            }
            ctx.close();
        }
    }
}
