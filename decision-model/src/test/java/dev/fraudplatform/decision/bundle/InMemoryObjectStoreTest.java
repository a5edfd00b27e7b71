package dev.fraudplatform.decision.bundle;

import dev.fraudplatform.core.store.ObjectStore;
import dev.fraudplatform.testkit.ObjectStoreContract;

/** The test store keeps the port's contract, so what bundle loading shows with it holds for every adapter. */
class InMemoryObjectStoreTest extends ObjectStoreContract {
    @Override
    protected ObjectStore newStore() {
        return new InMemoryObjectStore();
    }
}
