package dev.attune.models;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LearningLaneTest {

  @Test
  void learningTakesEveryThreadWhenIdleAndLeavesOneToQueriesWhileTheyAreServed() {
    LearningLane lane = new LearningLane(Executors.newFixedThreadPool(2), 2);
    assertThat(lane.limit()).isEqualTo(2);
    lane.queried();
    assertThat(lane.limit()).isEqualTo(1);
    LearningLane single = new LearningLane(Executors.newFixedThreadPool(1), 1);
    single.queried();
    assertThat(single.limit()).as("one core: learning still runs").isEqualTo(1);
  }

  @Test
  void whileServingAtMostOneFewerTaskRunsAtOnce() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(3);
    LearningLane lane = new LearningLane(pool, 3);
    AtomicInteger running = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(12);
    lane.queried();
    for (int i = 0; i < 12; i++) {
      lane.execute(
          () -> {
            int now = running.incrementAndGet();
            most.accumulateAndGet(now, Math::max);
            try {
              Thread.sleep(20);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            running.decrementAndGet();
            done.countDown();
          });
    }
    assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(most.get()).isEqualTo(2);
    pool.shutdown();
  }
}
