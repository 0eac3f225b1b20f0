import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * bench/ref/NettyRef.java: the plain-Netty floor beside portd in bench/conncost.sh: echo and daytime
 * on epoll with one event loop per CPU (as portd), the handlers a Netty user would write and nothing
 * else (no limits, counters, idle timer). Build: javac -cp portd.jar -d ref NettyRef.java; run: java -cp portd.jar:ref NettyRef ECHO_PORT DAYTIME_PORT
 */
public final class NettyRef {
    static final DateTimeFormatter DAYTIME = DateTimeFormatter.ofPattern("EEEE, MMMM d, uuuu HH:mm:ss-'UTC'\r\n", Locale.ROOT);

    @Sharable
    static final class Echo extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    @Sharable
    static final class Daytime extends ChannelInboundHandlerAdapter {
        private volatile long second;
        private volatile byte[] line = new byte[0];

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            long now = System.currentTimeMillis() / 1000;   // the line of one second, kept, as portd does
            byte[] bytes = line;
            if (now != second) {
                bytes = ZonedDateTime.now(ZoneOffset.UTC).format(DAYTIME).getBytes(StandardCharsets.US_ASCII);
                line = bytes;
                second = now;
            }
            ctx.writeAndFlush(ctx.alloc().buffer(bytes.length).writeBytes(bytes)).addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    public static void main(String[] args) throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(Runtime.getRuntime().availableProcessors(),
                EpollIoHandler.newFactory());
        for (int i = 0; i < 2; i++) {
            new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 4096).option(ChannelOption.SO_REUSEADDR, true)
                    .childHandler(i == 0 ? new Echo() : new Daytime())
                    .bind("127.0.0.1", Integer.parseInt(args[i])).sync();
        }
        System.out.println("serving");
        Thread.currentThread().join();
    }
}
