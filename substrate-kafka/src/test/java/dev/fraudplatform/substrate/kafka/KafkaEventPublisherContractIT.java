package dev.fraudplatform.substrate.kafka;

import dev.fraudplatform.core.bus.EventPublisher;
import dev.fraudplatform.core.bus.OutboundRecord;
import dev.fraudplatform.testkit.EventPublisherContract;
import dev.fraudplatform.testkit.ReadRecord;
import java.util.List;

/** {@link EventPublisherContract} on {@link KafkaEventPublisher}, on a real embedded KRaft broker. */
class KafkaEventPublisherContractIT extends EventPublisherContract {

    @Override
    protected EventPublisher newEventPublisher() {
        return new KafkaEventPublisher(KafkaSettings.of(TestBus.bootstrap()), "it-publisher");
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
