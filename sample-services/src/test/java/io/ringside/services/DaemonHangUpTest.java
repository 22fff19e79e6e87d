package io.ringside.services;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link Daemon#hangUpIgnored}: SIGHUP's bit in the SigIgn mask of /proc/self/status, and nothing else. */
class DaemonHangUpTest {
    @Test
    void sighupIsBitZeroOfSigIgn() {
        assertTrue(Daemon.hangUpIgnored("Name:\tjava\nSigBlk:\t0000000000000000\nSigIgn:\t0000000000000001\nSigCgt:\t0\n"));
        assertTrue(Daemon.hangUpIgnored("SigIgn:\t0000000000001003\n"), "SIGHUP, SIGINT and SIGPIPE ignored");
        assertFalse(Daemon.hangUpIgnored("SigIgn:\t0000000000001000\n"), "only SIGPIPE");
        assertFalse(Daemon.hangUpIgnored("SigIgn:\t0000000000000002\n"), "only SIGINT");
        assertFalse(Daemon.hangUpIgnored("SigBlk:\t0000000000000001\n"), "blocked is not ignored");
        assertFalse(Daemon.hangUpIgnored(""), "not Linux");
    }
}
