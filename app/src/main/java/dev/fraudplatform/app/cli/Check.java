package dev.fraudplatform.app.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The checks of the command line's inputs, in one place, so that every bad input is refused with one line before
 * anything starts (no server, no run, no file). Range checks are picocli converters: picocli applies them while it
 * parses, and a refusal becomes "invalid value for option '--x': ...", exit 2. The other checks (a home that cannot be
 * written, a gate that does not answer, a port already taken) throw {@link IllegalArgumentException} with the reason,
 * which {@link dev.fraudplatform.app.Fp#execute} also answers with one line and exit 2.
 */
public final class Check {
    private Check() {}

    /** An integer of at least 1: a count, a size, a limit. */
    public static final class Positive implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            int n = integer(value);
            if (n < 1) throw new TypeConversionException("must be at least 1, was " + value);
            return n;
        }
    }

    /** An integer of at least 0. */
    public static final class NonNegative implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            int n = integer(value);
            if (n < 0) throw new TypeConversionException("must be 0 or more, was " + value);
            return n;
        }
    }

    /** A TCP port on 127.0.0.1: 1 to 65535, or 0 for any free port. */
    public static final class Port implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            int n;
            try {
                n = integer(value);
            } catch (TypeConversionException e) {
                throw new TypeConversionException("must be a port from 1 to 65535 (or 0: any free port), was " + value);
            }
            if (n < 0 || n > 65_535)
                throw new TypeConversionException("must be a port from 1 to 65535 (or 0: any free port), was " + value);
            return n;
        }
    }

    /** Events per second, or another pace: a finite number of 0 or more (0: unpaced, as fast as the gate accepts). */
    public static final class Rate implements ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            double r = decimal(value);
            if (!(r >= 0) || Double.isInfinite(r))
                throw new TypeConversionException(
                        "must be a finite number of 0 or more (0: as fast as the gate accepts), was " + value);
            return r;
        }
    }

    /** A pace that must be set: a finite number above 0. */
    public static final class PositiveRate implements ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            double r = decimal(value);
            if (!(r > 0) || Double.isInfinite(r))
                throw new TypeConversionException("must be a finite number above 0, was " + value);
            return r;
        }
    }

    /** The highest total share of fraud a world may have; {@code WorldConfig} holds the same bound. */
    public static final double MAX_FRAUD_SHARE = 0.5;

    /** A share of a world's transactions that is fraud: from 0 to {@link #MAX_FRAUD_SHARE}. */
    /** A share from 0 to 1 (a weight). */
    public static final class Share implements ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            double r = decimal(value);
            if (!(r >= 0 && r <= 1)) throw new TypeConversionException("must be a share from 0 to 1, was " + value);
            return r;
        }
    }

    public static final class FraudShare implements ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            double r = decimal(value);
            if (!(r >= 0 && r <= MAX_FRAUD_SHARE)) {
                throw new TypeConversionException(
                        "must be a share from 0 to " + MAX_FRAUD_SHARE + " (e.g. 0.01 for 1%), was " + value);
            }
            return r;
        }
    }

    /** Days of a world's traffic, as {@code WorldConfig} allows them. */
    public static final class Days implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            int n = integer(value);
            if (n < 1 || n > 3660) throw new TypeConversionException("must be from 1 to 3660 days, was " + value);
            return n;
        }
    }

    /** A decide deadline in milliseconds, as {@code POST /v1/decide} takes it: 1 to 30,000. */
    public static final class DeadlineMillis implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            int n = integer(value);
            if (n < 1 || n > 30_000) throw new TypeConversionException("must be from 1 to 30000 ms, was " + value);
            return n;
        }
    }

    private static int integer(String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new TypeConversionException("must be a whole number, was '" + value + "'");
        }
    }

    private static double decimal(String value) {
        try {
            return Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw new TypeConversionException("must be a number, was '" + value + "'");
        }
    }

    private static final java.util.regex.Pattern RUN_ID =
            java.util.regex.Pattern.compile("run-[a-z0-9][a-z0-9-]{0,62}");

    /**
     * A run id as the platform makes them ({@code run-20261125-7f3a9c1e}) or a caller chooses one ({@code run-} then
     * lower-case letters, digits and dashes, at most 66 characters): it becomes object keys and database values.
     */
    public static void runId(String option, String id) {
        if (id == null || !RUN_ID.matcher(id).matches())
            throw new IllegalArgumentException(option + " must be a run id such as run-20261125-7f3a9c1e "
                    + "(run-, then lower-case letters, digits and dashes), was '" + id + "'");
    }

    /**
     * Makes sure {@code home} exists and takes new files, by creating (and removing) one: a mode bit alone does not
     * say so (root writes anywhere; a read-only mount refuses everyone).
     *
     * @throws IllegalArgumentException "FP_HOME ... is not writable" with the reason
     */
    public static void writableHome(Path home) {
        try {
            Files.createDirectories(home);
            Path probe = Files.createTempFile(home, ".fp-write-check-", ".tmp");
            Files.delete(probe);
        } catch (AccessDeniedException e) {
            throw new IllegalArgumentException("FP_HOME " + home
                    + " is not writable (permission denied); set FP_HOME to a directory you can write");
        } catch (FileSystemException e) {
            String reason = e.getReason() != null ? e.getReason() : "cannot be created";
            throw new IllegalArgumentException(
                    "FP_HOME " + home + " is not writable (" + reason.toLowerCase(Locale.ROOT)
                            + (e.getFile() != null && !e.getFile().equals(home.toString()) ? ": " + e.getFile() : "")
                            + "); set FP_HOME to a directory you can write");
        } catch (IOException | SecurityException e) {
            throw new IllegalArgumentException(
                    "FP_HOME " + home + " is not writable; set FP_HOME to a directory you can write");
        }
    }

    /** A gate's base URL: http or https with a host. */
    public static URI gateUrl(String url) {
        URI uri;
        try {
            uri = URI.create(url.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--gate " + url + " is not a URL; e.g. http://127.0.0.1:8080");
        }
        if (uri.getScheme() == null || !uri.getScheme().matches("(?i)https?") || uri.getHost() == null) {
            throw new IllegalArgumentException(
                    "--gate " + url + " is not an http URL with a host; e.g. http://127.0.0.1:8080");
        }
        return uri;
    }

    /**
     * Makes sure something listens at the gate's address before a command sends it anything (a TCP connect, within
     * 3 s), so that a closed gate is one line rather than a producer retrying forever.
     */
    public static void gateAnswers(String url) {
        URI uri = gateUrl(url);
        int port = uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(uri.getHost(), port), 3_000);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("no gate at " + url + ": unknown host " + uri.getHost());
        } catch (SocketTimeoutException e) {
            throw new IllegalArgumentException("no gate at " + url + ": no answer within 3 s");
        } catch (IOException e) {
            throw new IllegalArgumentException("no gate at " + url + ": connection refused");
        }
    }

    /** Makes sure nothing else listens on {@code port} of 127.0.0.1 (0, any free port, always is). */
    public static void portFree(int port, String what) {
        if (port == 0) return;
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    what + " port " + port + " on 127.0.0.1 is in use; choose another with --port");
        }
    }

    /** Makes sure {@code file} is a regular file this process can read. */
    public static void readableFile(Path file, String option) {
        if (!Files.exists(file)) throw new IllegalArgumentException(option + " " + file + ": no such file");
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException(option + " " + file + " is not a file");
        if (!Files.isReadable(file)) throw new IllegalArgumentException(option + " " + file + " cannot be read");
    }
}
