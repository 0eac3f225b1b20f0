package dev.portd.service;

import static dev.portd.service.ServiceKind.TCP;
import static dev.portd.service.ServiceKind.TCP_UDP;

import dev.portd.service.classic.ChargenService;
import dev.portd.service.classic.DaytimeService;
import dev.portd.service.classic.DiscardService;
import dev.portd.service.classic.EchoService;
import dev.portd.service.classic.QotdService;
import dev.portd.service.classic.TimeService;
import dev.portd.service.exec.ExecService;
import dev.portd.service.forward.ForwardService;
import dev.portd.service.http.DashboardService;
import dev.portd.service.http.HttpFileService;
import dev.portd.service.rpc.PortmapperService;
import dev.portd.service.smtp.SmtpService;
import java.util.List;

/**
 * The table of built-in service kinds, read top to bottom like inetd's {@code biltins[]}: a new
 * kind is one class and one row here. The composition root ({@code cli/}) hands it to the config
 * loader; neither {@code config/} nor {@code host/} knows which kinds exist.
 */
public final class ServiceKinds {
    private ServiceKinds() {
    }

    public static final List<ServiceKind> BUILT_IN = List.of(
            ServiceKind.of("echo", 7, TCP_UDP, ctx -> new EchoService(),
                    "RFC 862: sends back what it receives").answeringAnyDatagram(),
            ServiceKind.of("discard", 9, TCP_UDP, ctx -> new DiscardService(),
                    "RFC 863: reads and throws away"),
            ServiceKind.of("daytime", 13, TCP_UDP, DaytimeService::new,
                    "RFC 867: the date and time as text").answeringAnyDatagram().amplifyingOverUdp()
                    .options(DaytimeService.OPTIONS).check(DaytimeService::check),
            ServiceKind.of("qotd", 17, TCP_UDP, QotdService::new,
                    "RFC 865: a quote under 512 characters").answeringAnyDatagram().amplifyingOverUdp()
                    .options(QotdService.OPTIONS).check(QotdService::check),
            ServiceKind.of("chargen", 19, TCP_UDP, ctx -> new ChargenService(),
                    "RFC 864: a stream of the 95 printable characters").answeringAnyDatagram().amplifyingOverUdp(),
            ServiceKind.of("time", 37, TCP_UDP, ctx -> new TimeService(ctx.clock()),
                    "RFC 868: seconds since 1900 as 32 bits").answeringAnyDatagram().amplifyingOverUdp(),
            ServiceKind.of("smtp", 25, TCP, SmtpService::new,
                    "RFC 5321: receives mail and stores it durably in a Maildir")
                    .options(SmtpService.OPTIONS).check(SmtpService::check),
            ServiceKind.of("http", 80, TCP, HttpFileService::new,
                    "HTTP/1.1 static files with ranges, ETags and zero-copy sends")
                    .options(HttpFileService.OPTIONS).check(HttpFileService::check),
            ServiceKind.of("dashboard", 8111, TCP, DashboardService::new,
                    "the host live in a browser, as JSON and as Prometheus /metrics")
                    .options(DashboardService.OPTIONS).check(DashboardService::check),
            ServiceKind.of("portmapper", 111, TCP_UDP, PortmapperService::new,
                    "RFC 1833: ONC RPC portmapper and rpcbind v2-4; names for portd lookup")
                    .options(PortmapperService.OPTIONS),
            ServiceKind.of("forward", 0, TCP_UDP, ForwardService::new,
                    "relays each connection (and UDP client) to another host:port, as xinetd's redirect")
                    .options(ForwardService.OPTIONS).check(ForwardService::check),
            ServiceKind.of("exec", 0, TCP_UDP, ExecService::new,
                    "runs a program per connection with the socket as its stdin/stdout, as inetd")
                    .options(ExecService.OPTIONS).rule(ExecService::rule).check(ExecService::check));
}
