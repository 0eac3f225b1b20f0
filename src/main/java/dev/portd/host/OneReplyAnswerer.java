package dev.portd.host;

import dev.portd.service.OneReply;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.NativeInetAddress;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a one-reply service ({@link OneReply}: daytime, time, qotd) on the accepted socket itself,
 * in the listener's accept loop: the host's checks as for any connection ({@link Admission}: access
 * rules, {@code max_connections}, {@code per_source}, the fd budget, each refusal counted), then the
 * reply in one write, then close. No channel, pipeline, epoll registration or idle timer: a daytime
 * connection costs accept, write and close, as in a C server. It counts in the totals (connections,
 * bytes out) but never shows as open, since it holds its slots only while it is being served.
 *
 * <p>Should the socket take only part of the reply at once (the kernel short of memory), the rest
 * goes out through a channel of its own, which holds the connection's slots until it closes.
 */
final class OneReplyAnswerer {
    /** Writes what the socket takes of the reply now; the bytes written, 0 if none. */
    interface Send {
        int send(FileDescriptor socket, ByteBuf reply) throws IOException;
    }

    private static final Logger log = LoggerFactory.getLogger(OneReplyAnswerer.class);

    private final Admission admission;
    private final ServiceStats stats;
    private final OneReply service;
    private final ChannelGroup hostConnections;
    private final ChannelGroup serviceConnections;
    private final BooleanSupplier closing;
    private final Send send;

    OneReplyAnswerer(Admission admission, ServiceStats stats, OneReply service, ChannelGroup hostConnections,
                     ChannelGroup serviceConnections, BooleanSupplier closing) {
        this(admission, stats, service, hostConnections, serviceConnections, closing, OneReplyAnswerer::write);
    }

    OneReplyAnswerer(Admission admission, ServiceStats stats, OneReply service, ChannelGroup hostConnections,
                     ChannelGroup serviceConnections, BooleanSupplier closing, Send send) {
        this.admission = admission;
        this.stats = stats;
        this.service = service;
        this.hostConnections = hostConnections;
        this.serviceConnections = serviceConnections;
        this.closing = closing;
        this.send = send;
    }

    /** Serves the accepted socket {@code fd} (see {@link AnsweringServerChannel.Answerer}); always takes it. */
    boolean answer(EventLoop loop, int fd, byte[] address, int offset, int length) {
        FileDescriptor socket = new FileDescriptor(fd);
        if (closing.getAsBoolean()) {   // accepted while the host stops: closed unserved, as on the pipeline path
            close(socket);
            return true;
        }
        InetSocketAddress remote = NativeInetAddress.address(address, offset, length);
        InetAddress peer = remote.getAddress();
        if ((admission.hasRules() && !admission.permits(peer)) || !admission.acquire(peer)) {
            close(socket);
            return true;
        }
        stats.total.increment();
        if (log.isDebugEnabled()) {
            log.debug("{}: connection from {}, answered at accept", admission.label(), remote);
        }
        ByteBuf reply = service.reply();
        int size = reply.readableBytes();
        stats.bytesOut.add(size);
        int written;
        try {
            written = send.send(socket, reply);
        } catch (IOException e) {   // reset by the peer already: nothing more to send
            log.debug("{}: {}: {}", admission.label(), remote, e.toString());
            written = size;
        }
        if (written < size) {
            sendRestLater(loop, fd, reply.skipBytes(written), peer);
            return true;
        }
        reply.release();
        close(socket);
        admission.release(peer);
        return true;
    }

    /** One write of the reply's readable bytes, from its memory address when it has one. */
    static int write(FileDescriptor socket, ByteBuf reply) throws IOException {
        if (reply.hasMemoryAddress()) {
            return socket.writeAddress(reply.memoryAddress(), reply.readerIndex(), reply.writerIndex());
        }
        if (reply.isDirect() && reply.nioBufferCount() == 1) {
            ByteBuffer bytes = reply.internalNioBuffer(reply.readerIndex(), reply.readableBytes());
            return socket.write(bytes, bytes.position(), bytes.limit());
        }
        return 0;   // a heap or composite buffer: the channel below copies it for the socket
    }

    private void sendRestLater(EventLoop loop, int fd, ByteBuf rest, InetAddress peer) {
        EpollSocketChannel ch = new EpollSocketChannel(fd);
        if (!ch.isActive()) {   // reset meanwhile
            rest.release();
            ch.unsafe().closeForcibly();
            admission.release(peer);
            return;
        }
        stats.open.incrementAndGet();
        ch.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);   // a client's FIN must not cut the reply
        ch.pipeline().addLast(new RestOfReply(rest, peer));
        loop.register(ch);
        hostConnections.add(ch);
        serviceConnections.add(ch);
    }

    private void close(FileDescriptor socket) {
        try {
            socket.close();
        } catch (IOException e) {
            log.debug("{}: closing an answered socket: {}", admission.label(), e.toString());
        }
    }

    /** Sends what the first write left, then closes; the connection's slots are given back when it has. */
    private final class RestOfReply extends ChannelInboundHandlerAdapter {
        private ByteBuf rest;
        private final InetAddress peer;

        RestOfReply(ByteBuf rest, InetAddress peer) {
            this.rest = rest;
            this.peer = peer;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ByteBuf bytes = rest;
            rest = null;
            ctx.writeAndFlush(bytes).addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);   // the client's input is ignored, as on every path of these services
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            ReferenceCountUtil.release(evt);   // the client's FIN: the reply still goes out, then we close
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (rest != null) {   // closed by the host before it was active
                rest.release();
                rest = null;
            }
            stats.open.decrementAndGet();
            admission.release(peer);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof IOException) {
                log.debug("{}: {}", ctx.channel(), cause.toString());
            } else {
                log.error("{}: unexpected error, connection closed", ctx.channel(), cause);
            }
            ctx.close();
        }
    }
}
