package dev.fraudplatform.rtdl.join;

import dev.fraudplatform.core.join.JoinPlane;
import dev.fraudplatform.testkit.JoinPlaneContract;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/** The join plane contract on a Kafka Streams key-value store (in memory here; RocksDB in the platform). */
class StateStoreJoinPlaneTest extends JoinPlaneContract {
    @Override
    protected JoinPlane newJoinPlane() {
        KeyValueStore<String, byte[]> store = Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore("join-plane"), Serdes.String(), Serdes.ByteArray())
                .withLoggingDisabled()
                .build();
        MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
        store.init(context.getStateStoreContext(), store);
        return new StateStoreJoinPlane(store);
    }
}
