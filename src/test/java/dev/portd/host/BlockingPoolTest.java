package dev.portd.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The blocking executor makes a thread only when no idle one can take the task, and queues past its maximum. */
class BlockingPoolTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private BlockingPool pool;

    @AfterEach
    void stop() throws InterruptedException {
        if (pool != null) {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void tasksOneAfterAnotherShareOneThread() throws InterruptedException {
        pool = BlockingPool.create(16, 60, TimeUnit.SECONDS, Thread::new);
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        for (int i = 0; i < 20; i++) {
            CountDownLatch done = new CountDownLatch(1);
            pool.execute(() -> {
                threads.add(Thread.currentThread());
                done.countDown();
            });
            assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
            await().atMost(WAIT).until(pool::hasIdleThread);   // the thread is back, waiting for work
        }
        assertThat(threads).hasSize(1);
        assertThat(pool.getLargestPoolSize()).isEqualTo(1);
    }

    @Test
    void busyThreadsGrowToTheMaximumThenTasksWait() throws InterruptedException {
        pool = BlockingPool.create(3, 60, TimeUnit.SECONDS, Thread::new);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(3);
        for (int i = 0; i < 3; i++) {
            pool.execute(() -> {
                started.countDown();
                awaitQuietly(release);
            });
        }
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        List<Integer> order = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 5; i++) {
            int n = i;
            pool.execute(() -> order.add(n));
        }
        assertThat(pool.getPoolSize()).isEqualTo(3);
        assertThat(pool.getQueue()).hasSize(5);
        assertThat(order).isEmpty();
        release.countDown();
        await().atMost(WAIT).until(() -> order.size() == 5);
        assertThat(order).containsExactlyInAnyOrder(0, 1, 2, 3, 4);
        assertThat(pool.getLargestPoolSize()).isEqualTo(3);
    }

    @Test
    void idleThreadsEnd() {
        pool = BlockingPool.create(4, 50, TimeUnit.MILLISECONDS, Thread::new);
        pool.execute(() -> { });
        await().atMost(WAIT).until(() -> pool.getCompletedTaskCount() == 1 && pool.getPoolSize() == 0);
    }

    @Test
    void aStoppedPoolRefusesWork() {
        pool = BlockingPool.create(2, 60, TimeUnit.SECONDS, Thread::new);
        pool.shutdownNow();
        assertThatThrownBy(() -> pool.execute(() -> { })).isInstanceOf(RejectedExecutionException.class);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
