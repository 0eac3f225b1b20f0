package dev.portd.service.classic;

import static dev.portd.service.ServiceKind.TCP_UDP;

import dev.portd.service.OptionSpec;
import dev.portd.service.OptionSpec.Type;
import dev.portd.service.ServiceKind;
import java.util.List;

/** The rows of the six RFC 862-868 services, for the table in {@code ServiceKinds}. */
public final class ClassicServices {
    private ClassicServices() {
    }

    public static final List<ServiceKind> KINDS = List.of(
            new ServiceKind("echo", 7, TCP_UDP, List.of(),
                    ctx -> new EchoService(), "RFC 862: sends back what it receives"),
            new ServiceKind("discard", 9, TCP_UDP, List.of(),
                    ctx -> new DiscardService(), "RFC 863: reads and throws away"),
            new ServiceKind("daytime", 13, TCP_UDP, List.of(
                    new OptionSpec("format", Type.STRING, "\"rfc867\" (default, \"Sunday, November 29, 2026 05:19:27 UTC\") or \"rfc3339\""),
                    new OptionSpec("zone", Type.STRING, "time zone of the line, e.g. \"Europe/Paris\"; default: the system's")),
                    ctx -> new DaytimeService(ctx.clock(), ctx.options()), "RFC 867: the date and time as text"),
            new ServiceKind("qotd", 17, TCP_UDP, List.of(
                    new OptionSpec("quotes", Type.PATH, "fortune-format file, quotes separated by lines of %; default: built-in quotes")),
                    ctx -> new QotdService(ctx.options()), "RFC 865: a quote under 512 characters"),
            new ServiceKind("chargen", 19, TCP_UDP, List.of(),
                    ctx -> new ChargenService(), "RFC 864: a stream of the 95 printable characters"),
            new ServiceKind("time", 37, TCP_UDP, List.of(),
                    ctx -> new TimeService(ctx.clock()), "RFC 868: seconds since 1900 as 32 bits"));
}
