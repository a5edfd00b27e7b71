package dev.fraudplatform.core.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/**
 * Free loopback ports for servers this process starts, never the same one twice. A port found free is only free
 * until its server binds it; servers that start side by side (the embedded broker and PostgreSQL) could otherwise be
 * handed the same port in that window, and the loser's client would talk to the winner (seen: PostgreSQL's start-up
 * check waiting forever on the KRaft controller's port).
 */
public final class LoopbackPorts {
    private static final Set<Integer> HANDED_OUT = new HashSet<>();

    private LoopbackPorts() {}

    /** A loopback port that is free now and that this process has not handed out before. */
    public static synchronized int reserve() {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                s.setReuseAddress(true);
                port = s.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException("no free loopback port", e);
            }
            if (HANDED_OUT.add(port)) return port;
        }
        throw new IllegalStateException("no loopback port that this process has not handed out already");
    }
}
