package dev.portd.service.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * {@code /api/events}: server-sent events (HTML Living Standard, section 9.2) carrying the host's
 * snapshot once a second to every open dashboard. One ticker serves all subscribers and runs only
 * while there are some; the snapshot is made off the event loops (it reads /proc for open files).
 */
final class DashboardFeed {
    static final long PERIOD_MILLIS = 1000;

    private final ChannelGroup subscribers = new DefaultChannelGroup("dashboard-events", GlobalEventExecutor.INSTANCE);
    private final Supplier<byte[]> snapshot;
    private final Executor blocking;
    private ScheduledFuture<?> ticker;

    DashboardFeed(Supplier<byte[]> snapshot, Executor blocking) {
        this.snapshot = snapshot;
        this.blocking = blocking;
    }

    void subscribe(HttpExchange exchange) {
        HttpResponse head = HttpExchange.head(HttpResponseStatus.OK);
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        exchange.stream(head);
        Channel ch = exchange.channel();
        exchange.blocking(blocking, () -> event("retry: 3000\n", snapshot.get()), (first, failure) -> {
            if (failure == null) {
                exchange.push(first);
                subscribers.add(ch);
                start(ch);
            } else {
                ch.close();
            }
        });
    }

    private synchronized void start(Channel ch) {
        if (ticker == null) {
            ticker = ch.eventLoop().scheduleAtFixedRate(this::tick, PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    private synchronized void tick() {
        if (subscribers.isEmpty()) {
            ticker.cancel(false);
            ticker = null;
            return;
        }
        try {
            blocking.execute(() -> {
                ByteBuf event = event("", snapshot.get());
                subscribers.writeAndFlush(new DefaultHttpContent(event));
            });
        } catch (RejectedExecutionException e) {
            ticker.cancel(false);   // the host is stopping
            ticker = null;
        }
    }

    private static ByteBuf event(String prefix, byte[] json) {
        byte[] head = (prefix + "data: ").getBytes(StandardCharsets.US_ASCII);
        return Unpooled.wrappedBuffer(head, json, "\n\n".getBytes(StandardCharsets.US_ASCII));
    }

    void close() {
        subscribers.close();
    }
}
