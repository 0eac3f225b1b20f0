package dev.portd.service.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequestDecoder;

/**
 * The request decoder of an HTTP connection, decoding one message at a time and only while the
 * requests it has produced are being answered: pipelining (RFC 9112 section 9.3.2) with back-pressure.
 * A read of a thousand pipelined requests stays bytes until the exchange asks for the next request,
 * so the decoded requests waiting never pass {@link HttpExchangeHandler#MAX_WAITING}, however the
 * bytes arrive. (Netty's server codec decodes a whole read at once and fails past 128.)
 * <p>
 * While paused, bytes read meanwhile are held here, undecoded; the connection stops reading too, so
 * they are at most the rest of one read burst. A half-close waits until the bytes before it are decoded.
 */
final class HttpPacedDecoder extends HttpRequestDecoder {
    private ChannelHandlerContext ctx;
    private ByteBuf held;             // bytes read while paused, not yet given to the decoder
    private boolean paused;
    private boolean pumping;
    private Object inputShutdown;     // the half-close event, held until the bytes before it are decoded

    HttpPacedDecoder(HttpDecoderConfig config) {
        super(config);
        setSingleDecode(true);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        this.ctx = ctx;
        super.handlerAdded(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (!(msg instanceof ByteBuf bytes)) {
            ctx.fireChannelRead(msg);
            return;
        }
        hold(bytes);
        if (!paused && !pumping) {
            pump();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof ChannelInputShutdownEvent && buffered()) {
            inputShutdown = evt;
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    /**
     * A request with both Transfer-Encoding and Content-Length may be a smuggling attempt
     * (RFC 9112 section 6.1): the length is dropped, and the connection closes after the answer.
     */
    @Override
    protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
        super.handleTransferEncodingChunkedWithContentLength(message);
        message.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) throws Exception {
        if (held != null) {
            held.release();
            held = null;
        }
        super.handlerRemoved0(ctx);
    }

    /** The exchange's queue is full ({@code true}) or has room again: stop or go on decoding. */
    void pause(boolean full) {
        boolean resumed = paused && !full;
        paused = full;
        if (resumed && !pumping && ctx.channel().isActive()) {
            if (pump()) {
                ctx.fireChannelReadComplete();   // so what was answered meanwhile is flushed
            }
        }
    }

    /**
     * Decodes what is buffered, one message at a time, until paused or nothing more can be decoded.
     * Each turn consumes bytes or stops, so the loop is bounded by the bytes buffered.
     */
    private boolean pump() {
        boolean decoded = false;
        pumping = true;
        try {
            while (!paused && ctx.channel().isActive()) {
                int before = actualReadableBytes();
                boolean fed = held != null;
                if (fed) {
                    ByteBuf next = held;
                    held = null;
                    super.channelRead(ctx, next);
                } else if (before > 0) {
                    super.channelRead(ctx, Unpooled.EMPTY_BUFFER);
                } else {
                    break;
                }
                decoded = true;
                if (!fed && actualReadableBytes() == before) {
                    break;   // an incomplete message: wait for more bytes
                }
            }
        } catch (Exception e) {
            ctx.fireExceptionCaught(e);
        } finally {
            pumping = false;
        }
        if (inputShutdown != null && !buffered()) {
            Object evt = inputShutdown;
            inputShutdown = null;
            try {
                super.userEventTriggered(ctx, evt);
            } catch (Exception e) {
                ctx.fireExceptionCaught(e);
            }
        }
        return decoded;
    }

    private boolean buffered() {
        return held != null || actualReadableBytes() > 0;
    }

    private void hold(ByteBuf bytes) {
        held = held == null ? bytes : MERGE_CUMULATOR.cumulate(ctx.alloc(), held, bytes);
    }
}
