package dev.portd.service.smtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The headers portd puts above each stored message: Return-Path with the reverse-path and the
 * Received trace line (RFC 5321 4.4), and one Delivered-To per envelope recipient (the qmail and
 * Postfix convention), so the envelope survives in the Maildir.
 */
final class SmtpTraceHeaders {
    /** RFC 5322 3.3 date-time with a numeric zone. */
    private static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT).withZone(ZoneOffset.UTC);

    private SmtpTraceHeaders() {
    }

    static ByteBuf build(ByteBufAllocator alloc, SmtpTransaction t, String helo, String address, String hostname,
                         String protocol, String id, Instant when) {
        StringBuilder b = new StringBuilder(256);
        b.append("Return-Path: <").append(t.sender()).append(">\r\n");
        for (String rcpt : t.recipients()) {
            b.append("Delivered-To: ").append(rcpt).append("\r\n");
        }
        b.append("Received: from ").append(helo).append(" ([").append(address).append("])\r\n")
                .append("\tby ").append(hostname).append(" (portd) with ").append(protocol)
                .append(" id ").append(id);
        if (t.recipients().size() == 1) {   // 4.4: "for" names one recipient, never a list
            b.append("\r\n\tfor <").append(t.recipients().get(0)).append(">");
        }
        b.append("; ").append(date(when)).append("\r\n");
        return ByteBufUtil.writeUtf8(alloc, b);
    }

    /** The date of the second last formatted, shared by the event loops: formatting cost more than the rest of the header. */
    private record Stamp(long second, String text) {
    }

    private static volatile Stamp last = new Stamp(Long.MIN_VALUE, "");

    private static String date(Instant when) {
        Stamp s = last;
        if (s.second() != when.getEpochSecond()) {
            s = new Stamp(when.getEpochSecond(), DATE.format(when));
            last = s;
        }
        return s.text();
    }
}
