package dev.portd.service.classic;

import io.netty.buffer.ByteBuf;
import java.time.Clock;

/**
 * Time (RFC 868): the number of seconds since 1900-01-01 00:00 UTC as a 32-bit big-endian
 * integer. The count overflows 32 bits at 2036-02-07 06:28:16 UTC; like every implementation we
 * send it modulo 2^32, which clients that know the era can still read.
 */
public final class TimeService extends OneReplyService {
    /** 1900-01-01 to 1970-01-01: 70 years of 365 days plus 17 leap days, in seconds. */
    static final long SECONDS_1900_TO_1970 = 2_208_988_800L;

    private final Clock clock;   // injected, so tests can fix the time

    public TimeService(Clock clock) {
        this.clock = clock;
    }

    static long secondsSince1900(Clock clock) {
        return (Math.floorDiv(clock.millis(), 1000) + SECONDS_1900_TO_1970) & 0xFFFF_FFFFL;
    }

    /** The 4 bytes of one second, kept (see {@link OneReplyService#constant}). */
    private record Second(long value, ByteBuf buf) {
    }

    private volatile Second last = new Second(-1, null);

    @Override
    public ByteBuf reply() {
        long now = secondsSince1900(clock);
        Second cached = last;
        if (cached.value() != now) {
            cached = new Second(now, constant(new byte[] {(byte) (now >>> 24), (byte) (now >>> 16), (byte) (now >>> 8), (byte) now}));
            last = cached;
        }
        return cached.buf().duplicate();
    }
}
