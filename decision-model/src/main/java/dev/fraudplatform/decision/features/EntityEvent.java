package dev.fraudplatform.decision.features;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * What the account-keyed task sends to a cross-entity projection (merchant, device or IP), re-keyed by that entity:
 * a transaction to count, or a fraud label of a linked account to remember.
 *
 * @param kind               the entity kind
 * @param id                 the entity id (merchant id, device id, IP)
 * @param type               a transaction, or a label on an account linked to the entity
 * @param account            the account of the transaction or label (the key the answer goes back to)
 * @param card               the transaction's card, null for a label
 * @param timeMs             event time of the transaction, or observed time of the label
 * @param accountLabelledMs  the earliest fraud label observed on the account so far, or -1
 */
public record EntityEvent(
        Kind kind,
        String id,
        Type type,
        String runId,
        String eventId,
        String account,
        String card,
        long timeMs,
        long amount,
        long accountLabelledMs) {
    public enum Kind {
        MERCHANT,
        DEVICE,
        IP
    }

    /**
     * A transaction, a label, or a watermark: account task {@code id} (its input partition) has sent every event of
     * the run with an event time below {@code timeMs}; or {@link #ENDED}, the run's stream has ended on it; or
     * {@link #IDLE}, its input has been quiet a while (a guess, taken back by its next watermark).
     */
    public enum Type {
        TXN,
        LABEL,
        WATERMARK
    }

    /** Watermark time: the run's stream has ended on the account task's partition; nothing more of it will come. */
    public static final long ENDED = Long.MAX_VALUE;
    /** Watermark time: the account task's input has been quiet for a while; it may yet speak again. */
    public static final long IDLE = Long.MAX_VALUE - 1;

    /** The watermark of account task {@code source} for one run, broadcast to every projection partition. */
    public static EntityEvent watermark(String runId, int source, long timeMs) {
        return new EntityEvent(
                Kind.MERCHANT, Integer.toString(source), Type.WATERMARK, runId, "", "", null, timeMs, 0, -1);
    }

    public static final String WATERMARK_KEY_PREFIX = "wm|";

    /** The entity's key on the re-keying topic; runs never share state. */
    public String key() {
        if (type == Type.WATERMARK) return WATERMARK_KEY_PREFIX + runId + "|" + id;
        return runId + "|" + kind.name() + "|" + id;
    }

    public byte[] encode() {
        try {
            ByteArrayOutputStream b = new ByteArrayOutputStream(128);
            DataOutputStream out = new DataOutputStream(b);
            out.writeByte(kind.ordinal());
            out.writeByte(type.ordinal());
            out.writeUTF(id);
            out.writeUTF(runId);
            out.writeUTF(eventId);
            out.writeUTF(account);
            out.writeUTF(card == null ? "" : card);
            out.writeLong(timeMs);
            out.writeLong(amount);
            out.writeLong(accountLabelledMs);
            return b.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static EntityEvent decode(byte[] bytes) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
            Kind kind = Kind.values()[in.readUnsignedByte()];
            Type type = Type.values()[in.readUnsignedByte()];
            String id = in.readUTF(),
                    run = in.readUTF(),
                    eventId = in.readUTF(),
                    account = in.readUTF(),
                    card = in.readUTF();
            return new EntityEvent(
                    kind,
                    id,
                    type,
                    run,
                    eventId,
                    account,
                    card.isEmpty() ? null : card,
                    in.readLong(),
                    in.readLong(),
                    in.readLong());
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not an entity event: " + e.getMessage(), e);
        }
    }
}
