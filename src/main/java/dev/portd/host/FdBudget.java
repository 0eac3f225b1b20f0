package dev.portd.host;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host's file descriptors, shared out so that a flood on one service cannot starve the others:
 * however many connections echo holds, HTTP and the dashboard can still accept.
 *
 * <p>The split, from the process's limit: what the process holds at start (the JVM, listeners,
 * event loops) plus {@link #FILES_HEADROOM} for files services open while they serve (HTTP files,
 * Maildir writes) are kept aside; each TCP listener then has {@link #RESERVE} connections of its own
 * that no other service can take; the rest is a pool shared first come, first served. A connection
 * past its listener's reserve when the pool is empty is closed at once and counted as
 * {@code fd budget}. Should accept still meet EMFILE (files held elsewhere), {@link AcceptBackoff}
 * pauses that listener.
 */
final class FdBudget {
    /** Connections each TCP listener can always accept, whatever the others hold (fewer if the limit is tiny). */
    static final int RESERVE = 8;
    /** Descriptors kept for files that services open while serving. */
    static final int FILES_HEADROOM = 64;

    private static final Logger log = LoggerFactory.getLogger(FdBudget.class);

    private int reserve = Integer.MAX_VALUE;   // guarded by this; no limit until share() has run
    private int pool;
    private int shared;

    /**
     * Shares out a process allowed {@code limit} fds that holds {@code held} now (listeners bound)
     * among this many TCP listeners, each with its own account.
     */
    synchronized void share(long limit, int held, int listeners) {
        long free = limit - Math.max(held, 0) - FILES_HEADROOM;
        reserve = (int) Math.max(0, Math.min(RESERVE, free / (2L * Math.max(listeners, 1))));
        pool = (int) Math.max(0, Math.min(free - (long) reserve * listeners, Integer.MAX_VALUE));
        log.info("open files: limit {}, {} held at start, {} kept for files; {} TCP listeners may each always "
                + "hold {} connections, and share {} more", limit, held, FILES_HEADROOM, listeners, reserve, pool);
    }

    synchronized int reserve() {
        return reserve;
    }

    synchronized int pool() {
        return pool;
    }

    /** A new account for one TCP listener. */
    Account account() {
        return new Account();
    }

    /** One listener's account: its open connections, the first {@code reserve} of them its own. */
    final class Account {
        private int open;   // guarded by the budget: the shared count follows every account's

        /** Takes an fd for a new connection; false when neither the reserve nor the pool has one. */
        boolean tryAcquire() {
            synchronized (FdBudget.this) {
                if (open >= reserve) {
                    if (shared >= pool) {
                        return false;
                    }
                    shared++;
                }
                open++;
                return true;
            }
        }

        void release() {
            synchronized (FdBudget.this) {
                if (--open >= reserve) {
                    shared--;
                }
            }
        }
    }

    /** Connections past their service's reserve, now. */
    synchronized int sharedInUse() {
        return shared;
    }
}
