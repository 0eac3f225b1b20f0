package dev.portd.service;

import dev.portd.ports.Protocol;
import java.util.Set;

/**
 * What a kind requires of its options together with the protocols a service of it is configured to
 * serve, e.g. exec's {@code wait = true} only over UDP. Unlike a {@link KindCheck} it asks nothing of
 * the world, so it runs wherever a config is parsed; the config loader runs it, so {@code portd check}
 * and {@code portd serve} refuse the same configs.
 */
@FunctionalInterface
public interface KindRule {
    KindRule NONE = (options, protocols, problems) -> { };

    void check(ServiceOptions options, Set<Protocol> protocols, KindCheck.Problems problems);
}
