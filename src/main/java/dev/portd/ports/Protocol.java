package dev.portd.ports;

import java.util.Locale;

/** The two transports a port belongs to: each has its own 65,536 ports. */
public enum Protocol {
    TCP, UDP;

    /** The name used in configs and tables: {@code tcp} or {@code udp}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code tcp} or {@code udp}, in any case; null when it is neither. */
    public static Protocol parse(String text) {
        for (Protocol p : values()) {
            if (p.label().equalsIgnoreCase(text)) {
                return p;
            }
        }
        return null;
    }
}
