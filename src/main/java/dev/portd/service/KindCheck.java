package dev.portd.service;

/**
 * What a kind checks of its options beyond their types and ranges, where the world must be asked:
 * a quotes file readable, a TLS key that parses, an HTTP root that is a directory. Run by the config
 * loader, so {@code portd check} and {@code portd serve} refuse the same configs.
 */
@FunctionalInterface
public interface KindCheck {
    KindCheck NONE = (options, problems) -> { };

    void check(ServiceOptions options, Problems problems);

    /** Collects what is wrong, each naming its option. */
    @FunctionalInterface
    interface Problems {
        void add(Option<?> option, String message);
    }
}
