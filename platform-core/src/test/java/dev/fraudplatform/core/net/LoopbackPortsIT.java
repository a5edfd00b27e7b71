package dev.fraudplatform.core.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Binds real loopback sockets, so it runs as an IT. */
class LoopbackPortsIT {
    @Test
    void portsAreNeverHandedOutTwiceAndCanBeBound() throws Exception {
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 200; i++)
            assertThat(seen.add(LoopbackPorts.reserve())).isTrue();
        int port = LoopbackPorts.reserve();
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertThat(s.getLocalPort()).isEqualTo(port);
        }
    }
}
