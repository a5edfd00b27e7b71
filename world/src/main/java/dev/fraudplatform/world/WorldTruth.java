package dev.fraudplatform.world;

import dev.fraudplatform.core.store.ObjectStore;
import dev.fraudplatform.parquet.ParquetCodec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A sealed world's truth ({@code truth/fraud/}): which transactions are fraud and of which typology. Offline tools
 * only (evaluation, backtests): the real-time planes never read it, and no model feature may come from it.
 */
public final class WorldTruth {
    private WorldTruth() {}

    /** Transaction id to typology key, for every fraud transaction of the world. */
    public static Map<String, String> typologies(ObjectStore store, String worldId) {
        Map<String, String> out = new HashMap<>();
        for (String key : store.list(WorldBuilder.prefix(worldId) + "/truth/fraud/")) {
            if (!key.endsWith(".parquet")) continue;
            try (InputStream in = store.open(key)) {
                ParquetCodec.forEachRow(
                        in, List.of("txn_id", "typology"), r -> out.put(r.getString(0), r.getString(1)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }
}
