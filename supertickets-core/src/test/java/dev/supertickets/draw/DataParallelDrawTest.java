package dev.supertickets.draw;

import static dev.supertickets.draw.CheckpointTest.assertSameTicket;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.supertickets.data.Augmentation;
import dev.supertickets.data.Dataset;
import dev.supertickets.data.EmbeddedFashionMnist;
import dev.supertickets.parallel.Collective;
import dev.supertickets.parallel.DataParallel;
import dev.supertickets.space.SearchSpaces;
import dev.supertickets.tensor.Backend;
import dev.supertickets.ticket.SuperTicket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Data-parallel draws with replicas as threads of this JVM: one replica is the plain draw, bit for
 * bit; two replicas end with one ticket and train as one process on the global batch does.
 */
@Tag("slow")
class DataParallelDrawTest {
  private static Dataset train;
  private static Dataset test;

  @BeforeAll
  static void data() {
    Backend.init();
    train = EmbeddedFashionMnist.train().subset(0, 768);
    test = EmbeddedFashionMnist.test().subset(0, 256);
  }

  private static SuperTicketsDrawer.Builder drawer() {
    return SuperTicketsDrawer.builder(SearchSpaces.tiny28())
        .augmentation(Augmentation.none())
        .seed(7)
        .epochs(3)
        .batchSize(32)
        .targetSparsity(0.5);
  }

  @Test
  void oneReplicaDrawsThePlainTicketBitForBit() {
    SuperTicket plain = drawer().build().draw(train, test);
    for (int k : new int[] {1, 5}) {
      SuperTicket one =
          drawer().dataParallel(new DataParallel(Collective.single(), k)).build().draw(train, test);
      assertSameTicket(one, plain);
      assertThat(one.provenance().get("draw.replicas")).isEqualTo("1");
    }
  }

  @Test
  void twoReplicasAveragingGradientsTrainAsOneProcessOnTheGlobalBatch() throws Exception {
    List<List<DrawListener.DrawEvent>> curves = new ArrayList<>();
    List<SuperTicket> replicas = replicas(2, 1, curves);
    assertSameTicket(replicas.get(1), replicas.get(0));
    assertThat(replicas.get(0).provenance().get("draw.averagingInterval")).isEqualTo("1");
    List<DrawListener.DrawEvent> single = new ArrayList<>();
    SuperTicket plain = drawer().listener(single::add).build().draw(train, test);
    // the same global batch of 32 as 2 x 16: the gradient is the same mean up to BN's batch
    // statistics (per half batch) and the order of the images; measured 4%, 10% and 3% apart in
    // the three epochs, so each epoch's mean loss within 15%
    for (int e = 0; e < single.size(); e++) {
      for (List<DrawListener.DrawEvent> curve : curves) {
        assertThat(curve.get(e).trainLoss())
            .as("epoch %s training loss", e)
            .isCloseTo(single.get(e).trainLoss(), within(0.15 * single.get(e).trainLoss()));
      }
    }
    assertThat(replicas.get(0).evaluate(test).accuracy())
        .isCloseTo(plain.evaluate(test).accuracy(), within(0.1));
  }

  @Test
  void twoReplicasAveragingTheStateEveryKStepsEndWithOneTicket() throws Exception {
    List<SuperTicket> replicas = replicas(2, 4, new ArrayList<>());
    assertSameTicket(replicas.get(1), replicas.get(0));
    assertThat(replicas.get(0).sparsity()).isCloseTo(0.5, within(1e-3));
  }

  @Test
  void refusesWhatCannotWork() {
    assertThatThrownBy(
            () ->
                drawer()
                    .dataParallel(new DataParallel(Collective.single(), 1))
                    .checkpoint(Path.of("x.ckpt"), 0)
                    .build())
        .hasMessageContaining("does not checkpoint");
    DataParallel three = new DataParallel(Collective.inMemory(3).get(0), 1);
    assertThatThrownBy(() -> drawer().dataParallel(three).build().draw(train, test))
        .hasMessageContaining("batch size 32 does not divide among 3 replicas");
    assertThatThrownBy(() -> new DataParallel(Collective.single(), 0))
        .hasMessageContaining("averaging interval must be at least 1");
  }

  private static List<SuperTicket> replicas(
      int n, int interval, List<List<DrawListener.DrawEvent>> curves) throws Exception {
    List<Collective> collectives = Collective.inMemory(n);
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      List<Future<SuperTicket>> futures = new ArrayList<>();
      for (Collective c : collectives) {
        List<DrawListener.DrawEvent> curve = new ArrayList<>();
        curves.add(curve);
        futures.add(
            pool.submit(
                () ->
                    drawer()
                        .dataParallel(new DataParallel(c, interval))
                        .listener(curve::add)
                        .build()
                        .draw(train, test)));
      }
      List<SuperTicket> out = new ArrayList<>();
      for (Future<SuperTicket> f : futures) {
        out.add(f.get());
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }
}
