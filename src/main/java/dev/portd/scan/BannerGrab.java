package dev.portd.scan;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.resolver.NoopAddressResolverGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * {@code --banners}: connects again to each open port and reads what the service says first; where
 * it says nothing within the wait (HTTP and most request/response protocols), sends a harmless
 * {@code HEAD / HTTP/1.0} and reads the answer. The bytes name what really runs there
 * ({@link BannerNames}).
 */
public final class BannerGrab {
    /** The probe for services that wait for the client: HTTP answers it, most others reject it. */
    static final byte[] PROBE = "HEAD / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    /** Bytes kept per banner: enough for a status line and a Server header. */
    static final int MAX_BYTES = 1024;
    /** After the first bytes arrive, how long more may follow (HTTP headers come in one burst). */
    static final long MORE_MILLIS = 150;
    /** Banner connects in flight at once: few ports are open, and each may be held for the wait. */
    static final int CONCURRENCY = 256;

    private BannerGrab() {
    }

    /** A banner: its printable first line(s) and the service it names, or an empty service. */
    public record Banner(String text, String service) {
    }

    /** Grabs a banner from each address; a port that says nothing and closes gets an empty text. */
    public static Map<InetSocketAddress, Banner> grab(List<InetSocketAddress> open, Duration wait)
            throws InterruptedException {
        Map<InetSocketAddress, Banner> result = new ConcurrentHashMap<>();
        if (open.isEmpty()) {
            return result;
        }
        ClientTransport transport = ClientTransport.choose();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("portd-banner", true),
                transport.ioHandler());
        try {
            CountDownLatch done = new CountDownLatch(open.size());
            Semaphore slots = new Semaphore(CONCURRENCY);
            for (InetSocketAddress address : open) {
                slots.acquire();
                Bootstrap b = new Bootstrap().group(group).channelFactory(() -> transport.open(address.getAddress()))
                        .resolver(NoopAddressResolverGroup.INSTANCE)
                        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) wait.toMillis())
                        .handler(new ChannelInitializer<SocketChannel>() {
                            @Override
                            protected void initChannel(SocketChannel ch) {
                                ch.pipeline().addLast(new Reader(wait.toMillis(), banner -> result.put(address, banner)));
                            }
                        });
                b.connect(address).addListener(f -> {
                    if (f.isSuccess()) {
                        ((io.netty.channel.ChannelFuture) f).channel().closeFuture().addListener(c -> {
                            slots.release();
                            done.countDown();
                        });
                    } else {
                        slots.release();
                        done.countDown();
                    }
                });
            }
            done.await(wait.toMillis() * 2 + 5000, TimeUnit.MILLISECONDS);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        return result;
    }

    /** Waits for a greeting, else probes; collects up to MAX_BYTES, then reports them and closes. */
    static final class Reader extends ChannelInboundHandlerAdapter {
        private final long waitMillis;
        private final java.util.function.Consumer<Banner> report;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private boolean probed;
        private boolean reported;

        Reader(long waitMillis, java.util.function.Consumer<Banner> report) {
            this.waitMillis = waitMillis;
            this.report = report;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.executor().schedule(() -> {
                if (bytes.size() == 0 && ctx.channel().isActive()) {
                    probed = true;
                    ctx.writeAndFlush(Unpooled.wrappedBuffer(PROBE));
                    ctx.executor().schedule(() -> done(ctx), waitMillis, TimeUnit.MILLISECONDS);
                }
            }, waitMillis, TimeUnit.MILLISECONDS);
            ctx.read();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            try {
                boolean first = bytes.size() == 0;
                int take = Math.min(buf.readableBytes(), MAX_BYTES - bytes.size());
                byte[] chunk = new byte[take];
                buf.readBytes(chunk);
                bytes.write(chunk, 0, take);
                if (bytes.size() >= MAX_BYTES) {
                    done(ctx);
                } else if (first) {
                    ctx.executor().schedule(() -> done(ctx), MORE_MILLIS, TimeUnit.MILLISECONDS);
                }
            } finally {
                buf.release();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            done(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            done(ctx);
        }

        private void done(ChannelHandlerContext ctx) {
            if (!reported) {
                reported = true;
                byte[] got = bytes.toByteArray();
                report.accept(BannerNames.identify(got, probed));
            }
            PortScan.resetAndClose(ctx.channel());
        }
    }
}
