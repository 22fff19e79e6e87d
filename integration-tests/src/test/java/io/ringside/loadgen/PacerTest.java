package io.ringside.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The paced schedule on a simulated clock: no sleeping, no timing. */
class PacerTest {
    private static final long MS = 1_000_000L;
    private static final long INTERVAL = 1000 * MS;
    private static final long START = 5_000 * MS;

    private static Pacer pacer(int n, long seed) {
        return new Pacer(n, INTERVAL, START, new SplittableRandom(seed));
    }

    /** Fires everything due at {@code now}, recording (index, now) pairs. */
    private static List<Integer> fire(Pacer p, long now) {
        List<Integer> fired = new ArrayList<>();
        p.fireDue(now, (index, t) -> {
            assertEquals(now, t);
            fired.add(index);
        });
        return fired;
    }

    @Test
    void everyConnectionTicksOncePerIntervalInTheSameOrderEachRound() {
        Pacer p = pacer(1000, 1);
        assertTrue(fire(p, START - 1).isEmpty(), "nothing before the start");
        List<Integer> round1 = new ArrayList<>();
        List<Integer> round2 = new ArrayList<>();
        for (long t = START; t < START + INTERVAL; t += 7 * MS) {
            round1.addAll(fire(p, t));
        }
        round1.addAll(fire(p, START + INTERVAL - 1));
        for (long t = START + INTERVAL; t < START + 2 * INTERVAL; t += 13 * MS) {
            round2.addAll(fire(p, t));
        }
        round2.addAll(fire(p, START + 2 * INTERVAL - 1));
        assertEquals(1000, round1.size());
        assertEquals(1000, round1.stream().distinct().count(), "each connection exactly once per round");
        assertEquals(round1, round2, "same phase every round");
        assertEquals(0, p.skipped());
    }

    @Test
    void phasesAreSpreadEvenlyOverTheInterval() {
        int n = 1000;
        Pacer p = pacer(n, 2);
        int[] tenths = new int[10];
        for (int i = 0; i < n; i++) {
            long phase = p.phaseOf(i);
            assertTrue(phase >= 0 && phase < INTERVAL, "phase " + phase);
            tenths[(int) (phase * 10 / INTERVAL)]++;
        }
        for (int count : tenths) {
            assertEquals(n / 10, count, "one slot per connection: exactly a tenth in each tenth");
        }
        // half-way through the first round, half of the connections have ticked (one slot each)
        int half = fire(p, START + INTERVAL / 2 - 1).size();
        assertTrue(half == n / 2 || half == n / 2 - 1, "ticked by half-time: " + half);
    }

    @Test
    void theOrderIsShuffledNotTheConnectionOrder() {
        Pacer p = pacer(100, 3);
        List<Integer> round = fire(p, START + INTERVAL - 1);
        assertEquals(100, round.size());
        List<Integer> sorted = new ArrayList<>(round);
        sorted.sort(null);
        assertTrue(!round.equals(sorted), "ids are dealt to slots in a random order");
        assertTrue(p.phaseOf(round.get(0)) < p.phaseOf(round.get(99)));
    }

    @Test
    void aStallSkipsWholeRoundsInsteadOfBursting() {
        Pacer p = pacer(50, 4);
        assertEquals(50, fire(p, START + INTERVAL - 1).size());
        // 3.5 intervals late: three rounds are dropped, at most one round fires now
        List<Integer> burst = fire(p, START + INTERVAL + 3 * INTERVAL + INTERVAL / 2);
        assertEquals(3 * 50, p.skipped());
        assertTrue(burst.size() <= 50 && burst.size() > 0, "fired " + burst.size());
        assertEquals(burst.size(), burst.stream().distinct().count(), "no connection twice in one burst");
        assertTrue(p.nextDue() > START + 4 * INTERVAL + INTERVAL / 2, "next tick is in the future");
    }

    @Test
    void oneConnectionAndBadArguments() {
        Pacer p = pacer(1, 5);
        assertEquals(List.of(0), fire(p, START + INTERVAL - 1));
        assertEquals(List.of(0), fire(p, START + 2 * INTERVAL - 1));
        assertThrows(IllegalArgumentException.class, () -> new Pacer(0, INTERVAL, 0, new SplittableRandom()));
        assertThrows(IllegalArgumentException.class, () -> new Pacer(1, MS - 1, 0, new SplittableRandom()));
    }
}
