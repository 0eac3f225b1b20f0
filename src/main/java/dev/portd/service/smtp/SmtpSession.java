package dev.portd.service.smtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.AsyncMapping;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.NetUtil;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SMTP session (RFC 5321): reads framed lines, runs commands from {@link SmtpCommands}, collects
 * DATA, and hands finished messages to the {@link MaildirStore}. While a message is being stored,
 * pipelined lines wait in order (RFC 2920: replies stay in command order), so the 250 after the
 * final dot is only ever sent once the message is on disk.
 */
final class SmtpSession extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(SmtpSession.class);
    /**
     * Lines kept while a message is being stored before reading pauses: a pipelined transaction
     * (MAIL, 100 RCPTs, DATA) fits, and a client that floods is held at 128 KiB of 512-octet lines.
     * Reading goes on below it, so a message costs no pause and resume of the socket.
     */
    static final int MAX_WAITING_LINES = 256;

    private final SmtpSettings settings;
    private final MaildirStore store;
    private final SmtpLineDecoder decoder;
    private final ArrayDeque<SmtpLine> waiting = new ArrayDeque<>();
    private ChannelHandlerContext ctx;

    private String clientName;
    private boolean extended;
    private boolean tls;
    private int errors;
    private SmtpTransaction transaction;
    private SmtpMessageReader data;   // non-null between 354 and the final dot
    private boolean storing;
    private boolean closing;
    private boolean inputShutdown;   // the client half-closed while a message was being stored

    SmtpSession(SmtpSettings settings, MaildirStore store, SmtpLineDecoder decoder) {
        this.settings = settings;
        this.store = store;
        this.decoder = decoder;
    }

    // ---- what commands see ----

    SmtpSettings settings() {
        return settings;
    }

    String clientName() {
        return clientName;
    }

    /** The client's address as an RFC 5321 4.1.3 address literal body: {@code 192.0.2.1} or {@code IPv6:2001:db8::1}. */
    String clientAddress() {
        if (ctx.channel().remoteAddress() instanceof InetSocketAddress a && a.getAddress() != null) {
            String text = NetUtil.toAddressString(a.getAddress());
            return a.getAddress() instanceof Inet6Address ? "IPv6:" + text : text;
        }
        return String.valueOf(ctx.channel().remoteAddress());
    }

    boolean tls() {
        return tls;
    }

    SmtpTransaction transaction() {
        return transaction;
    }

    void greeted(String name, boolean esmtp) {
        this.clientName = name;
        this.extended = esmtp;
        this.transaction = null;
    }

    void beginTransaction(SmtpTransaction t) {
        this.transaction = t;
    }

    /** One reply line: {@code code enhanced text}; enhanced may be null (RFC 2034 3). */
    void reply(int code, String enhanced, String text) {
        int enhancedBytes = enhanced == null ? 0 : enhanced.length() + 1;
        ByteBuf line = ctx.alloc().buffer(4 + enhancedBytes + ByteBufUtil.utf8MaxBytes(text) + 2);
        line.writeByte('0' + code / 100).writeByte('0' + code / 10 % 10).writeByte('0' + code % 10).writeByte(' ');
        if (enhanced != null) {
            ByteBufUtil.writeAscii(line, enhanced);
            line.writeByte(' ');
        }
        ByteBufUtil.writeUtf8(line, text);
        line.writeByte('\r').writeByte('\n');
        ctx.write(line, ctx.voidPromise());
    }

    /** A multi-line reply (RFC 5321 4.2.1): {@code code-text} lines, then {@code code text}. */
    void replyLines(int code, List<String> lines) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            b.append(code).append(i == lines.size() - 1 ? ' ' : '-').append(lines.get(i)).append("\r\n");
        }
        ctx.write(ByteBufUtil.encodeString(ctx.alloc(), java.nio.CharBuffer.wrap(b), StandardCharsets.UTF_8),
                ctx.voidPromise());
    }

    /** A protocol error: replied, counted, and past {@code max_errors} the session ends with 421. */
    void error(int code, String enhanced, String text) {
        reply(code, enhanced, text);
        if (++errors >= settings.maxErrors()) {
            replyAndClose(421, "4.7.0", settings.hostname() + " Error: too many errors, closing connection");
        }
    }

    void replyAndClose(int code, String enhanced, String text) {
        reply(code, enhanced, text);
        closing = true;
        discardWaiting();
        ctx.channel().config().setAutoRead(false);
        ctx.writeAndFlush(ctx.alloc().buffer(0)).addListener(ChannelFutureListener.CLOSE);
    }

    /** After DATA: 354, then text lines, unless the client sent them before it could see the 354. */
    void beginData() {
        if (!waiting.isEmpty() || decoder.hasBuffered()) {
            // RFC 2920 3.1: DATA ends a pipelined group; bytes after it came before our 354
            replyAndClose(554, "5.5.0", "Error: SMTP protocol synchronization: data sent before the 354 reply");
            return;
        }
        reply(354, null, "End data with <CR><LF>.<CR><LF>");
        data = new SmtpMessageReader(ctx.alloc(), settings.maxMessageBytes());
        decoder.maxLineBytes(SmtpLineDecoder.TEXT_LINE_BYTES);
    }

    void startTls() {
        discardWaiting();
        decoder.discardBuffered();   // plaintext pipelined after STARTTLS never reaches a command
        ctx.flush();
        // Netty's SniHandler holds the client's hello until the context is ready, then puts the
        // SslHandler in its place; the 220 below leaves in clear as it passes outbound. The self-signed
        // context is made when the first client asks, so that hello may wait for it: up to the
        // session's timeout, not Netty's default of 10 s
        AsyncMapping<String, SslContext> context = (serverName, promise) -> {
            settings.tls().get().whenComplete((c, e) -> {
                if (e != null) {
                    promise.tryFailure(e);
                } else {
                    promise.trySuccess(c);
                }
            });
            return promise;
        };
        ctx.pipeline().addBefore(ctx.executor(), ctx.pipeline().context(decoder).name(), "smtp-tls",
                new SniHandler(context, 65536, settings.timeout().toMillis()));
        reply(220, "2.0.0", "Ready to start TLS");
        ctx.flush();
        tls = true;
        clientName = null;   // RFC 3207 4.2: forget everything learnt before TLS
        extended = false;
        transaction = null;
    }

    // ---- the channel ----

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        reply(220, null, settings.hostname() + " ESMTP portd");
        ctx.flush();
        ctx.fireChannelActive();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof SmtpLine line)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (closing) {
            line.release();
        } else if (storing) {
            waiting.add(line);
            if (waiting.size() == MAX_WAITING_LINES) {
                ctx.channel().config().setAutoRead(false);   // resumed by stored() once they are answered
            }
        } else {
            handle(line);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
        ctx.fireChannelReadComplete();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent && (storing || !waiting.isEmpty())) {
            inputShutdown = true;   // "... .\r\nQUIT\r\n" then FIN: answer everything before closing
            return;
        }
        if (evt instanceof IdleStateEvent) {
            if (!closing && !storing) {
                replyAndClose(421, "4.4.2", settings.hostname() + " Error: timeout exceeded, closing connection");
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        discardWaiting();
        if (data != null) {
            data.release();   // a torn transfer: nothing of it is stored
            data = null;
        }
        ctx.fireChannelInactive();
    }

    private void discardWaiting() {
        SmtpLine l;
        while ((l = waiting.poll()) != null) {
            l.release();
        }
    }

    private void handle(SmtpLine line) {
        if (data != null) {
            if (data.add(line)) {
                endOfData();
            }
            return;
        }
        if (!line.ok()) {
            error(500, "5.5.2", switch (line.failure()) {
                case TOO_LONG -> "Error: line too long (at most " + SmtpLineDecoder.COMMAND_LINE_BYTES + " octets with CRLF)";
                case BARE_LF -> "Error: bare <LF> received; lines end with <CR><LF>";
                case BARE_CR -> "Error: bare <CR> received; lines end with <CR><LF>";
                case NUL -> "Error: NUL octet received";
            });
            return;
        }
        String text = line.content().toString(StandardCharsets.UTF_8);
        line.release();
        int space = text.indexOf(' ');
        String verb = space < 0 ? text : text.substring(0, space);
        String argument = space < 0 ? "" : text.substring(space + 1);
        if (log.isDebugEnabled()) {
            log.debug("{} < {}", ctx.channel(), verb.toUpperCase(Locale.ROOT));
        }
        SmtpCommands.find(verb).execute(this, argument);
    }

    private void endOfData() {
        SmtpMessageReader message = data;
        SmtpTransaction t = transaction;
        data = null;
        transaction = null;
        decoder.maxLineBytes(SmtpLineDecoder.COMMAND_LINE_BYTES);
        if (message.refusal() != null) {
            SmtpMessageReader.Refusal r = message.refusal();
            message.release();
            reply(r.code(), r.enhanced(), r.text());
            return;
        }
        String base = store.uniqueName();
        ByteBuf head = SmtpTraceHeaders.build(ctx.alloc(), t, clientName, clientAddress(), settings.hostname(),
                protocol(t), base, store.now());
        ByteBuf body = message.take();
        storing = true;
        ctx.flush();
        store.deliver(base, head, body).whenComplete((name, failure) -> ctx.executor().execute(() -> stored(name, failure)));
    }

    private void stored(String name, Throwable failure) {
        storing = false;
        if (!ctx.channel().isActive()) {
            discardWaiting();
            return;
        }
        if (failure == null) {
            reply(250, "2.0.0", "OK: queued as " + name);
        } else {
            log.warn("smtp: cannot store a message in the Maildir: {}", failure.toString());
            reply(451, "4.3.0", "Error: local error in processing, try again later");
        }
        SmtpLine next;
        while (!storing && !closing && (next = waiting.poll()) != null) {
            handle(next);
        }
        ctx.flush();
        if (!storing && !closing && inputShutdown) {
            ctx.writeAndFlush(ctx.alloc().buffer(0)).addListener(ChannelFutureListener.CLOSE);
        } else if (!storing && !closing && !ctx.channel().config().isAutoRead()) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    /** The WITH protocol of the Received header (RFC 3848, RFC 6531 3.7.3). */
    private String protocol(SmtpTransaction t) {
        String p = t.utf8() ? "UTF8SMTP" : extended ? "ESMTP" : "SMTP";
        return tls ? p + "S" : p;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof DecoderException && cause.getCause() instanceof SSLException) {
            // a client that rejects our certificate or speaks no TLS: its problem, not our bug
            log.debug("{}: TLS failed: {}", ctx.channel(), cause.getCause().toString());
            ctx.close();
            return;
        }
        ctx.fireExceptionCaught(cause);   // the host's tail logs it once and closes
    }
}
