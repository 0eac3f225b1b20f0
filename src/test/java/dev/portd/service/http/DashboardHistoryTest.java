package dev.portd.service.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portd.service.HostView;
import dev.portd.service.HostView.Listener;
import dev.portd.ports.Protocol;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** The ring of one-second samples behind the dashboard's charts, driven by hand with a settable clock. */
class DashboardHistoryTest {
    static final long T0 = 1_790_000_000L;

    /** A clock the test moves. */
    static final class Ticking extends Clock {
        long millis = T0 * 1000;

        @Override public ZoneId getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(ZoneId zone) { return this; }
        @Override public Instant instant() { return Instant.ofEpochMilli(millis); }

        void seconds(long s) {
            millis += s * 1000;
        }
    }

    /** Counters the test sets. */
    static final class Counts implements HostView.Counters {
        long connections, in, out, refused, dropped;

        @Override public long openConnections() { return 0; }
        @Override public long totalConnections() { return connections; }
        @Override public long bytesIn() { return in; }
        @Override public long bytesOut() { return out; }
        @Override public long refused() { return refused; }
        @Override public long datagramsIn() { return 0; }
        @Override public long datagramsDropped() { return dropped; }
        @Override public Map<String, Long> refusedByReason() { return Map.of(); }
        @Override public Map<String, Long> droppedByReason() { return Map.of(); }
    }

    private final Ticking clock = new Ticking();
    private final Counts echo = new Counts();
    private final Counts time = new Counts();
    private final List<Listener> listeners = new ArrayList<>(List.of(
            listener("echo", Protocol.TCP, echo), listener("echo", Protocol.UDP, echo), listener("time", Protocol.TCP, time)));
    private final DashboardHistory history = new DashboardHistory(clock, () -> listeners);

    private static Listener listener(String service, Protocol protocol, Counts counts) {
        return new Listener(service, service, protocol, new InetSocketAddress("127.0.0.1", 7), counts);
    }

    @Test
    void eachSecondHoldsWhatChangedDuringIt() {
        history.sample();                                   // the baseline
        echo.connections = 2;
        echo.in = 100;
        echo.out = 90;
        clock.seconds(1);
        history.sample();
        time.connections = 1;
        time.out = 4;
        echo.dropped = 3;
        clock.seconds(1);
        history.sample();

        DashboardHistory.Json json = history.json();
        assertThat(json.periodSeconds()).isEqualTo(1);
        assertThat(json.t()).containsExactly(T0, T0 + 1, T0 + 2);
        assertThat(json.services()).containsOnlyKeys("echo", "time");
        assertThat(json.services().get("echo").get("connections")).containsExactly(0, 2, 0);
        assertThat(json.services().get("echo").get("bytesIn")).containsExactly(0, 100, 0);
        assertThat(json.services().get("echo").get("bytesOut")).containsExactly(0, 90, 0);
        assertThat(json.services().get("echo").get("dropped")).containsExactly(0, 0, 3);
        assertThat(json.services().get("time").get("bytesOut")).containsExactly(0, 0, 4);
        assertThat(json.host().get("connections")).containsExactly(0, 2, 1);
        assertThat(json.host().get("bytesOut")).containsExactly(0, 90, 4);
        assertThat(json.host()).containsOnlyKeys(DashboardHistory.SERIES);
    }

    @Test
    void keepsTheLastFifteenMinutesOnly() {
        history.sample();
        for (int s = 1; s <= DashboardHistory.SECONDS + 100; s++) {
            clock.seconds(1);
            echo.connections += s;   // second s sees s new connections
            history.sample();
        }
        DashboardHistory.Json json = history.json();
        long newest = T0 + DashboardHistory.SECONDS + 100;
        assertThat(json.t()).hasSize(DashboardHistory.SECONDS)
                .containsExactly(LongStream.rangeClosed(newest - DashboardHistory.SECONDS + 1, newest).toArray());
        long[] connections = json.services().get("echo").get("connections");
        assertThat(connections[0]).isEqualTo(101);
        assertThat(connections[DashboardHistory.SECONDS - 1]).isEqualTo(DashboardHistory.SECONDS + 100);

        DashboardHistory.Json recent = history.json(3);
        assertThat(recent.t()).containsExactly(newest - 2, newest - 1, newest);
        assertThat(recent.services().get("echo").get("connections")).containsExactly(998, 999, 1000);
    }

    @Test
    void secondsWithoutASampleAreZerosAndASecondSampledTwiceAddsUp() {
        history.sample();
        clock.seconds(3);                                   // a pause: two seconds unsampled
        echo.in = 10;
        history.sample();
        echo.in = 15;
        clock.millis += 400;                                // the same second again
        history.sample();
        DashboardHistory.Json json = history.json();
        assertThat(json.t()).containsExactly(T0, T0 + 1, T0 + 2, T0 + 3);
        assertThat(json.services().get("echo").get("bytesIn")).containsExactly(0, 0, 0, 15);
    }

    @Test
    void aPauseLongerThanTheRingLeavesOnlyZerosBeforeNow() {
        history.sample();
        echo.connections = 5;
        clock.seconds(10_000);
        history.sample();
        DashboardHistory.Json json = history.json();
        assertThat(json.t()).hasSize(DashboardHistory.SECONDS);
        assertThat(json.t()[DashboardHistory.SECONDS - 1]).isEqualTo(T0 + 10_000);
        assertThat(LongStream.of(json.services().get("echo").get("connections")).sum()).isEqualTo(5);
    }

    @Test
    void aServiceThatGoesAwayLeavesAndANewOneStartsFromItsFirstReading() {
        history.sample();
        listeners.removeIf(l -> l.service().equals("time"));
        Counts daytime = new Counts();
        daytime.connections = 40;                           // before the history saw it: not charted
        listeners.add(listener("daytime", Protocol.TCP, daytime));
        clock.seconds(1);
        history.sample();
        daytime.connections = 41;
        clock.seconds(1);
        history.sample();
        DashboardHistory.Json json = history.json();
        assertThat(json.services()).containsOnlyKeys("echo", "daytime");
        assertThat(json.services().get("daytime").get("connections")).containsExactly(0, 0, 1);
    }

    @Test
    void aCounterThatStartsOverCountsFromZero() {
        echo.connections = 50;
        history.sample();
        echo.connections = 3;                               // the service was made anew by a reload
        clock.seconds(1);
        history.sample();
        assertThat(history.json().services().get("echo").get("connections")).containsExactly(0, 3);
    }

    @Test
    void anEmptyHistoryIsEmptyArrays() {
        DashboardHistory.Json json = history.json();
        assertThat(json.t()).isEmpty();
        assertThat(json.services()).isEmpty();
        assertThat(json.host().get("connections")).isEmpty();
    }
}
