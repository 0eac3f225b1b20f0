package dev.portd.scan;

import java.util.Locale;

/**
 * What a connect attempt found, in nmap's words: {@code open} (the handshake completed),
 * {@code closed} (refused: the host answered RST), {@code filtered} (no answer within the timeout,
 * or an ICMP unreachable), plus {@code error} for a local failure (e.g. no free local port),
 * {@code unreachable} when this machine has no route to the host (the local stack's ENETUNREACH:
 * final, never retried) and {@code pending} for a port not scanned because the scan was stopped.
 */
public enum PortState {
    PENDING, OPEN, CLOSED, FILTERED, ERROR, UNREACHABLE;

    private static final PortState[] BY_CODE = values();

    /** The byte stored per port in a scan's result array. */
    byte code() {
        return (byte) ordinal();
    }

    static PortState of(byte code) {
        return BY_CODE[code];
    }

    /** {@code open}, {@code closed}, ... */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
