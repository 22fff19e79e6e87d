package io.ringside.internal.accept;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** The per-address caps when a PROXY header names the client after the accept. */
class AdmissionTest {
    private static InetSocketAddress at(String ip, int port) {
        return new InetSocketAddress(ip, port);
    }

    @Test
    void aConnectionAcceptedWithoutAnAddressIsCountedUnderTheClientItsHeaderNames() {
        Admission a = new Admission(100, 1);
        assertNull(a.tryAdmit(null), "a PROXY listener admits at accept by the total only");
        assertNull(a.tryAdmit(null));
        assertNull(a.readmit(null, at("10.0.0.1", 1)));
        assertEquals("too many connections from 10.0.0.1", a.readmit(null, at("10.0.0.1", 2)));
        assertNull(a.readmit(null, at("10.0.0.2", 3)), "another client is not held back by the first");
        a.release(at("10.0.0.1", 1));
        assertNull(a.tryAdmit(null));
        assertNull(a.readmit(null, at("10.0.0.1", 4)), "released under the client's address, so it may come back");
    }

    @Test
    void aConnectionCountedUnderTheProxyMovesToTheClientAndFreesTheProxysSlot() {
        Admission a = new Admission(100, 1);
        InetSocketAddress proxy = at("127.0.0.1", 5000);
        assertNull(a.tryAdmit(proxy));
        assertEquals("too many connections from 127.0.0.1", a.tryAdmit(at("127.0.0.1", 5001)));
        assertNull(a.readmit(proxy, at("10.0.0.1", 1)));
        assertNull(a.tryAdmit(at("127.0.0.1", 5002)), "the proxy's slot was given back");
        assertEquals("too many connections from 10.0.0.1", a.readmit(at("127.0.0.1", 5002), at("10.0.0.1", 2)));
        assertEquals("too many connections from 127.0.0.1", a.tryAdmit(at("127.0.0.1", 5003)),
                "a refused move leaves the count where it was (released at the close)");
        a.release(at("127.0.0.1", 5002));
        assertNull(a.tryAdmit(at("127.0.0.1", 5004)));
    }

    @Test
    void theTotalDoesNotChangeWhenAConnectionMoves() {
        Admission a = new Admission(2, 0);
        assertNull(a.tryAdmit(null));
        assertNull(a.readmit(null, at("10.0.0.1", 1)));
        assertNull(a.tryAdmit(null));
        assertEquals("too many connections", a.tryAdmit(null));
        a.release(at("10.0.0.1", 1));
        assertNull(a.tryAdmit(null));
    }
}
