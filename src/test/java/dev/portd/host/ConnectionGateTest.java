package dev.portd.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** max_connections and per_source counts, and the per-source counters kept at zero then swept. */
class ConnectionGateTest {

    static InetAddress source(int n) {
        try {
            return InetAddress.getByAddress(new byte[] {10, (byte) (n >> 16), (byte) (n >> 8), (byte) n});
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void limitsCountOpenConnectionsInAllAndPerSource() {
        ConnectionGate gate = new ConnectionGate(3, 2);
        assertThat(gate.tryAcquire(source(1))).isNull();
        assertThat(gate.tryAcquire(source(1))).isNull();
        assertThat(gate.tryAcquire(source(1))).isEqualTo("per_source");
        assertThat(gate.tryAcquire(source(2))).isNull();
        assertThat(gate.tryAcquire(source(3))).isEqualTo("max_connections");
        gate.release(source(1));
        assertThat(gate.tryAcquire(source(3))).isNull();
        assertThat(gate.tryAcquire(source(1))).as("full in all").isEqualTo("max_connections");
    }

    @Test
    void aSourceThatComesAndGoesKeepsItsCounterUntilTheMapHasGrown() {
        ConnectionGate gate = new ConnectionGate(0, 1);
        for (int i = 0; i < 3; i++) {
            assertThat(gate.tryAcquire(source(1))).isNull();
            gate.release(source(1));
        }
        assertThat(gate.sourcesRemembered()).isEqualTo(1);
        assertThat(gate.tryAcquire(source(0))).isNull();   // held open through the sweeps below
        for (int i = 1; i <= 3 * ConnectionGate.SWEEP_FLOOR; i++) {
            assertThat(gate.tryAcquire(source(i))).isNull();
            gate.release(source(i));
        }
        assertThat(gate.sourcesRemembered()).isLessThanOrEqualTo(ConnectionGate.SWEEP_FLOOR + 1);
        assertThat(gate.tryAcquire(source(0))).as("an open connection's count survives a sweep").isEqualTo("per_source");
    }

    @Test
    void countsStayExactWhileTwoLoopsAcquireReleaseAndSweep() {
        ConnectionGate gate = new ConnectionGate(0, 1_000_000);
        Runnable churn = () -> {
            for (int i = 0; i < 20_000; i++) {
                InetAddress a = source(i % 3000);   // enough sources to sweep, few enough to collide
                assertThat(gate.tryAcquire(a)).isNull();
                gate.release(a);
            }
        };
        CompletableFuture.allOf(CompletableFuture.runAsync(churn), CompletableFuture.runAsync(churn)).join();
        gate.limits(1, 1);
        for (int i = 0; i < 3000; i++) {
            assertThat(gate.tryAcquire(source(i))).as("source %d admitted once", i).isNull();
            assertThat(gate.tryAcquire(source(i))).isNotNull();
            gate.release(source(i));
        }
    }
}
