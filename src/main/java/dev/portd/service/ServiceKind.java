package dev.portd.service;

import dev.portd.ports.Protocol;
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
 * @param factory       makes a service for one configured instance, from already-valid options
 * @param summary       one line for {@code portd check --kinds} and the README
 * @param options       the kind's own config keys, beside the common ones every service takes
 * @param rule          what the kind requires of its options and protocols together
 * @param check         what the kind checks of its options that needs the world (files, keys)
 * @param answersAnyDatagram whether it answers every datagram (echo, chargen, ...): a datagram
 *                      from its well-known port is then another server's answer, and the host's
 *                      loop guard never answers it (CVE-1999-0103)
 * @param amplifiesOverUdp whether a UDP reply can be larger than its request (daytime, qotd,
 *                      chargen, time answer an empty datagram): the host's {@code
 *                      udp_replies_per_second} then applies to its non-loopback sources; a kind
 *                      whose replies are no larger (echo, the portmapper's GETPORT) is not limited
 */
public record ServiceKind(
        String name,
        int defaultPort,
        Set<Protocol> protocols,
        Function<ServiceContext, Service> factory,
        String summary,
        List<Option<?>> options,
        KindRule rule,
        KindCheck check,
        boolean answersAnyDatagram,
        boolean amplifiesOverUdp) {

    public static final Set<Protocol> TCP = Set.of(Protocol.TCP);
    public static final Set<Protocol> UDP = Set.of(Protocol.UDP);
    public static final Set<Protocol> TCP_UDP = Set.of(Protocol.TCP, Protocol.UDP);

    public ServiceKind {
        protocols = Set.copyOf(protocols);
        options = List.copyOf(options);
    }

    /** A kind without options of its own. */
    public static ServiceKind of(String name, int defaultPort, Set<Protocol> protocols,
                                 Function<ServiceContext, Service> factory, String summary) {
        return new ServiceKind(name, defaultPort, protocols, factory, summary, List.of(), KindRule.NONE, KindCheck.NONE, false, false);
    }

    /** The same kind taking these options. */
    public ServiceKind options(List<Option<?>> own) {
        return new ServiceKind(name, defaultPort, protocols, factory, summary, own, rule, check, answersAnyDatagram, amplifiesOverUdp);
    }

    /** The same kind requiring {@code optionsAndProtocols} of a service's options and protocols. */
    public ServiceKind rule(KindRule optionsAndProtocols) {
        return new ServiceKind(name, defaultPort, protocols, factory, summary, options, optionsAndProtocols, check,
                answersAnyDatagram, amplifiesOverUdp);
    }

    /** The same kind checking its options with {@code worldCheck}. */
    public ServiceKind check(KindCheck worldCheck) {
        return new ServiceKind(name, defaultPort, protocols, factory, summary, options, rule, worldCheck, answersAnyDatagram, amplifiesOverUdp);
    }

    /** The same kind marked as answering every datagram (see {@link #answersAnyDatagram}). */
    public ServiceKind answeringAnyDatagram() {
        return new ServiceKind(name, defaultPort, protocols, factory, summary, options, rule, check, true, amplifiesOverUdp);
    }

    /** The same kind marked as answering with more bytes than it receives (see {@link #amplifiesOverUdp}). */
    public ServiceKind amplifyingOverUdp() {
        return new ServiceKind(name, defaultPort, protocols, factory, summary, options, rule, check, answersAnyDatagram, true);
    }

    /** The option of this kind with that key, or null. */
    public Option<?> option(String key) {
        for (Option<?> o : options) {
            if (o.key().equals(key)) {
                return o;
            }
        }
        return null;
    }
}
