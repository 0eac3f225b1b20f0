package dev.portd.cli;

import dev.portd.config.Durations;
import dev.portd.load.LoadMode;
import dev.portd.load.LoadReport;
import dev.portd.load.LoadRun;
import dev.portd.load.LoadSpec;
import dev.portd.load.SourceAddresses;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/** {@code portd load}: the load generator for echo, discard, chargen, daytime and time services. */
@Command(name = "load", mixinStandardHelpOptions = true,
        description = {"Load a classic service (portd's or any other) and report operations/s, MB/s, "
                + "latency percentiles, errors and the generator's own CPU; every reply is checked.", "",
                "Modes:",
                "  echo         send a payload, wait for all of it back, repeat (round trips/s)",
                "  echo-stream  pipelined echo, --window payloads in flight per connection",
                "  discard      write as fast as the target reads",
                "  chargen      read as fast as the target writes, checking the RFC 864 pattern",
                "  connect      connect, read until closed (or --echo one payload), close",
                "  idle         open -c connections and hold them for the run",
                "  udp-echo     datagrams to a UDP echo service: replies/s and loss", ""},
        footer = {"", "Examples:",
                "  portd load echo 127.0.0.1:10007 -c 16 -d 10s",
                "  portd load echo-stream 127.0.0.1:10007 -c 4",
                "  portd load chargen 127.0.0.1:10019 -n 10000         exactly 10,000 chunks of 16 KiB",
                "  portd load chargen 127.0.0.1:11019 --pattern lines  xinetd's chargen (another ring)",
                "  portd load connect 127.0.0.1:10013 -c 8              daytime connections/s",
                "  portd load connect 127.0.0.1:10007 --echo            connect, one echo, close",
                "  portd load idle 127.0.0.1:10007 -c 2000 --source 127.0.0.2-127.0.0.9   2000 held: 8 addresses "
                        + "x portd's per_source 256 (raise per_source to hold more)",
                "  portd load udp-echo 127.0.0.1:10007 -c 16 --json",
                "", "Ctrl-C stops the run and prints the report of what was done until then.",
                "Exit codes: 0 the run finished (errors are reported, not fatal), 2 bad usage or no "
                + "connection could be made, 130 stopped by Ctrl-C (the report covers the run until then)."})
