package io.ringside;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ringside.OutboundConnectTest.OutboundRecorder;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The PROXY header of an outbound connection ({@link ConnectOptions.Builder#proxyHeader}) read by a listener with
 * {@code proxy-protocol} on, over loopback: the listener's handler sees the client and destination the header names
 * (v1 and v2, IPv4 and IPv6), and the bytes the outbound handler writes arrive after the header, unchanged.
 */
@Timeout(60)
class OutboundProxyHeaderTest extends LoopbackServerTest {
    /** Greets with the addresses the header gave it, then echoes. */
    static final class AddressHandler extends LineHandler {
        @Override
        public void onOpen(Connection c) {
            c.writeLine("remote=" + c.remoteAddress() + " local=" + c.localAddress() + " proxy=" + (c.proxyAddress() != null));
        }

        @Override
        public void onLine(Connection c, ByteSpan line) {
            c.writeLine(line).closeAfterFlush();
        }
    }

    @ParameterizedTest(name = "{0}: {1}:{2} -> {3}:{4}")
    @CsvSource({"v1, 127.0.0.5, 4321, 127.0.0.1, 80", "v2, 127.0.0.5, 4321, 127.0.0.1, 80",
                "v1, 2001:db8::5, 65535, 2001:db8::1, 443", "v2, 2001:db8::5, 1, 2001:db8::1, 443"})
    void theListenerSeesTheClientTheHeaderNames(String version, String source, int sourcePort, String destination,
                                                int destinationPort) throws Exception {
        InetSocketAddress address = start(AddressHandler::new, "PROXY_PROTOCOL", version);
        InetSocketAddress client = new InetSocketAddress(InetAddress.getByName(source), sourcePort);
        InetSocketAddress to = new InetSocketAddress(InetAddress.getByName(destination), destinationPort);
        ConnectOptions options = ConnectOptions.builder().proxyHeader(ProxyProtocol.parse(version), client, to).build();
        OutboundRecorder out = new OutboundRecorder() {
            @Override
            public void onOpen(Connection c) {
                super.onOpen(c);
                c.writeLine("after the header");
            }
        };
        server.connect(address, Duration.ofSeconds(10), options, out);
        await(out::closed, "the listener closed after its echo");
        assertEquals(List.of("open", "line:remote=" + client + " local=" + to + " proxy=true", "line:after the header",
                "input-end", "close:PEER_CLOSED"), out.events);
        assertEquals(0, server.stats().closed(CloseReason.BAD_PROXY_HEADER));
    }

    @Test
    void anUnknownClientIsSentAsUnknownAndTheListenerKeepsTheSocketsAddresses() throws Exception {
        InetSocketAddress address = start(AddressHandler::new, "PROXY_PROTOCOL", "any");
        for (ProxyProtocol version : List.of(ProxyProtocol.V1, ProxyProtocol.V2)) {
            OutboundRecorder out = new OutboundRecorder() {
                @Override
                public void onOpen(Connection c) {
                    super.onOpen(c);
                    c.writeLine("x");
                }
            };
            server.connect(address, Duration.ofSeconds(10), ConnectOptions.builder().proxyHeader(version, null, null).build(), out);
            await(out::closed, "closed");
            String greeting = out.events.get(1);
            assertEquals(true, greeting.startsWith("line:remote=/127.0.0.1:") && greeting.endsWith(" proxy=true"), greeting);
        }
    }

    @Test
    void badHeaderOptionsAreRefusedWhenBuilt() {
        InetSocketAddress unresolved = InetSocketAddress.createUnresolved("somewhere", 1);
        assertThrows(IllegalArgumentException.class, () -> ConnectOptions.builder().proxyHeader(ProxyProtocol.ANY, null, null));
        assertThrows(IllegalArgumentException.class, () -> ConnectOptions.builder().proxyHeader(ProxyProtocol.V2, unresolved, null));
    }
}
