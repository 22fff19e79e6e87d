package io.ringside.services.memcached.store;

import java.util.concurrent.atomic.AtomicLong;

/** A clock moved by hand. Thread-safe. */
final class ManualClock implements StoreClock {
    private final AtomicLong millis;

    ManualClock(long startMillis) {
        this.millis = new AtomicLong(startMillis);
    }

    /** 2026-01-01T00:00:00Z, so that absolute exptimes are realistic. */
    static ManualClock atNewYear2026() {
        return new ManualClock(1_767_225_600_000L);
    }

    void advanceSeconds(long s) {
        millis.addAndGet(s * 1000);
    }

    long unixSeconds() {
        return millis.get() / 1000;
    }

    @Override
    public long currentTimeMillis() {
        return millis.get();
    }
}
