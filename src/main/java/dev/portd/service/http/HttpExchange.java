package dev.portd.service.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.DefaultFileRegion;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * One request and its response. A route answers exactly once: a whole response, a file, or a
 * stream; until then the connection's later requests wait, so pipelined answers keep their order.
 * Every method may be called from any thread; the writes happen on the connection's event loop.
 */
final class HttpExchange {
    /** Response headers are made by us from checked values: Netty need not validate them again. */
    static final HttpHeadersFactory HEADERS = DefaultHttpHeadersFactory.headersFactory().withValidation(false);
    static final AsciiString SERVER = AsciiString.cached("portd");
    /**
     * A whole response never has trailers (its length is known): it shares Netty's immutable empty
     * set instead of making a header table of its own (about 7% of what the event loop allocates per
     * request of a small file, by JFR allocation samples).
     */
    static final HttpHeadersFactory NO_TRAILERS = new HttpHeadersFactory() {
        @Override
        public HttpHeaders newHeaders() {
            return EmptyHttpHeaders.INSTANCE;
        }

        @Override
        public HttpHeaders newEmptyHeaders() {
            return EmptyHttpHeaders.INSTANCE;
        }
    };

    private final HttpExchangeHandler connection;
    private final HttpCall call;
    final long startNanos = System.nanoTime();
    private boolean answered;
    int status;
    long bodyBytes;

    HttpExchange(HttpExchangeHandler connection, HttpCall call) {
        this.connection = connection;
        this.call = call;
    }

    HttpRequest request() {
        return call.request();
    }

    boolean isHead() {
        return call.request().method().equals(HttpMethod.HEAD);
    }

    Channel channel() {
        return connection.channel();
    }

    /** A response with these headers already set: Date, Server, and Connection as keep-alive requires. */
    static HttpResponse head(HttpResponseStatus status) {
        return new DefaultHttpResponse(HttpVersion.HTTP_1_1, status, HEADERS);
    }

    /** A whole response with a body; for HEAD the body is left out and Content-Length kept. */
    static FullHttpResponse full(HttpResponseStatus status, ByteBuf body, CharSequence contentType) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body, HEADERS, NO_TRAILERS);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        HttpUtil.setContentLength(r, body.readableBytes());
        return r;
    }

    /** A short plain-text error page. */
    static FullHttpResponse error(HttpResponseStatus status) {
        ByteBuf body = Unpooled.copiedBuffer(status.code() + " " + status.reasonPhrase() + "\n", StandardCharsets.UTF_8);
        return full(status, body, "text/plain; charset=utf-8");
    }

    /** Sends a whole response. */
    void send(FullHttpResponse response) {
        onLoop(() -> {
            if (isHead()) {
                response.content().clear();
            }
            bodyBytes = response.content().readableBytes();
            finish(response, null, null);
        });
    }

    /** Sends the head, then the file region zero-copy (sendfile or splice), unless this is HEAD. */
    void sendFile(HttpResponse head, DefaultFileRegion region) {
        onLoop(() -> {
            if (isHead()) {
                region.release();
                finish(head, null, LastHttpContent.EMPTY_LAST_CONTENT);
                return;
            }
            bodyBytes = region.count();
            finish(head, region, LastHttpContent.EMPTY_LAST_CONTENT);
        });
    }

    /**
     * Starts a chunked response that {@link #push} adds to until the client leaves
     * (server-sent events). A stream is the connection's last exchange: a later request's answer must not land
     * inside it.
     */
    void stream(HttpResponse head) {
        onLoop(() -> {
            HttpUtil.setTransferEncodingChunked(head, true);
            connection.closeAfterThis();
            connection.streamStarted();
            start(head);
            connection.write(head, false);
            connection.flush();
            connection.answered(this);
        });
    }

    /** Adds a chunk to a stream; returns the write, which fails once the client has gone. */
    ChannelFuture push(ByteBuf chunk) {
        return channel().writeAndFlush(new DefaultHttpContent(chunk));
    }

    /** Runs blocking work off the event loop, then {@code then} on it with the result or the failure. */
    <T> void blocking(Executor executor, Callable<T> work, BiConsumer<T, Throwable> then) {
        try {
            executor.execute(() -> {
                T result = null;
                Throwable failure = null;
                try {
                    result = work.call();
                } catch (Exception | LinkageError e) {
                    failure = e;
                }
                T r = result;
                Throwable f = failure;
                try {
                    channel().eventLoop().execute(() -> then.accept(r, f));
                } catch (RejectedExecutionException stopped) {
                    // the host stopped meanwhile: its event loops are gone, and so is the connection
                }
            });
        } catch (RejectedExecutionException e) {
            send(error(HttpResponseStatus.SERVICE_UNAVAILABLE));
        }
    }

    /**
     * Runs {@code then} on the event loop with the result or the failure of blocking work that may be
     * shared with other requests ({@link HttpFileCache#loadShared}); a stopped executor answers 503.
     */
    <T> void after(Supplier<CompletableFuture<T>> work, BiConsumer<T, Throwable> then) {
        CompletableFuture<T> future;
        try {
            future = work.get();
        } catch (RejectedExecutionException e) {
            send(error(HttpResponseStatus.SERVICE_UNAVAILABLE));
            return;
        }
        future.whenComplete((result, failure) -> {
            Throwable f = failure instanceof CompletionException c && c.getCause() != null ? c.getCause() : failure;
            try {
                channel().eventLoop().execute(() -> then.accept(result, f));
            } catch (RejectedExecutionException stopped) {
                // the host stopped meanwhile: its event loops are gone, and so is the connection
            }
        });
    }

    private void onLoop(Runnable task) {
        if (channel().eventLoop().inEventLoop()) {
            task.run();
        } else {
            channel().eventLoop().execute(task);
        }
    }

    private void start(HttpResponse response) {
        if (answered) {
            throw new IllegalStateException("answered twice: " + call.request().uri());
        }
        answered = true;
        connection.answersHead(isHead());
        status = response.status().code();
        HttpHeaders h = response.headers();
        h.set(HttpHeaderNames.SERVER, SERVER);
        h.set(HttpHeaderNames.DATE, HttpDates.now());
        boolean keepAlive = !call.close() && !connection.closing() && HttpUtil.isKeepAlive(call.request());
        if (!keepAlive) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (call.request().protocolVersion().equals(HttpVersion.HTTP_1_0)) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        if (!keepAlive) {
            connection.closeAfterThis();
        }
    }

    /** Writes the head, the body and the end; the end's completion counts the response as sent. */
    private void finish(HttpResponse head, Object body, Object last) {
        start(head);
        ChannelFuture done = connection.write(head, last == null && body == null);
        if (body != null) {
            done = connection.write(body, last == null);
        }
        if (last != null) {
            done = connection.write(last, true);
        }
        done.addListener((ChannelFutureListener) f -> connection.sent(this, f.isSuccess()));
        connection.answered(this);
    }
}
