package dev.portd.scan;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;

/**
 * One thread of the scan's own engine: plain non-blocking {@link SocketChannel}s in one
 * {@link Selector}, a fixed table of connects in flight, and no object per port but the socket and
 * its address. Each refusal costs the JDK one exception from {@code finishConnect}; there is no
 * pipeline, promise, option map or timer task per connect, and no socket option set unless the port
 * is open.
 *
 * <p>On loopback the kernel settles a connect before {@code connect()} returns (the RST or SYN-ACK
 * is processed on the way out of the system call), so each connect is first finished right away
 * with one {@code poll}; only a connect still pending is registered with the selector. Timeouts are
 * found by a sweep of the table, not by a timer per connect.
 */
final class SelectorLane implements Runnable {
    /** How often the table is swept for timed-out connects, at most (and a quarter of the timeout). */
    private static final long SWEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final PortScan scan;
    private final Selector selector;
    private final SocketChannel[] channels;
    private final int[] items;
    private final long[] deadlines;
    private final Integer[] slotIds;
    private final int[] free;
    private int freeCount;
    /** Ports to try again now (a silence with retries left), as a small ring. */
    private final int[] again;
    private int againHead;
    private int againCount;
    /** Ports waiting for a time: their --rate slot, or the pause after a local shortage. */
    private final PriorityQueue<Waiting> waiting = new PriorityQueue<>();
    private final long timeoutNanos;
    private final long sweepNanos;
    private boolean drained;

    private record Waiting(long dueNanos, int item) implements Comparable<Waiting> {
        @Override
        public int compareTo(Waiting other) {
            return Long.compare(dueNanos, other.dueNanos);
        }
    }

    SelectorLane(PortScan scan, int capacity, long timeoutNanos) throws IOException {
        this.scan = scan;
        this.selector = Selector.open();
        this.channels = new SocketChannel[capacity];
        this.items = new int[capacity];
        this.deadlines = new long[capacity];
        this.slotIds = new Integer[capacity];
        this.free = new int[capacity];
        for (int i = 0; i < capacity; i++) {
            slotIds[i] = i;
            free[i] = capacity - 1 - i;
        }
        this.freeCount = capacity;
        this.again = new int[capacity];
        this.timeoutNanos = timeoutNanos;
        this.sweepNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(1), Math.min(SWEEP_NANOS, timeoutNanos / 4));
    }

    /** Wakes the lane from its select, so that it sees a stop. */
    void wakeup() {
        selector.wakeup();
    }

    @Override
    public void run() {
        long nextSweep = System.nanoTime() + sweepNanos;
        try {
            while (!scan.stopping()) {
                long now = System.nanoTime();
                fill(now);
                int inFlight = channels.length - freeCount;
                if (inFlight == 0 && waiting.isEmpty() && againCount == 0 && drained) {
                    return;
                }
                long wait = nextSweep - now;
                if (!waiting.isEmpty()) {
                    wait = Math.min(wait, waiting.peek().dueNanos() - now);
                }
                if (inFlight == 0) {
                    if (wait > 0) {
                        selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait)));
                    }
                } else if (wait > 0) {
                    selector.select(this::answered, Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait)));
                } else {
                    selector.selectNow(this::answered);
                }
                now = System.nanoTime();
                if (now - nextSweep >= 0) {
                    sweep(now);
                    nextSweep = now + sweepNanos;
                }
            }
        } catch (IOException | ClosedSelectorException e) {
            // the selector itself failed: the ports left stay pending, as after a stop
        } finally {
            closeAll();
        }
    }

    /** Starts connects until the table is full or nothing is ready to start. */
    private void fill(long now) {
        while (freeCount > 0 && !scan.stopping()) {
            int item;
            if (!waiting.isEmpty() && waiting.peek().dueNanos() - now <= 0) {
                item = waiting.poll().item();
                connect(item);
                continue;
            }
            if (againCount > 0) {
                item = again[againHead];
                againHead = (againHead + 1) % again.length;
                againCount--;
            } else if (!drained) {
                item = scan.nextItem();
                if (item < 0) {
                    drained = true;
                    return;
                }
            } else {
                return;
            }
            long delay = scan.reserveSlot();
            if (delay > 0) {
                waiting.add(new Waiting(now + delay, item));
                return;
            }
            connect(item);
        }
    }

    private void connect(int item) {
        InetSocketAddress address = scan.address(item);
        SocketChannel channel;
        try {
            channel = SocketChannel.open(scan.family(item));
        } catch (IOException e) {
            failed(item, PortScan.classify(e));   // no descriptor left: retried like any local shortage
            return;
        }
        try {
            channel.configureBlocking(false);
            if (channel.connect(address) || channel.finishConnect()) {
                opened(channel, item);
                return;
            }
            int slot = free[--freeCount];
            channels[slot] = channel;
            items[slot] = item;
            deadlines[slot] = System.nanoTime() + timeoutNanos;
            channel.register(selector, SelectionKey.OP_CONNECT, slotIds[slot]);
        } catch (IOException e) {
            close(channel);
            failed(item, PortScan.classify(e));
        }
    }

    /** A registered connect has an answer. */
    private void answered(SelectionKey key) {
        int slot = (Integer) key.attachment();
        SocketChannel channel = channels[slot];
        int item = items[slot];
        try {
            if (!channel.finishConnect()) {
                return;   // not yet after all: it stays in the table
            }
            release(slot);
            opened(channel, item);
        } catch (IOException e) {
            release(slot);
            close(channel);
            failed(item, PortScan.classify(e));
        }
    }

    private void release(int slot) {
        channels[slot] = null;
        free[freeCount++] = slot;
    }

    /** Connects whose time is up count as silences: filtered, or tried again. */
    private void sweep(long now) {
        for (int slot = 0; slot < channels.length; slot++) {
            SocketChannel channel = channels[slot];
            if (channel != null && now - deadlines[slot] >= 0) {
                int item = items[slot];
                release(slot);
                close(channel);
                failed(item, PortState.FILTERED);
            }
        }
    }

    private void opened(SocketChannel channel, int item) {
        boolean self;
        try {
            // TCP's simultaneous open: a loopback connect whose local port is the scanned port
            self = channel.getLocalAddress().equals(channel.getRemoteAddress());
            channel.setOption(StandardSocketOptions.SO_LINGER, 0);   // RST: no TIME_WAIT per open port
        } catch (IOException e) {
            self = false;   // reset by the peer meanwhile: it was open, and nothing lingers
        }
        close(channel);
        scan.record(item, self ? PortState.CLOSED : PortState.OPEN);
    }

    /** A connect ended without a handshake; {@code state} null is a local shortage. */
    private void failed(int item, PortState state) {
        if (state == null) {
            if (scan.mayRetryLocally(item)) {
                waiting.add(new Waiting(System.nanoTime() + PortScan.LOCAL_RETRY_NANOS, item));
                return;
            }
            state = PortState.ERROR;
        }
        if (state == PortState.FILTERED && scan.mayRetrySilence(item)) {
            if (againCount == again.length) {
                waiting.add(new Waiting(System.nanoTime(), item));
                return;
            }
            again[(againHead + againCount) % again.length] = item;
            againCount++;
            return;
        }
        scan.record(item, state);
    }

    private void closeAll() {
        for (int slot = 0; slot < channels.length; slot++) {
            if (channels[slot] != null) {
                close(channels[slot]);
                channels[slot] = null;
            }
        }
        try {
            selector.close();
        } catch (IOException e) {
            // nothing left to release
        }
    }

    private static void close(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // the descriptor is gone either way
        }
    }
}
