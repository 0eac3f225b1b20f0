package dev.portd.load;

import java.util.Arrays;
import java.util.stream.Collectors;

/** What {@code portd load} does to its target, and the defaults that suit each mode. */
public enum LoadMode {
    /** Request/response: send a payload, wait for all of it back, repeat (RFC 862 TCP echo). */
    ECHO("echo", 64, 1, true),
    /** Pipelined echo: several payloads in flight per connection, every byte checked. */
    ECHO_STREAM("echo-stream", 65_536, 4, true),
    /** Write as fast as the target reads (RFC 863 discard). */
    DISCARD("discard", 65_536, 1, false),
    /** Read as fast as the target writes, checking the RFC 864 pattern. */
    CHARGEN("chargen", 16_384, 1, false),
    /** Connect, read until the server closes (or exchange one echo), close: connections per second. */
    CONNECT("connect", 64, 1, true),
    /** Open and hold connections: how many the target can keep. */
    IDLE("idle", 0, 1, false),
    /** Datagrams to a UDP echo service: replies per second and loss (RFC 862 UDP echo). */
    UDP_ECHO("udp-echo", 64, 1, true);

    private final String label;
    private final int defaultPayloadBytes;
    private final int defaultWindow;
    private final boolean hasLatency;

    LoadMode(String label, int defaultPayloadBytes, int defaultWindow, boolean hasLatency) {
        this.label = label;
        this.defaultPayloadBytes = defaultPayloadBytes;
        this.defaultWindow = defaultWindow;
        this.hasLatency = hasLatency;
    }

    public String label() {
        return label;
    }

    public int defaultPayloadBytes() {
        return defaultPayloadBytes;
    }

    public int defaultWindow() {
        return defaultWindow;
    }

    /** Whether an operation has a duration worth a histogram (a round trip, a connection). */
    public boolean hasLatency() {
        return hasLatency;
    }

    /** Whether the mode's throughput is bytes the target sent back (else bytes we sent). */
    boolean countsReceived() {
        return this != DISCARD;
    }

    /** The mode of that name, or null. */
    public static LoadMode of(String label) {
        for (LoadMode m : values()) {
            if (m.label.equals(label)) {
                return m;
            }
        }
        return null;
    }

    public static String labels() {
        return Arrays.stream(values()).map(LoadMode::label).collect(Collectors.joining(", "));
    }
}
