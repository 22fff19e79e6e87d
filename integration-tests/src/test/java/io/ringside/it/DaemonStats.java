package io.ringside.it;

import com.sun.tools.attach.VirtualMachine;
import java.io.IOException;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * A daemon's {@code ServerStats}, read while it runs through its JMX bean
 * ({@code io.ringside:type=RingsideServer,port=PORT}): the test attaches to the child process, starts its local
 * management agent and reads the counters. Confined to the test's thread; closed by the test.
 */
final class DaemonStats implements AutoCloseable {
    private final JMXConnector connector;
    private final MBeanServerConnection mbeans;
    private final ObjectName name;

    private DaemonStats(JMXConnector connector, ObjectName name) throws IOException {
        this.connector = connector;
        this.mbeans = connector.getMBeanServerConnection();
        this.name = name;
    }

    static DaemonStats attach(DaemonProcess daemon) throws Exception {
        VirtualMachine vm = VirtualMachine.attach(Long.toString(daemon.process.pid()));
        String url;
        try {
            url = vm.startLocalManagementAgent();
        } finally {
            vm.detach();
        }
        JMXConnector connector = JMXConnectorFactory.connect(new JMXServiceURL(url));
        return new DaemonStats(connector, new ObjectName("io.ringside:type=RingsideServer,port=" + daemon.port));
    }

    /** One counter ({@code io.ringside.Metric} name) now. */
    long counter(String metric) throws Exception {
        return value((TabularData) mbeans.getAttribute(name, "Counters"), metric);
    }

    /** Connections closed for {@code reason} ({@code io.ringside.CloseReason} name) so far. */
    long closed(String reason) throws Exception {
        return value((TabularData) mbeans.getAttribute(name, "ClosedByReason"), reason);
    }

    private static long value(TabularData table, String key) {
        CompositeData row = table.get(new Object[] {key});
        if (row == null) {
            throw new AssertionError("no " + key + " in " + table.keySet());
        }
        return (Long) row.get("value");
    }

    /** Closes the JMX connection; a daemon that exited already leaves nothing to release. */
    @Override
    public void close() {
        try {
            connector.close();
        } catch (IOException gone) {
            // the process ended first: its side of the connection is gone with it
        }
    }
}
