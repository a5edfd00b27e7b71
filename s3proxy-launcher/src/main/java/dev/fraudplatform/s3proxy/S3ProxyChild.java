package dev.fraudplatform.s3proxy;

import java.io.IOException;
import java.io.InputStream;

/**
 * The child JVM's entry point: starts s3proxy's own {@code org.gaul.s3proxy.Main} with the same arguments, and exits
 * when its standard input closes. {@link S3ProxyProcess} holds the other end of that pipe, so the server never
 * outlives the JVM that started it, even one killed without running its shutdown hooks.
 */
public final class S3ProxyChild {
    private S3ProxyChild() {}

    public static void main(String[] args) throws Exception {
        Thread watchdog = new Thread(
                () -> {
                    try (InputStream in = System.in) {
                        while (in.read() >= 0) {
                            // nothing is ever sent; reading only waits for the parent to go away
                        }
                    } catch (IOException e) {
                        // a broken pipe means the same as end of stream
                    }
                    Runtime.getRuntime().halt(0);
                },
                "s3proxy-parent-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        // by name: s3proxy is on the child's classpath only, never on the one this module is compiled against
        Class.forName("org.gaul.s3proxy.Main").getMethod("main", String[].class).invoke(null, (Object) args);
    }
}
