package dev.portd.load;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code udp-echo} on one connected UDP socket: keeps {@code window} datagrams outstanding, each an
 * 8-byte sequence number followed by the pattern. A reply must carry an outstanding number and the
 * exact bytes sent; one that has not come within the timeout is lost and replaced. A reply arriving
 * after its datagram was declared lost is ignored (it was counted once, as lost).
 */
final class UdpEchoHandler extends SimpleChannelInboundHandler<DatagramPacket> {
    static final int SEQUENCE_BYTES = 8;
    private final LoadRun run;
    private final int size;
    private final int window;
    private final long timeoutNanos;
    private final long[] seq;       // slot s always holds a number congruent to s mod window
    private final long[] sentAt;
    private final boolean[] busy;
    private ScheduledFuture<?> sweep;

    UdpEchoHandler(LoadRun run) {
        this.run = run;
        this.size = run.spec().payloadBytes();
        this.window = run.spec().window();
        this.timeoutNanos = run.spec().timeout().toNanos();
        this.seq = new long[window];
        this.sentAt = new long[window];
        this.busy = new boolean[window];
        for (int s = 0; s < window; s++) {
            seq[s] = s - window;
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        run.opened();
        for (int s = 0; s < window; s++) {
            send(ctx, s);
        }
        ctx.flush();
        long every = Math.max(1, timeoutNanos / 4);
        sweep = ctx.executor().scheduleAtFixedRate(() -> sweep(ctx), every, every, TimeUnit.NANOSECONDS);
        ctx.fireChannelActive();
    }

    private void send(ChannelHandlerContext ctx, int slot) {
        if (!run.take()) {
            busy[slot] = false;
            return;
        }
        long n = seq[slot] += window;
        ByteBuf buf = ctx.alloc().directBuffer(size);
        buf.writeLong(n).writeBytes(run.pattern().slice(n, size - SEQUENCE_BYTES));
        busy[slot] = true;
        sentAt[slot] = System.nanoTime();
        ctx.write(buf, ctx.voidPromise());
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        ByteBuf buf = packet.content();
        if (buf.readableBytes() < SEQUENCE_BYTES) {
            run.failed("udp-echo: reply shorter than the datagram sent");
            return;
        }
        long n = buf.getLong(buf.readerIndex());
        int slot = (int) Math.floorMod(n, (long) window);
        if (n < 0 || !busy[slot] || seq[slot] != n) {
            return;   // late: already counted as lost
        }
        long latency = System.nanoTime() - sentAt[slot];
        if (buf.readableBytes() != size || !run.pattern().matches(buf, buf.readerIndex() + SEQUENCE_BYTES, n,
                size - SEQUENCE_BYTES)) {
            run.opFailed("udp-echo: reply differs from the datagram sent");
        } else {
            run.completed(latency, size, size);
        }
        send(ctx, slot);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    private void sweep(ChannelHandlerContext ctx) {
        long now = System.nanoTime();
        boolean sent = false;
        for (int s = 0; s < window; s++) {
            if (busy[s] && now - sentAt[s] > timeoutNanos) {
                run.lost();
                send(ctx, s);
                sent = true;
            }
        }
        if (sent) {
            ctx.flush();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (sweep != null) {
            sweep.cancel(false);
        }
        run.closed();
        run.laneEnded();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // an ICMP port unreachable shows up here: the datagram in flight will be counted lost
        run.failed("udp: " + LoadRun.describe(cause));
    }
}
