package dev.portd.service.forward;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * UDP relay on the service's shared socket: each client address gets an upstream socket of its
 * own, so upstream's answers find their way back to the right client; a mapping unused for
 * {@code udp_idle_timeout} is closed. Never closes the shared socket.
 *
 * <p>The map is touched only from the shared socket's event loop, where the upstream sockets run
 * too, so it needs no locking.
 */
final class ForwardDatagramHandler extends ChannelInboundHandlerAdapter {
    private final Supplier<CompletableFuture<InetSocketAddress>> upstream;
    private final long idleNanos;
    private final int maxClients;
    private final ForwardStats stats;
    private final Map<InetSocketAddress, Mapping> mappings = new HashMap<>();
    private ScheduledFuture<?> sweep;

    /** One client's upstream socket and when it last carried a datagram. */
    private static final class Mapping {
        final ChannelFuture bound;
        long lastUsed;

        Mapping(ChannelFuture bound, long now) {
            this.bound = bound;
            this.lastUsed = now;
        }
    }

    ForwardDatagramHandler(Supplier<CompletableFuture<InetSocketAddress>> upstream, Duration idle, int maxClients,
                           ForwardStats stats) {
        this.upstream = upstream;
        this.idleNanos = idle.toNanos();
        this.maxClients = maxClients;
        this.stats = stats;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        long every = Math.max(250_000_000L, idleNanos / 4);
        sweep = ctx.executor().scheduleAtFixedRate(this::expire, every, every, TimeUnit.NANOSECONDS);
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (sweep != null) {
            sweep.cancel(false);
        }
        mappings.values().forEach(m -> m.bound.channel().close());
        stats.udpClients.addAndGet(-mappings.size());
        mappings.clear();
        ctx.fireChannelInactive();
    }

    private void expire() {
        long now = System.nanoTime();
        for (Iterator<Mapping> it = mappings.values().iterator(); it.hasNext(); ) {
            Mapping m = it.next();
            if (now - m.lastUsed >= idleNanos) {
                m.bound.channel().close();
                it.remove();
                stats.udpClients.decrementAndGet();
            }
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof DatagramPacket packet)) {
            ctx.fireChannelRead(msg);
            return;
        }
        InetSocketAddress client = packet.sender();
        long now = System.nanoTime();
        Mapping m = mappings.get(client);
        if (m == null) {
            if (mappings.size() >= maxClients) {
                stats.udpDropped.increment();
                packet.release();
                return;
            }
            m = new Mapping(open(ctx.channel(), client), now);
            mappings.put(client, m);
            stats.udpClients.incrementAndGet();
        }
        m.lastUsed = now;
        Mapping mapping = m;
        int bytes = packet.content().readableBytes();
        var content = packet.content().retain();
        packet.release();
        mapping.bound.addListener(bound -> upstream.get().whenComplete((to, failure) -> {
            Channel up = mapping.bound.channel();
            if (failure != null || !bound.isSuccess() || !up.isActive()) {
                content.release();
                up.eventLoop().execute(stats.udpDropped::increment);
                return;
            }
            up.eventLoop().execute(() -> {
                stats.toUpstream.add(bytes);
                up.writeAndFlush(new DatagramPacket(content, to), up.voidPromise());
            });
        }));
    }

    /** An upstream socket for one client, on the shared socket's loop; answers go back to the client. */
    private ChannelFuture open(Channel shared, InetSocketAddress client) {
        return new Bootstrap().group(shared.eventLoop()).channel(Transports.datagramOf(shared))
                .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket answer) {
                        Mapping m = mappings.get(client);
                        if (m != null) {
                            m.lastUsed = System.nanoTime();
                        }
                        stats.fromUpstream.add(answer.content().readableBytes());
                        shared.writeAndFlush(new DatagramPacket(answer.content().retain(), client), shared.voidPromise());
                    }

                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        stats.udpDropped.increment();   // e.g. ICMP port unreachable from upstream: keep the socket
                    }
                })
                .bind(0);
    }
}
