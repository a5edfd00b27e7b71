package dev.fraudplatform.ingress.http;

import java.io.EOFException;
import java.io.IOException;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpException;

/**
 * Names why a request's connection ended before its body did, from what Jetty threw: the client hung up, went silent
 * past the idle timeout, or sent slower than the minimum data rate. Used to log one line instead of a stack trace,
 * and to keep a client-side ending from being answered as the gate's own failure (503).
 */
final class EarlyEnd {
    private static final int MAX_CAUSES = 16;

    private EarlyEnd() {}

    /**
     * The cause in a few words ("the client hung up"), or null when {@code t} is not a client-side ending of the
     * connection and must be treated as a failure of the gate. {@code limits} supplies the numbers named.
     */
    static String describe(Throwable t, GateLimits limits) {
        boolean io = false;
        boolean eof = false;
        boolean timeout = false;
        Throwable c = t;
        for (int i = 0; c != null && i < MAX_CAUSES; i++, c = c.getCause()) {
            if (c instanceof HttpException h && h.getCode() == 408) {
                return "the client sent its body slower than the minimum of " + limits.minRequestBytesPerSecond()
                        + " bytes/s";
            }
            io |= c instanceof IOException;
            eof |= c instanceof EOFException || c instanceof java.nio.channels.ClosedChannelException;
            timeout |= c instanceof TimeoutException;
        }
        // A TimeoutException alone may be the gate's own (a bus or store call); Jetty's idle timeout comes as I/O.
        if (timeout && io)
            return "the client sent nothing for the idle timeout of " + limits.idleTimeoutMillis() + " ms";
        if (eof) return "the client hung up";
        return null;
    }
}
