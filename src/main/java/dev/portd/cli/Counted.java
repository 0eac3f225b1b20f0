package dev.portd.cli;

import java.util.Locale;

/** A count with its noun in the right number: "1 service", "2 services", "1,024 ports". */
final class Counted {
    private Counted() {
    }

    /** {@code noun} is the singular; the plural adds "s" (every noun portd counts does). */
    static String of(long n, String noun) {
        return String.format(Locale.ROOT, "%,d %s%s", n, noun, n == 1 ? "" : "s");
    }
}
