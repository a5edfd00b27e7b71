package dev.fraudplatform.core.ingress;

import java.util.List;

/**
 * Port: where producers hand raw envelopes to the Ingestion Gate (in process now; over HTTP or the
 * {@code fp.ingress} topic in other wirings). Returns exactly one receipt per input, in input order.
 */
public interface IngressPort {
    List<Receipt> submit(List<byte[]> rawEnvelopes);
}
