package dev.portd.cli;

import dev.portd.config.Durations;
import dev.portd.scan.BannerGrab;
import dev.portd.scan.BannerGrab.Banner;
import dev.portd.scan.FdLimit;
import dev.portd.scan.PortList;
import dev.portd.scan.PortScan;
import dev.portd.scan.PortState;
import dev.portd.scan.ScanSettings;
import dev.portd.scan.Targets;
import dev.portd.scan.Targets.Target;
import dev.portd.scan.TopPorts;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/** {@code portd scan}: a TCP connect scan of hosts and ports, like {@code nmap -sT}. */
@Command(name = "scan", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Scan TCP ports with plain connects (no privilege needed): which are open, closed "
                + "(refused) or filtered (no answer). Open ports are named from the IANA registry "
                + "shipped in portd; --banners asks the services themselves.", ""},
        footer = {"", "Examples:",
                "  portd scan 127.0.0.1                     the top 1000 ports (portd's ordering)",
                "  portd scan 127.0.0.1 -p -                all 65535 ports",
                "  portd scan ::1 -p 22,80,443,8000-8100 --banners",
                "  portd scan 192.168.1.0/24 --top 100 --rate 2000 -o grepable",
                "  portd scan localhost -p 1-1024 -o json",
                "", "Ctrl-C stops the scan and prints what it found so far.",
                "Exit codes: 0 scanned, 2 bad target or option, 130 stopped by Ctrl-C (partial results printed)."})
