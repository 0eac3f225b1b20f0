package dev.portd.cli;

import dev.portd.config.CommonOptions;
import dev.portd.config.ConfigLoader;
import dev.portd.config.HostConfig;
import dev.portd.service.ServiceKinds;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The options that choose and adjust a host config, shared by {@code serve} and {@code check}. */
public final class HostOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "Host config (TOML). Default: the built-in config/portd.toml.")
    Path config;

    @Option(names = "--port-offset", paramLabel = "N", defaultValue = "0",
            description = "Add N (0 or more) to every configured port, e.g. 10000 serves echo on 10007. "
                    + "Default: ${DEFAULT-VALUE}.")
    int portOffset;

    @Option(names = "--bind", paramLabel = "ADDR", split = ",",
            description = "Listen only on these addresses, e.g. 127.0.0.1 or ::1,127.0.0.1. Default: all (IPv4 and IPv6).")
    List<String> bind;

    @Option(names = "--transport", paramLabel = "NAME",
            description = "I/O transport: auto, epoll, io_uring or nio. Default: the config's, else auto (epoll on Linux).")
    String transport;

    /** The config these options name, adjusted by them. */
    HostConfig load() {
        if (portOffset < 0) {
            throw new ParameterException(spec.commandLine(), "--port-offset " + portOffset
                    + ": must be 0 or more; give the ports you want in a config instead (portd check --kinds)");
        }
        HostConfig host = config == null ? ConfigLoader.loadDefault(ServiceKinds.BUILT_IN)
                : ConfigLoader.load(config, ServiceKinds.BUILT_IN);
        if (bind != null && !bind.isEmpty()) {
            List<InetAddress> addresses = new ArrayList<>();
            for (String text : bind) {
                InetAddress a = NetUtil.createInetAddressFromIpAddressString(text.strip());
                if (a == null) {
                    throw new ParameterException(spec.commandLine(),
                            "--bind " + text + ": not an IP address; use e.g. 127.0.0.1 or ::1");
                }
                addresses.add(a);
            }
            host = host.withBind(addresses);
        }
        if (transport != null) {
            if (!CommonOptions.TRANSPORT.choices().contains(transport)) {
                throw new ParameterException(spec.commandLine(),
                        "--transport " + transport + ": use auto, epoll, io_uring or nio");
            }
            host = host.withTransport(transport);
        }
        return host.withPortOffset(portOffset);
    }
}
