package dev.fraudplatform.ingress.http;

import static dev.fraudplatform.ingress.http.InFlightRequests.Admission.ADMITTED;
import static dev.fraudplatform.ingress.http.InFlightRequests.Admission.GATE_FULL;
import static dev.fraudplatform.ingress.http.InFlightRequests.Admission.PRODUCER_FULL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class InFlightRequestsTest {

    @Test
    void bodiesOverTheByteBoundAreRefusedAndARefusalHoldsNeitherBytesNorAPlace() {
        InFlightRequests open = new InFlightRequests(10, 10, 1_000);
        assertThat(open.admit("a", 600)).isEqualTo(ADMITTED);
        assertThat(open.admit("b", 500)).isEqualTo(InFlightRequests.Admission.BYTES_FULL);
        assertThat(open.inFlight("b")).isZero();
        assertThat(open.inFlight()).isEqualTo(1);
        assertThat(open.bytes()).isEqualTo(600);
        assertThat(open.admit("b", 400)).isEqualTo(ADMITTED);

        open.release("a", 600);
        assertThat(open.bytes()).isEqualTo(400);
        assertThat(open.admit("c", 600)).isEqualTo(ADMITTED);
    }

    @Test
    void aProducerAtItsBoundIsRefusedWhileAnotherStillGetsIn() {
        InFlightRequests open = new InFlightRequests(2, 10);
        assertThat(open.admit("a")).isEqualTo(ADMITTED);
        assertThat(open.admit("a")).isEqualTo(ADMITTED);

        assertThat(open.admit("a")).isEqualTo(PRODUCER_FULL);
        assertThat(open.admit("b")).isEqualTo(ADMITTED);
        assertThat(open.inFlight("a")).isEqualTo(2);
        assertThat(open.inFlight()).isEqualTo(3);
    }

    @Test
    void theGateAtItsBoundRefusesEveryProducerAndARefusalTakesNoPlace() {
        InFlightRequests open = new InFlightRequests(2, 3);
        open.admit("a");
        open.admit("a");
        open.admit("b");

        assertThat(open.admit("c")).isEqualTo(GATE_FULL);
        assertThat(open.admit("a")).isEqualTo(PRODUCER_FULL);
        assertThat(open.inFlight("c")).isZero();
        assertThat(open.inFlight("a")).isEqualTo(2);
        assertThat(open.inFlight()).isEqualTo(3);
    }

    @Test
    void aReleasedPlaceCanBeTakenAgain() {
        InFlightRequests open = new InFlightRequests(1, 1);
        assertThat(open.admit("a")).isEqualTo(ADMITTED);
        assertThat(open.admit("b")).isEqualTo(GATE_FULL);

        open.release("a");

        assertThat(open.admit("b")).isEqualTo(ADMITTED);
        assertThat(open.inFlight("a")).isZero();
    }

    @Test
    void aReleaseWithoutAdmissionIsAnError() {
        InFlightRequests open = new InFlightRequests(1, 1);
        assertThatThrownBy(() -> open.release("a")).isInstanceOf(IllegalStateException.class);
        open.admit("a");
        open.release("a");
        assertThatThrownBy(() -> open.release("a")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void racingRequestsNeverExceedEitherBound() throws Exception {
        InFlightRequests open = new InFlightRequests(3, 5);
        AtomicInteger mostOfA = new AtomicInteger();
        AtomicInteger mostInAll = new AtomicInteger();
        AtomicInteger admitted = new AtomicInteger();
        // Who holds a place, counted by the holders: the limiter's own counters briefly include refused attempts.
        AtomicInteger holdingA = new AtomicInteger();
        AtomicInteger holding = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            String producer = t % 2 == 0 ? "a" : "p" + t;
            Thread thread = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 20_000; i++) {
                    if (open.admit(producer) != ADMITTED) continue;
                    admitted.incrementAndGet();
                    int a = producer.equals("a") ? holdingA.incrementAndGet() : holdingA.get();
                    mostOfA.accumulateAndGet(a, Math::max);
                    mostInAll.accumulateAndGet(holding.incrementAndGet(), Math::max);
                    holding.decrementAndGet();
                    if (producer.equals("a")) holdingA.decrementAndGet();
                    open.release(producer);
                }
            });
            thread.start();
            threads.add(thread);
        }
        go.countDown();
        for (Thread t : threads) t.join();

        assertThat(mostOfA.get()).isLessThanOrEqualTo(3);
        assertThat(mostInAll.get()).isLessThanOrEqualTo(5);
        assertThat(admitted.get()).isPositive();
        assertThat(open.inFlight()).isZero();
    }

    @Test
    void boundsMustBePositive() {
        assertThatThrownBy(() -> new InFlightRequests(0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new InFlightRequests(1, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