public final class ScanCommand implements Callable<Integer> {
    /** Descriptors kept free for the JVM, logging and the banner phase when sizing the concurrency. */
    static final int FD_RESERVE = 256;
    /** More in flight gain nothing even on loopback, and each live channel costs the GC. */
    static final int MAX_DEFAULT_CONCURRENCY = 4096;
    /** Exit code of a scan stopped by SIGINT: 128 + 2, as shells report it. */
    static final int INTERRUPTED = ExitCodes.INTERRUPTED;

    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "TARGET",
            description = "Host name, IPv4 or IPv6 address, or CIDR range (e.g. 10.0.0.0/24); several allowed.")
    List<String> targets;

    @Option(names = {"-p", "--ports"}, paramLabel = "PORTS",
            description = "Ports: 80, 1-1024, 22,80,443, -1024, 60000- or - (all 65535). Default: --top 1000.")
    String ports;

    @Option(names = "--top", paramLabel = "N",
            description = "The first N ports of portd's own ordering (see the README). Default: 1000 unless -p.")
    Integer top;

    @Option(names = {"-c", "--concurrency"}, paramLabel = "N",
            description = "Connects in flight at once. Default: the file-descriptor limit less " + FD_RESERVE
                    + ", at most " + MAX_DEFAULT_CONCURRENCY + ".")
    Integer concurrency;

    @Option(names = {"-t", "--timeout"}, paramLabel = "DURATION", defaultValue = "1s",
            description = "How long a connect waits for an answer before the port counts as filtered, "
                    + "e.g. 300ms. Default: ${DEFAULT-VALUE}.")
    String timeout;

    @Option(names = "--retries", paramLabel = "N", defaultValue = "1",
            description = "Further attempts for a port that did not answer. Default: ${DEFAULT-VALUE}.")
    int retries;

    @Option(names = "--rate", paramLabel = "N", defaultValue = "0",
            description = "At most N connect attempts per second (0: no limit). Default: ${DEFAULT-VALUE}.")
    int rate;

    @Option(names = "--threads", paramLabel = "N",
            description = "Event-loop threads. Default: the number of CPUs.")
    Integer threads;

    @Option(names = "--transport", paramLabel = "NAME", defaultValue = "auto",
            description = "auto (epoll on Linux, else nio), epoll, io_uring or nio. Default: ${DEFAULT-VALUE}.")
    String transport;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
            description = "table, json or grepable (nmap -oG style). Default: ${DEFAULT-VALUE}.")
    String output;

    @Option(names = "--banners",
            description = "Read what each open port's service says first (or answers to an HTTP HEAD) to name it.")
    boolean banners;

    @Option(names = "--banner-wait", paramLabel = "DURATION", defaultValue = "1s",
            description = "How long --banners waits for a greeting before it probes, and for the answer. "
                    + "Default: ${DEFAULT-VALUE}.")
    String bannerWait;

    @Override
    public Integer call() throws InterruptedException {
        ScanOutput.Format format = ScanOutput.Format.parse(output);
        if (format == null) {
            throw bad("-o " + output + ": give table, json or grepable");
        }
        int[] portList = portList();
        ScanSettings settings = settings();
        List<Target> hosts;
        try {
            hosts = Targets.parse(targets);
        } catch (IllegalArgumentException e) {
            throw bad(e.getMessage());
        }
        PrintWriter err = spec.commandLine().getErr();
        PortScan created;
        try {
            created = new PortScan(hosts, portList, settings);
        } catch (IllegalArgumentException e) {
            throw bad(e.getMessage());
        }
        try (PortScan scan = created) {
            SignalHandler previous = Signal.handle(new Signal("INT"), signal -> scan.stop());
            try (ProgressBar progress = ProgressBar.start(err, scan)) {
                scan.start().await();
            } finally {
                Signal.handle(new Signal("INT"), previous);
            }
            scan.close();   // every event loop ended: the results are final and visible here
            Map<InetSocketAddress, Banner> found = Map.of();
            if (banners && scan.complete()) {
                found = BannerGrab.grab(openAddresses(scan), duration("--banner-wait", bannerWait));
            }
            new ScanOutput(scan, found).print(format, spec.commandLine().getOut());
            if (!scan.complete()) {
                err.println("portd: scan stopped by Ctrl-C; the results above are partial ("
                        + scan.finished() + " of " + scan.total() + " ports scanned)");
                err.flush();
                return INTERRUPTED;
            }
        }
        return 0;
    }

    private int[] portList() {
        if (ports != null && top != null) {
            throw bad("give -p or --top, not both");
        }
        try {
            return ports != null ? PortList.parse(ports) : TopPorts.first(top == null ? TopPorts.DEFAULT : top);
        } catch (IllegalArgumentException e) {
            throw bad(ports != null ? "-p " + e.getMessage() : e.getMessage());
        }
    }

    private ScanSettings settings() {
        int inFlight = concurrency != null ? concurrency
                : (int) Math.max(16, Math.min(MAX_DEFAULT_CONCURRENCY, FdLimit.current() - FD_RESERVE));
        if (inFlight < 1) {
            throw bad("--concurrency " + inFlight + ": give 1 or more");
        }
        if (retries < 0 || retries > 10) {
            throw bad("--retries " + retries + ": give 0..10");
        }
        if (rate < 0) {
            throw bad("--rate " + rate + ": give 0 (no limit) or more");
        }
        int loops = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        if (loops < 1 || loops > 64) {
            throw bad("--threads " + loops + ": give 1..64");
        }
        return new ScanSettings(inFlight, duration("--timeout", timeout), retries, rate, loops, transport);
    }

    private Duration duration(String option, String text) {
        Duration d = Durations.parse(text);
        if (d == null || d.isZero()) {
            throw bad(option + " " + text + ": give a duration such as 500ms or 2s");
        }
        return d;
    }

    private static List<InetSocketAddress> openAddresses(PortScan scan) {
        List<InetSocketAddress> open = new ArrayList<>();
        for (int t = 0; t < scan.targets().size(); t++) {
            for (int i = 0; i < scan.portCount(); i++) {
                if (scan.state(t, i) == PortState.OPEN) {
                    open.add(new InetSocketAddress(scan.targets().get(t).address(), scan.port(i)));
                }
            }
        }
        return open;
    }

    private ParameterException bad(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
