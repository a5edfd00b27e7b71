package dev.fraudplatform.core.join;

/** The join plane did not answer (a store that is down or too slow): the caller degrades, it does not guess. */
public class JoinPlaneUnavailableException extends RuntimeException {
    public JoinPlaneUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
