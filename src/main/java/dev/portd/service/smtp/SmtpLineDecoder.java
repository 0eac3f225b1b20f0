package dev.portd.service.smtp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Frames the byte stream into CRLF-terminated lines (RFC 5321 2.3.8) with a length limit that the
 * session switches: 512 octets for command lines, 1000 for text lines (4.5.3.1.4, 4.5.3.1.6), both
 * counting the CRLF. Bad bytes do not raise an exception: they become a failed {@link SmtpLine}, and
 * the session answers with the protocol's reply. An overlong line is skipped up to its LF and
 * reported once.
 */
final class SmtpLineDecoder extends ByteToMessageDecoder {
    static final int COMMAND_LINE_BYTES = 512;
    static final int TEXT_LINE_BYTES = 1000;

    private int maxLineBytes = COMMAND_LINE_BYTES;
    private boolean skipping;

    /** Sets the longest line accepted from now on, CRLF included. */
    void maxLineBytes(int bytes) {
        this.maxLineBytes = bytes;
    }

    /** Whether bytes have arrived that no line has been framed from yet. */
    boolean hasBuffered() {
        ByteBuf buffered = internalBuffer();
        return buffered.isReadable();
    }

    /** Drops every byte received but not yet framed (plaintext pipelined after STARTTLS). */
    void discardBuffered() {
        ByteBuf buffered = internalBuffer();
        buffered.skipBytes(buffered.readableBytes());
        skipping = false;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int start = in.readerIndex();
        int lf = in.indexOf(start, in.writerIndex(), (byte) '\n');
        if (skipping) {
            if (lf < 0) {
                in.skipBytes(in.readableBytes());
            } else {
                in.readerIndex(lf + 1);
                skipping = false;
                out.add(SmtpLine.failed(SmtpLine.Failure.TOO_LONG));
            }
            return;
        }
        if (lf < 0) {
            if (in.readableBytes() >= maxLineBytes) {   // no room left for a CRLF within the limit
                in.skipBytes(in.readableBytes());
                skipping = true;
            }
            return;
        }
        int length = lf - start + 1;
        if (length > maxLineBytes) {
            in.readerIndex(lf + 1);
            out.add(SmtpLine.failed(SmtpLine.Failure.TOO_LONG));
            return;
        }
        if (length < 2 || in.getByte(lf - 1) != '\r') {
            in.readerIndex(lf + 1);
            out.add(SmtpLine.failed(SmtpLine.Failure.BARE_LF));
            return;
        }
        int contentLength = length - 2;
        if (in.indexOf(start, start + contentLength, (byte) '\r') >= 0) {
            in.readerIndex(lf + 1);
            out.add(SmtpLine.failed(SmtpLine.Failure.BARE_CR));
            return;
        }
        if (in.indexOf(start, start + contentLength, (byte) 0) >= 0) {
            in.readerIndex(lf + 1);
            out.add(SmtpLine.failed(SmtpLine.Failure.NUL));
            return;
        }
        ByteBuf content = in.readRetainedSlice(contentLength);
        in.skipBytes(2);
        out.add(SmtpLine.of(content));
    }
}
