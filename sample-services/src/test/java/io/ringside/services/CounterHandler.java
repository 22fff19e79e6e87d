package io.ringside.services;

import io.ringside.ByteSpan;
import io.ringside.CloseReason;
import io.ringside.Connection;
import io.ringside.LineHandler;
import io.ringside.ServerConfig;
import io.ringside.Setting;
import io.ringside.server.RingsideServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A tiny counter protocol: "INCR" adds one, "GET" replies the count, "QUIT" says bye and closes. */
public final class CounterHandler extends LineHandler {
    private long count; // per connection: no locking needed

    @Override
    public void onOpen(Connection c) {
        c.writeLine("HELLO " + c.remoteAddress());
    }

    @Override
    public void onLine(Connection c, ByteSpan line) {
        if (line.equalsAscii("INCR")) {            // compares bytes: allocates nothing
            count++;
            c.writeLine("OK");
        } else if (line.equalsAscii("GET")) {
            c.writeLine(Long.toString(count));
        } else if (line.equalsAscii("QUIT")) {
            c.writeLine("BYE").closeAfterFlush();  // the reply is flushed, then the socket closes
        } else if (line.equalsAscii("LATER")) {
            c.schedule(Duration.ofSeconds(1), () -> c.writeLine("one second later"));
        } else {
            c.writeLine("ERROR unknown command: " + line.toString(StandardCharsets.UTF_8));
        }
    }

    @Override
    public void onClose(Connection c, CloseReason reason) {
        // PEER_CLOSED, LOCAL_CLOSE, LINE_TOO_LONG, HANDLER_ERROR, OUTPUT_OVERFLOW, SERVER_STOP, ...
    }

    public static void main(String[] args) throws Exception {
        ServerConfig config = ServerConfig.builder()
                .applyEnvironment(System.getenv())
                .set(Setting.PORT, "7000")
                .build();
        RingsideServer server = new RingsideServer(config, CounterHandler::new).start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop)); // drains on Ctrl-C
        Thread.currentThread().join();
    }
}
