package dev.fraudplatform.core.ingress;

import java.util.List;

/**
 * Port: where producers hand raw envelopes to the Ingestion Gate (in process now; over HTTP or the
 * {@code fp.ingress} topic in other wirings). Returns exactly one receipt per input, in input order, or throws
 * {@link BackpressureException} when the same batch must be sent again later.
 */
public interface IngressPort {
    List<Receipt> submit(List<byte[]> rawEnvelopes);
}