public final class LoadCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODE", description = "echo, echo-stream, discard, chargen, connect, idle or udp-echo.")
    String mode;

    @Parameters(index = "1", paramLabel = "HOST:PORT", description = "The target, e.g. 127.0.0.1:10007 or [::1]:7.")
    String target;

    @Option(names = {"-c", "--connections"}, paramLabel = "N", defaultValue = "16",
            description = "Connections (UDP: sockets) at once; for idle, the number held. Default: ${DEFAULT-VALUE}.")
    int connections;

    @Option(names = {"-d", "--duration"}, paramLabel = "TIME",
            description = "Measured time, e.g. 10s or 1m. Default: 5s; with --count, the time limit (default 60s).")
    String duration;

    @Option(names = {"-n", "--count"}, paramLabel = "N", defaultValue = "0",
            description = "Stop after N operations (round trips, payloads, connections, datagrams), without warm-up.")
    long count;

    @Option(names = {"-s", "--size"}, paramLabel = "BYTES",
            description = "Payload per operation, e.g. 64, 16k, 1m. Default: 64 for echo, connect --echo and "
                    + "udp-echo; 64k for echo-stream and discard; 16k for chargen (bytes read per operation).")
    String size;

    @Option(names = {"-w", "--warmup"}, paramLabel = "TIME", defaultValue = "2s",
            description = "Load applied before measuring, e.g. 2s or 0. Default: ${DEFAULT-VALUE}.")
    String warmup;

    @Option(names = "--window", paramLabel = "N",
            description = "Payloads in flight per connection (echo, echo-stream, udp-echo). Default: 1, echo-stream 4.")
    Integer window;

    @Option(names = "--source", paramLabel = "ADDRS",
            description = "Local addresses to connect from, round robin, e.g. 127.0.0.2-127.0.0.9 (each gives ~28,000 ports).")
    String sources;

    @Option(names = {"-t", "--threads"}, paramLabel = "N",
            description = "Event-loop threads of the generator. Default: the CPUs this process may use.")
    Integer threads;

    @Option(names = "--echo", description = "connect mode: send one payload and check it comes back, then close.")
    boolean exchange;

    @Option(names = "--pattern", paramLabel = "NAME", defaultValue = "rfc864",
            description = "chargen check: rfc864 (the RFC's 95-character ring, byte for byte) or lines "
                    + "(72 printing characters and CRLF a line, e.g. for xinetd). Default: ${DEFAULT-VALUE}.")
    String pattern;

    @Option(names = "--timeout", paramLabel = "TIME", defaultValue = "200ms",
            description = "udp-echo: a reply later than this counts as lost. Default: ${DEFAULT-VALUE}.")
    String timeout;

    @Option(names = "--json", description = "Print the report as JSON (no progress line).")
    boolean json;

    @Override
    public Integer call() throws InterruptedException {
        LoadSpec run = spec();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        boolean live = !json && System.console() != null;
        LoadRun load = LoadRun.prepare(run);
        SignalHandler previous = Signal.handle(new Signal("INT"), signal -> load.interrupt());
        LoadReport report;
        try {
            report = load.execute(p -> {
                if (live) {
                    progress(err, p);
                }
            });
        } finally {
            Signal.handle(new Signal("INT"), previous);
        }
        if (live) {
            err.print("\r" + " ".repeat(100) + "\r");
            err.flush();
        }
        if (json) {
            out.println(report.toJson());
            out.flush();
        } else {
            report.print(out);
        }
        if (report.ops() == 0 && report.errors() > 0 && report.errorsByKind().keySet().stream()
                .allMatch(k -> k.startsWith("connect: "))) {
            err.println(ExitCodes.PREFIX + "no connection to " + target + " could be made: "
                    + report.errorsByKind().keySet().iterator().next().substring("connect: ".length()));
            err.flush();
            return 2;
        }
        if (Boolean.TRUE.equals(report.interrupted())) {
            err.println(ExitCodes.PREFIX + "load stopped by Ctrl-C; the report above covers the run until then");
            err.flush();
            return ExitCodes.INTERRUPTED;
        }
        return 0;
    }

    private static void progress(PrintWriter err, LoadRun.Progress p) {
        err.printf(Locale.ROOT, "\r%-8s %5.0f s  %,12.0f ops/s  %,10.2f MB/s  %s errors %d  open %d   ",
                p.warmup() ? "warm-up" : "measure", p.elapsedSeconds(), p.opsPerSecond(), p.mbPerSecond(),
                Double.isNaN(p.p99Micros()) ? "" : String.format(Locale.ROOT, "p99 %.0f µs ", p.p99Micros()),
                p.errors(), p.open());
        err.flush();
    }

    private LoadSpec spec() {
        LoadMode m = LoadMode.of(mode);
        if (m == null) {
            throw usage("unknown mode \"" + mode + "\"; use one of " + LoadMode.labels());
        }
        LoadSpec s = LoadSpec.of(m, address(target));
        if (connections < 1 || connections > 1_000_000) {
            throw usage("-c " + connections + ": give 1 to 1,000,000 connections");
        }
        s = s.withConnections(connections);
        int bytes = size == null ? m.defaultPayloadBytes() : bytes(size);
        int inFlight = window == null ? m.defaultWindow() : window;
        if (inFlight < 1 || inFlight > 65_536) {
            throw usage("--window " + inFlight + ": give 1 to 65536");
        }
        if (m == LoadMode.UDP_ECHO && (bytes < 8 || bytes > 65_507)) {
            throw usage("-s " + bytes + ": a udp-echo datagram holds 8 (its sequence number) to 65507 bytes");
        }
        if (m != LoadMode.IDLE && m != LoadMode.UDP_ECHO && (bytes < 1 || bytes > 16 << 20)) {
            throw usage("-s " + bytes + ": give 1 byte to 16m");
        }
        s = s.withPayload(bytes, inFlight);
        if (count < 0) {
            throw usage("-n " + count + ": give a positive count");
        }
        Duration warm = duration("-w", warmup);
        if (count > 0) {
            s = s.withCount(count).withTiming(duration == null ? Duration.ofSeconds(60) : duration("-d", duration),
                    Duration.ZERO);
        } else {
            s = s.withTiming(duration == null ? Duration.ofSeconds(5) : duration("-d", duration), warm);
        }
        if (s.duration().isZero()) {
            throw usage("-d 0: give a measured time, e.g. 5s");
        }
        if (sources != null) {
            try {
                s = s.withSources(SourceAddresses.parse(sources));
            } catch (IllegalArgumentException e) {
                throw usage("--source " + e.getMessage());
            }
        }
        if (threads != null) {
            if (threads < 1 || threads > 256) {
                throw usage("-t " + threads + ": give 1 to 256 threads");
            }
            s = s.withThreads(threads);
        }
        if (exchange && m != LoadMode.CONNECT) {
            throw usage("--echo belongs to the connect mode");
        }
        if (!pattern.equals("rfc864") && !pattern.equals("lines")) {
            throw usage("--pattern " + pattern + ": use rfc864 or lines");
        }
        Duration t = duration("--timeout", timeout);
        if (t.isZero()) {
            throw usage("--timeout 0: give a time, e.g. 200ms");
        }
        return s.withExchange(exchange).withChargenPattern(pattern).withTimeout(t);
    }

    private InetSocketAddress address(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw usage(text + ": give HOST:PORT, e.g. 127.0.0.1:10007 or [::1]:7");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw usage(text + ": write an IPv6 target in brackets, e.g. [::1]:7");
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 1 || port > 65535) {
            throw usage(text + ": the port must be 1..65535");
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw usage(text + ": unknown host " + host);
        }
    }

    private int bytes(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        int unit = 1;
        if (t.endsWith("k")) {
            unit = 1024;
        } else if (t.endsWith("m")) {
            unit = 1 << 20;
        }
        try {
            long n = Long.parseLong(unit == 1 ? t : t.substring(0, t.length() - 1)) * unit;
            if (n > Integer.MAX_VALUE) {
                throw new NumberFormatException();
            }
            return (int) n;
        } catch (NumberFormatException e) {
            throw usage("-s " + text + ": give bytes, e.g. 64, 16k or 1m");
        }
    }

    private Duration duration(String option, String text) {
        Duration d = Durations.parse(text);
        if (d == null) {
            throw usage(option + " " + text + ": give a time, e.g. 5s, 250ms or 1m");
        }
        return d;
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
