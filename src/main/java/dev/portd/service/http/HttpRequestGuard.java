package dev.portd.service.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;

/**
 * Turns the decoder's output into one {@link HttpCall} per request, after the limits: a request
 * line past {@code max_line_bytes} is 414, headers past {@code max_header_bytes} or
 * {@code max_headers} 431, a body past {@code max_body_bytes} 413, other malformed requests and an
 * HTTP/1.1 request without exactly one Host (RFC 9112 section 3.2) 400, another major version
 * than 1 505. Bodies are read and thrown
 * away: a static server takes none. After an error nothing more is read from the connection.
 */
final class HttpRequestGuard extends ChannelInboundHandlerAdapter {
    private final HttpSettings settings;
    private final HttpTimeoutHandler timeouts;
    private HttpRequest head;     // the request whose body is being read
    private long bodyBytes;
    private boolean refusing;     // an error was answered: drop the rest of the connection's input

    HttpRequestGuard(HttpSettings settings, HttpTimeoutHandler timeouts) {
        this.settings = settings;
        this.timeouts = timeouts;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (refusing) {
                return;
            }
            if (msg instanceof HttpRequest request) {
                head(ctx, request);
            }
            if (head != null && msg instanceof HttpContent content) {
                body(ctx, content);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void head(ChannelHandlerContext ctx, HttpRequest request) {
        DecoderResult result = request.decoderResult();
        if (result.isFailure()) {
            Throwable cause = result.cause();
            refuse(ctx, request, cause instanceof TooLongHttpLineException ? HttpResponseStatus.REQUEST_URI_TOO_LONG
                    : cause instanceof TooLongHttpHeaderException ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
                    : HttpResponseStatus.BAD_REQUEST);
            return;
        }
        if (request.protocolVersion().majorVersion() != 1) {
            refuse(ctx, request, HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED);
            return;
        }
        if (request.headers().size() > settings.maxHeaders()) {
            refuse(ctx, request, HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE);
            return;
        }
        if (request.protocolVersion().equals(HttpVersion.HTTP_1_1) && hosts(request) != 1) {
            refuse(ctx, request, HttpResponseStatus.BAD_REQUEST);
            return;
        }
        long length;
        try {
            length = HttpUtil.getContentLength(request, 0L);
        } catch (NumberFormatException e) {
            refuse(ctx, request, HttpResponseStatus.BAD_REQUEST);
            return;
        }
        if (length > settings.maxBodyBytes()) {
            refuse(ctx, request, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE);
            return;
        }
        if (request.headers().contains(HttpHeaderNames.EXPECT)) {
            // we want no body: answer now, before the client sends it, then close (RFC 9110 10.1.1)
            boolean continues = request.headers().containsValue(HttpHeaderNames.EXPECT, HttpHeaderValues.CONTINUE, true);
            timeouts.requestRead();
            refusing = true;
            ctx.fireChannelRead(new HttpCall(request, continues ? null : HttpResponseStatus.EXPECTATION_FAILED, true));
            return;
        }
        head = request;
        bodyBytes = 0;
    }

    private static int hosts(HttpRequest request) {
        int n = 0;
        for (java.util.Iterator<? extends CharSequence> it = request.headers().valueCharSequenceIterator(HttpHeaderNames.HOST);
                it.hasNext() && n < 2; it.next()) {
            n++;
        }
        return n;
    }

    private void body(ChannelHandlerContext ctx, HttpContent content) {
        if (content.decoderResult().isFailure()) {
            refuse(ctx, head, HttpResponseStatus.BAD_REQUEST);
            return;
        }
        bodyBytes += content.content().readableBytes();
        if (bodyBytes > settings.maxBodyBytes()) {
            refuse(ctx, head, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE);
            return;
        }
        if (content instanceof LastHttpContent) {
            HttpRequest request = head;
            head = null;
            timeouts.requestRead();
            ctx.fireChannelRead(new HttpCall(request, null, false));
        }
    }

    private void refuse(ChannelHandlerContext ctx, HttpRequest request, HttpResponseStatus status) {
        head = null;
        refusing = true;
        timeouts.requestRead();
        ctx.channel().config().setAutoRead(false);
        ctx.fireChannelRead(new HttpCall(request, status, true));
    }
}
