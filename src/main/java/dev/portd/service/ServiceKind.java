package dev.portd.service;

import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * One row of the table of service kinds: a name, its well-known port, the transports it can serve,
 * the options it takes in the config, and how to make one.
 *
 * @param name          the kind as written in the config, e.g. {@code echo}
 * @param defaultPort   the IANA port, used when the config gives none
 * @param protocols     the transports this kind can serve; the config may narrow them
 * @param options       the kind's own config keys, beside the host's common ones
 * @param factory       makes a service for one configured instance
 * @param summary       one line for {@code portd check} and the README
 */
public record ServiceKind(
        String name,
        int defaultPort,
        Set<Protocol> protocols,
        List<OptionSpec> options,
        Function<ServiceContext, Service> factory,
        String summary) {

    public static final Set<Protocol> TCP = Set.of(Protocol.TCP);
    public static final Set<Protocol> UDP = Set.of(Protocol.UDP);
    public static final Set<Protocol> TCP_UDP = Set.of(Protocol.TCP, Protocol.UDP);

    public ServiceKind {
        protocols = Set.copyOf(protocols);
        options = List.copyOf(options);
    }

    /** The option spec of this kind with that key, or null. */
    public OptionSpec option(String key) {
        for (OptionSpec o : options) {
            if (o.key().equals(key)) {
                return o;
            }
        }
        return null;
    }
}
