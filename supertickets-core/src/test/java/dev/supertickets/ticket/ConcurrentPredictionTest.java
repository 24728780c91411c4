package dev.supertickets.ticket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.supertickets.data.Dataset;
import dev.supertickets.data.EmbeddedFashionMnist;
import dev.supertickets.tensor.Backend;
import dev.supertickets.train.Metrics;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A loaded ticket predicts and evaluates from 8 threads at once with exactly the results of one
 * thread, bit for bit. Layers keep per-call state in fields (a training pass caches its inputs for
 * backward; an evaluation pass does not today, but nothing forbids it), so {@link SuperTicket}
 * gives each thread its own network; ND4J workspaces are per thread already.
 */
class ConcurrentPredictionTest {
  private static final int THREADS = 8;
  private static final int BATCHES = 6;
  private static final int BATCH = 16;

  private static SuperTicket ticket;
  private static List<INDArray> batches;
  private static Dataset test;
  private static ExecutorService pool;

  @BeforeAll
  static void load() throws Exception {
    Backend.init();
    ticket = SuperTicket.load(golden());
    test = EmbeddedFashionMnist.test().subset(0, 128);
    batches = new ArrayList<>();
    for (int b = 0; b < BATCHES; b++) {
      float[] x = new float[BATCH * test.sampleLength()];
      for (int i = 0; i < BATCH; i++) {
        System.arraycopy(
            test.image(b * BATCH + i), 0, x, i * test.sampleLength(), test.sampleLength());
      }
      batches.add(Nd4j.create(x, new long[] {BATCH, 28, 28, 1}, 'c'));
    }
    pool = Executors.newFixedThreadPool(THREADS);
  }

  @AfterAll
  static void stop() {
    pool.shutdownNow();
  }

  private static Path golden() throws URISyntaxException {
    return Path.of(
        ConcurrentPredictionTest.class
            .getResource("/" + GoldenTicketTest.FOLDER + "ticket-v1.stkt")
            .toURI());
  }

  @Test
  void eightThreadsPredictExactlyWhatOneThreadPredicts() throws Exception {
    List<float[]> alone = new ArrayList<>();
    for (INDArray x : batches) {
      alone.add(ticket.predict(x).data().asFloat());
    }
    CyclicBarrier start = new CyclicBarrier(THREADS);
    List<Future<List<float[]>>> runs = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      int offset = t;
      runs.add(
          pool.submit(
              () -> {
                start.await(); // all threads in the forward passes together
                List<float[]> out = new ArrayList<>();
                for (int i = 0; i < 3 * BATCHES; i++) {
                  // each thread walks the batches from its own offset, so different batches overlap
                  // in time
                  int b = (i + offset) % BATCHES;
                  out.add(ticket.predict(batches.get(b)).data().asFloat());
                }
                return out;
              }));
    }
    for (int t = 0; t < THREADS; t++) {
      List<float[]> got = runs.get(t).get();
      for (int i = 0; i < got.size(); i++) {
        assertThat(got.get(i))
            .as("thread %s, call %s", t, i)
            .isEqualTo(alone.get((i + t) % BATCHES));
      }
    }
  }

  @Test
  void eightThreadsEvaluateExactlyWhatOneThreadEvaluates() throws Exception {
    Metrics alone = ticket.evaluate(test);
    CyclicBarrier start = new CyclicBarrier(THREADS);
    List<Future<Metrics>> runs = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      runs.add(
          pool.submit(
              () -> {
                start.await();
                return ticket.evaluate(test);
              }));
    }
    for (Future<Metrics> r : runs) {
      assertThat(r.get()).isEqualTo(alone);
    }
  }
}
