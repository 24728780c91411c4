package dev.supertickets.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.supertickets.data.Dataset;
import dev.supertickets.draw.DrawListener;
import dev.supertickets.sweep.CellRun;
import dev.supertickets.sweep.SweepCell;
import dev.supertickets.sweep.SweepMethod;
import dev.supertickets.tensor.Backend;
import dev.supertickets.ticket.SuperTicket;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A data-parallel draw on {@code local[2]}'s barrier stage: one replica is the single-process draw
 * bit for bit; two replicas averaging gradients train as one process on the global batch.
 */
@Tag("slow")
class DataParallelDrawTest {
  private static final SweepCell CELL =
      new SweepCell("supertickets", 0.5, 3, 3, "tiny28", "standard", SweepCell.EMBEDDED, 768, 200);
  private static JavaSparkContext spark;
  private static final List<Double> singleLoss = new ArrayList<>();
  private static SuperTicket single;
  private static DataParallelDraw.Result twoReplicas;

  @BeforeAll
  static void start() throws Exception {
    spark =
        new JavaSparkContext(
            new SparkConf()
                .setMaster("local[2]")
                .setAppName("DataParallelDrawTest")
                .set("spark.ui.enabled", "false")
                .set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1"));
    Backend.init();
    Dataset train = CellRun.train(CELL);
    Dataset test = CellRun.test(CELL);
    SweepMethod.Setting s = SweepMethod.Setting.of(CELL, train, test, Optional.empty());
    single =
        SweepMethod.superTicketsDrawer(s, CELL.sparsity())
            .listener((DrawListener) e -> singleLoss.add(e.trainLoss()))
            .build()
            .draw(train, test);
    twoReplicas = DataParallelDraw.run(spark, CELL, 2, 1); // one draw for both tests that need it
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void oneReplicaDrawsTheSingleProcessTicketBitForBit() throws Exception {
    DataParallelDraw.Result r = DataParallelDraw.run(spark, CELL, 1, 1);
    assertThat(r.ticket().isIdenticalTo(single)).as("bit for bit").isTrue();
    assertThat(r.ticket().isIdenticalTo(twoReplicas.ticket()))
        .as("a ticket of two replicas differs")
        .isFalse();
    assertThat(r.rounds()).isEqualTo(r.steps() + 1); // every step, and the last calibration
    assertThat(r.trainLoss()).containsExactlyElementsOf(singleLoss);
  }

  @Test
  void twoReplicasAveragingGradientsTrackTheSingleProcess() throws Exception {
    DataParallelDraw.Result r = twoReplicas;
    assertThat(r.replicas()).isEqualTo(2);
    assertThat(r.ticket().sparsity()).isCloseTo(0.5, within(1e-3));
    assertThat(r.ticket().provenance().get("draw.replicas")).isEqualTo("2");
    // a replica's batch of 32 is half the global 64: the averaged gradient is the global batch's
    // up to BN's per-half-batch statistics; each epoch's loss within 15% (as in core's test)
    for (int e = 0; e < singleLoss.size(); e++) {
      assertThat(r.trainLoss().get(e))
          .as("epoch %s", e)
          .isCloseTo(singleLoss.get(e), within(0.15 * singleLoss.get(e)));
    }
    assertThat(r.testAccuracy())
        .isCloseTo(single.evaluate(CellRun.test(CELL)).accuracy(), within(0.1));
    assertThat(r.exchangeMillis()).isPositive();
  }

  @Test
  void badInputFailsBeforeAnyTaskStarts() {
    SweepCell gmp =
        new SweepCell("gmp", 0.5, 3, 1, "tiny28", "standard", SweepCell.EMBEDDED, 100, 100);
    assertThatThrownBy(() -> DataParallelDraw.run(spark, gmp, 2, 1))
        .hasMessageContaining("runs method supertickets or search-only, not gmp");
    assertThatThrownBy(() -> DataParallelDraw.run(spark, CELL, 3, 1))
        .hasMessageContaining("batch of 64 does not divide among 3 replicas");
    assertThatThrownBy(() -> DataParallelDraw.run(spark, CELL, 2, 0))
        .hasMessageContaining("averaging interval must be at least 1");
    SweepCell missing =
        new SweepCell("supertickets", 0.5, 3, 1, "tiny28", "standard", "/no/such/idx", 0, 0);
    assertThatThrownBy(() -> DataParallelDraw.run(spark, missing, 2, 1))
        .hasMessageContaining("data folder /no/such/idx does not exist");
  }
}
