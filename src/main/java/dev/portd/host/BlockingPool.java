package dev.portd.host;

import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The host's executor for blocking work: at most {@code max} threads, each made only when no idle
 * one can take the task, and ended after {@code idle} without work; past {@code max} busy threads
 * tasks wait in an unbounded queue, in order, as with a fixed pool.
 * <p>
 * {@code Executors.newFixedThreadPool(16)} makes a new thread for every task until it has 16, even
 * when the previous task finished long ago, and keeps them for ever: an HTTP service that looks at
 * one file a second ends up with 16 threads (stacks, glibc malloc arenas) doing one stat a second
 * between them. Here such work reuses one thread.
 */
final class BlockingPool extends ThreadPoolExecutor {
    private final SpareQueue queue;

    private BlockingPool(int max, long idle, TimeUnit unit, ThreadFactory threads, SpareQueue queue) {
        super(0, max, idle, unit, queue, threads, (task, pool) -> {
            if (pool.isShutdown()) {
                throw new RejectedExecutionException("the host has stopped");
            }
            queue.queue(task);   // every thread is busy: wait for one
            if (pool.getPoolSize() == 0) {
                pool.execute(() -> { });   // the last thread ended meanwhile: a new one takes the queue
            }
        });
        this.queue = queue;
    }

    static BlockingPool create(int max, long idle, TimeUnit unit, ThreadFactory threads) {
        return new BlockingPool(max, idle, unit, threads, new SpareQueue());
    }

    /** Whether a thread waits idle for work (a task given now runs on it, no thread is made). */
    boolean hasIdleThread() {
        return queue.hasWaitingConsumer();
    }

    /**
     * Takes a task only when an idle thread receives it at once; otherwise refuses it, so that the
     * pool makes a thread (up to its maximum) and, at the maximum, queues it ({@link #queue}).
     */
    private static final class SpareQueue extends LinkedTransferQueue<Runnable> {
        @Override
        public boolean offer(Runnable task) {
            return tryTransfer(task);
        }

        void queue(Runnable task) {
            super.offer(task);
        }
    }
}
