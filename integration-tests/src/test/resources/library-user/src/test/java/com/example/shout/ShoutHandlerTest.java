package com.example.shout;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ringside.ServerConfig;
import io.ringside.Setting;
import io.ringside.server.RingsideServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ShoutHandlerTest {
    @Test
    void aServerOnAFreePortShoutsTheLineBack() throws Exception {
        // LibraryUserIT reads this line: on the module path it says "module io.ringside"
        System.out.println("io.ringside loaded as " + RingsideServer.class.getModule());
        ServerConfig config = ServerConfig.builder().set(Setting.PORT, "0").build();
        RingsideServer server = new RingsideServer(config, ShoutHandler::new).start();
        try (Socket socket = new Socket(server.localAddress().getAddress(), server.localAddress().getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write("hello, ringside\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("HELLO, RINGSIDE", in.readLine());
        } finally {
            server.stop();
        }
    }
}
