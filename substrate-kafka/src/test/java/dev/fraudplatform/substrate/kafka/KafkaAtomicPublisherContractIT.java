package dev.fraudplatform.substrate.kafka;

import dev.fraudplatform.core.bus.AtomicPublisher;
import dev.fraudplatform.core.bus.OutboundRecord;
import dev.fraudplatform.testkit.AtomicPublisherContract;
import dev.fraudplatform.testkit.ReadRecord;
import java.util.List;

/** {@link AtomicPublisherContract} on {@link KafkaAtomicPublisher} (one transaction per group), on a real broker. */
class KafkaAtomicPublisherContractIT extends AtomicPublisherContract {

    @Override
    protected AtomicPublisher newAtomicPublisher(String identity) {
        return new KafkaAtomicPublisher(KafkaSettings.of(TestBus.bootstrap()), identity);
    }

    @Override
    protected String newTopic(int partitions) {
        return TestBus.newTopic(partitions);
    }

    @Override
    protected List<ReadRecord> readCommitted(String topic) throws Exception {
        return TestBus.readCommitted(topic);
    }

    @Override
    protected OutboundRecord aRecordTheBusRefuses(String topic) {
        return TestBus.tooLarge(topic);
    }
}
