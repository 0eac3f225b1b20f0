package dev.portd.service.classic;

import dev.portd.service.KindCheck;
import dev.portd.service.Option;
import dev.portd.service.ServiceContext;
import dev.portd.service.ServiceOptions;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * Daytime (RFC 867): the current date and time as one line of ASCII. The RFC fixes no syntax; the
 * default follows its first example, "Weekday, Month Day, Year Time-Zone", e.g.
 * {@code Sunday, November 29, 2026 05:19:27 UTC}; {@code format = "rfc3339"} sends
 * {@code 2026-11-29T05:19:27Z} for programs.
 */
public final class DaytimeService extends OneReplyService {
    static final DateTimeFormatter RFC867 =
            DateTimeFormatter.ofPattern("EEEE, MMMM d, uuuu HH:mm:ss zzz", Locale.ENGLISH);
    static final DateTimeFormatter RFC3339 = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssXXX");

    static final Option<String> FORMAT = Option.choice("format", "rfc867", List.of("rfc867", "rfc3339"),
            "\"rfc867\": Sunday, November 29, 2026 05:19:27 UTC; \"rfc3339\": 2026-11-29T05:19:27Z");
    static final Option<String> ZONE = Option.string("zone", null, "time zone of the line, e.g. \"Europe/Paris\"")
            .defaultText("the system's");
    public static final List<Option<?>> OPTIONS = List.of(FORMAT, ZONE);

    private final Clock clock;
    private final DateTimeFormatter format;

    public DaytimeService(ServiceContext ctx) {
        Clock zoned = ctx.options().find(ZONE).map(z -> ctx.clock().withZone(ZoneId.of(z))).orElse(ctx.clock());
        // a bare offset of zero prints as "Z"; people read "UTC"
        this.clock = zoned.getZone().equals(ZoneOffset.UTC) ? zoned.withZone(ZoneId.of("UTC")) : zoned;
        this.format = ctx.options().get(FORMAT).equals("rfc3339") ? RFC3339 : RFC867;
    }

    /** The zone must be one the JDK knows. */
    public static void check(ServiceOptions options, KindCheck.Problems problems) {
        options.find(ZONE).ifPresent(zone -> {
            try {
                ZoneId.of(zone);
            } catch (DateTimeException e) {
                problems.add(ZONE, "not a time zone; use e.g. \"UTC\" or \"Europe/Paris\"");
            }
        });
    }

    /** The line of one second, kept: formatting a date costs more than the rest of a connection. */
    private record Line(long second, ByteBuf buf) {
    }

    private volatile Line last = new Line(Long.MIN_VALUE, Unpooled.EMPTY_BUFFER);

    private Line line() {
        long second = Math.floorDiv(clock.millis(), 1000);   // no Instant made per connection
        Line cached = last;
        if (cached.second() != second) {
            String text = format.format(ZonedDateTime.ofInstant(Instant.ofEpochSecond(second), clock.getZone())) + "\r\n";
            cached = new Line(second, constant(text.getBytes(StandardCharsets.US_ASCII)));
            last = cached;
        }
        return cached;
    }

    @Override
    public ByteBuf reply() {
        return line().buf().duplicate();
    }
}
