package dev.portd.service.rpc;

import dev.portd.service.SourceRateWindow;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.function.Predicate;

/**
 * Answers RPC calls over UDP (RFC 5531: one call per datagram, no record marking). A datagram with
 * no readable header is dropped, never answered. Calls whose reply is much larger than the call
 * ({@code amplifies}, e.g. DUMP: a 68-byte call can draw a reply 7 to 28 times larger) are
 * answered to a non-local source at most {@code amplifyingPerSecond} times a second: with
 * spoofed sources, UDP turns a large reply into an attack on someone else. One instance per
 * socket, run on that socket's event loop; it never closes the shared socket.
 */
final class RpcDatagramHandler extends SimpleChannelInboundHandler<DatagramPacket> {
    /** Sources remembered per one-second window; beyond it every amplifying call is dropped. */
    static final int MAX_SOURCES = 65_536;

    private final RpcDispatcher dispatcher;
    private final Predicate<RpcCall> amplifies;
    private final SourceRateWindow amplifyingCalls;
    private final Runnable onLimited;

    RpcDatagramHandler(RpcDispatcher dispatcher, Predicate<RpcCall> amplifies, int amplifyingPerSecond,
                       Runnable onLimited) {
        this.dispatcher = dispatcher;
        this.amplifies = amplifies;
        this.amplifyingCalls = new SourceRateWindow(amplifyingPerSecond, MAX_SOURCES);
        this.onLimited = onLimited;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        InetSocketAddress sender = packet.sender();
        RpcCaller caller = RpcCaller.inet(false, sender, packet.recipient());
        RpcCallDecoder.Result message = RpcCallDecoder.decode(packet.content());
        if (message instanceof RpcCall call && amplifies.test(call) && !caller.isLocal() && amplifyingCalls.overLimit(sender.getAddress())) {
            onLimited.run();
            return;
        }
        ByteBuf reply = dispatcher.reply(message, caller, ctx.alloc());
        if (reply != null) {
            ctx.write(new DatagramPacket(reply, sender), ctx.voidPromise());
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
        ctx.fireChannelReadComplete();
    }
}
