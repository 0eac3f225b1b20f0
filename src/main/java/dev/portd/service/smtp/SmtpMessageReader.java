package dev.portd.service.smtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Collects the text of one DATA phase (RFC 5321 4.1.1.4): lines until the line holding only a dot,
 * with dot-stuffing undone (4.5.2), each stored with CRLF. Only CRLF.CRLF ends the data, so a dot
 * after a bare LF is not an end (SMTP smuggling). A bad line or an oversized message does not stop
 * the reading: the rest is skipped, and the refusal is the reply to the final dot.
 */
final class SmtpMessageReader {
    /** The reply to the final dot when the message is refused. */
    record Refusal(int code, String enhanced, String text) {
    }

    private final long maxBytes;
    private ByteBuf message;
    private Refusal refusal;

    SmtpMessageReader(ByteBufAllocator alloc, long maxBytes) {
        this.maxBytes = maxBytes;
        this.message = alloc.buffer(4096);
    }

    /** Takes one line (and its ownership); true when it was the final dot. */
    boolean add(SmtpLine line) {
        if (!line.ok()) {
            refuse(switch (line.failure()) {
                case TOO_LONG -> new Refusal(500, "5.5.2", "Error: text line too long (at most "
                        + SmtpLineDecoder.TEXT_LINE_BYTES + " octets with CRLF)");
                case BARE_LF -> new Refusal(554, "5.6.0", "Error: bare <LF> in message; lines end with <CR><LF>");
                case BARE_CR -> new Refusal(554, "5.6.0", "Error: bare <CR> in message; lines end with <CR><LF>");
                case NUL -> new Refusal(554, "5.6.0", "Error: NUL octet in message");
            });
            return false;
        }
        ByteBuf content = line.content();
        try {
            if (content.readableBytes() == 1 && content.getByte(content.readerIndex()) == '.') {
                return true;
            }
            if (refusal != null) {
                return false;
            }
            if (content.isReadable() && content.getByte(content.readerIndex()) == '.') {
                content.skipBytes(1);
            }
            if ((long) message.readableBytes() + content.readableBytes() + 2 > maxBytes) {
                refuse(new Refusal(552, "5.3.4", "Error: message exceeds fixed limit of " + maxBytes + " octets"));
                return false;
            }
            message.writeBytes(content).writeByte('\r').writeByte('\n');
            return false;
        } finally {
            line.release();
        }
    }

    /** Why the message is refused; null when it may be stored. */
    Refusal refusal() {
        return refusal;
    }

    /** The message text; the caller owns it from here. */
    ByteBuf take() {
        ByteBuf m = message;
        message = null;
        return m;
    }

    void release() {
        if (message != null) {
            message.release();
            message = null;
        }
    }

    private void refuse(Refusal r) {
        if (refusal == null) {
            refusal = r;
            message.clear();   // nothing more will be kept
        }
    }
}
